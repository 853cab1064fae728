"""Logging: one line per event, secrets never written.

httpx logs every request URL at INFO, and a Telegram URL contains the bot token
(``/bot123:ABC/sendMessage``): httpx and httpcore are kept at WARNING, and every line that still
carries a secret (an exception message quoting a URL, say) has it replaced by ``[REDACTED]``.
"""

from __future__ import annotations

import asyncio
import logging
import re
import sys
import threading
from collections.abc import Iterable
from types import TracebackType
from typing import Any

_TOKEN_SHAPE = re.compile(r"\b\d{6,12}:[A-Za-z0-9_-]{20,}\b")  # Telegram's token format
_EXTRA_FIELDS = ("channel", "chat", "update", "task", "member")
crash_log = logging.getLogger("bot.uncaught")


class RedactingFormatter(logging.Formatter):
    """Formats, appends the record's context fields, then removes the secrets."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")
        self.secrets = [s for s in secrets if s]

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        context = " ".join(
            f"{name}={getattr(record, name)}" for name in _EXTRA_FIELDS if hasattr(record, name)
        )
        if context:
            text = f"{text} [{context}]"
        for secret in self.secrets:
            text = text.replace(secret, "[REDACTED]")
        return _TOKEN_SHAPE.sub("[REDACTED]", text)


def setup_logging(level: str, secrets: Iterable[str]) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(RedactingFormatter(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for noisy in ("httpx", "httpcore", "apscheduler", "tornado.access", "aiosqlite"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def _log_uncaught(
    kind: type[BaseException], value: BaseException, traceback: TracebackType | None
) -> None:
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, value, traceback)
        return
    crash_log.critical("uncaught exception", exc_info=(kind, value, traceback))


def _log_uncaught_in_thread(args: threading.ExceptHookArgs) -> None:
    if args.exc_value is not None:
        crash_log.critical(
            "uncaught exception in thread %s",
            args.thread.name if args.thread else "?",
            exc_info=(args.exc_type, args.exc_value, args.exc_traceback),
        )


def log_loop_exception(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    """asyncio's handler for what no one awaited (a task's exception, a callback's): logged
    through the redacting formatter instead of asyncio's own unredacted output."""
    error = context.get("exception")
    crash_log.error(
        "asyncio: %s",
        context.get("message", "unhandled exception"),
        exc_info=(type(error), error, error.__traceback__) if error is not None else None,
    )


def install_hooks(level: str, secrets: Iterable[str]) -> None:
    """Route every uncaught exception (main thread, other threads) through the redacting
    logging; asyncio's loop gets ``log_loop_exception`` where the loop is made. Without a
    handler yet (commands other than ``run``), one is set up at ``level``."""
    if not logging.getLogger().handlers:
        setup_logging(level, secrets)
    sys.excepthook = _log_uncaught
    threading.excepthook = _log_uncaught_in_thread
