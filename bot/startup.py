"""Start-up failures: each ends in one line that says what to check, never a traceback.

A channel that cannot be reached at start (the network, a 5xx, a timeout) is tried again with
backoff until it answers or the service is told to stop; a refusal (a rejected token, a wrong
base URL answering 404) stops the start at once, with the setting to check.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)
FIRST_WAIT = 1.0
MAX_WAIT = 60.0


class StartupError(Exception):
    """The service cannot start; the message says what to check, in one line."""


def one_line(exc: BaseException) -> str:
    """``Type: message`` on one line (driver errors quote SQL and links on several)."""
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


async def start_with_retries(
    name: str,
    start: Callable[[], Awaitable[None]],
    transient: Callable[[BaseException], bool],
    stop: asyncio.Event,
    *,
    first_wait: float = FIRST_WAIT,
    max_wait: float = MAX_WAIT,
) -> bool:
    """Run ``start`` until it succeeds (True) or ``stop`` is set while waiting (False).
    A transient failure is logged as one line and retried after a growing wait; any other
    failure propagates."""
    wait = first_wait
    while True:
        try:
            await start()
            return True
        except Exception as exc:
            if not transient(exc):
                raise
            log.warning(
                "%s unreachable at start (%s); trying again in %.0f s", name, one_line(exc), wait
            )
        try:
            await asyncio.wait_for(stop.wait(), wait)
            return False
        except TimeoutError:
            wait = min(wait * 2, max_wait)
