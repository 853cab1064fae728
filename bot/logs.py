"""Logging: one line per event, secrets never written.

httpx logs every request URL at INFO, and a Telegram URL contains the bot token
(``/bot123:ABC/sendMessage``): httpx and httpcore are kept at WARNING, and every line that still
carries a secret (an exception message quoting a URL, say) has it replaced by ``[REDACTED]``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

_TOKEN_SHAPE = re.compile(r"\b\d{6,12}:[A-Za-z0-9_-]{20,}\b")  # Telegram's token format
_EXTRA_FIELDS = ("channel", "chat", "update", "task", "member")


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
