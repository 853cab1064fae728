"""Refusals are logged, one line each: what was refused, on which channel and chat.

Never the message itself (it may hold an invite code) and never a secret."""

from __future__ import annotations

import logging

from handlers.types import Inbound

log = logging.getLogger("handlers.access")


def refused(inbound: Inbound, reason: str) -> None:
    log.warning("refused: %s", reason, extra={"channel": inbound.channel, "chat": inbound.chat_id})
