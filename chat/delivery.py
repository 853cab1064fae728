"""The delivery contract between a sender (reminders, announcements) and a channel's outbox, and
what one attempt comes to, as typed values: sent, or not sent for good (blocked, deleted) or for
now (anything else, tried again later)."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Protocol

from chat.messages import Reply

log = logging.getLogger(__name__)


class PermanentFailure(Exception):
    """The message can never be delivered to this chat (blocked, deleted, not found)."""


class Outbox(Protocol):
    channel: str

    async def deliver(self, chat_id: str, reply: Reply) -> str:
        """Send ``reply``; return the message id. Raise PermanentFailure or anything transient."""
        ...


class Failure(Enum):
    PERMANENT = "permanent"  # this chat will never take it: the row fails, the account is blocked
    TRANSIENT = "transient"  # a network or server hiccup: the row is tried again later


@dataclass(frozen=True)
class Sent:
    channel: str
    chat_id: str
    message_id: str


@dataclass(frozen=True)
class NotSent:
    channel: str
    chat_id: str
    failure: Failure
    reason: str

    @property
    def permanent(self) -> bool:
        return self.failure is Failure.PERMANENT

    def __str__(self) -> str:  # as stored in a ledger row's last_error
        return f"{self.failure.value}: {self.reason}"


Outcome = Sent | NotSent


async def attempt(
    outboxes: Mapping[str, Outbox], channel: str, chat_id: str, reply: Reply
) -> Outcome:
    """Send ``reply`` to one chat through its channel's outbox; never raises."""
    outbox = outboxes.get(channel)
    if outbox is None:
        return NotSent(channel, chat_id, Failure.TRANSIENT, f"no {channel} channel running")
    try:
        return Sent(channel, chat_id, await outbox.deliver(chat_id, reply))
    except PermanentFailure as exc:
        return NotSent(channel, chat_id, Failure.PERMANENT, str(exc))
    except Exception as exc:
        log.warning("not sent, will retry: %s", type(exc).__name__)
        return NotSent(channel, chat_id, Failure.TRANSIENT, type(exc).__name__)


def verdict(outcomes: Sequence[Outcome], *, no_account: NotSent) -> NotSent | None:
    """What one recipient's attempts (one per chat account) come to: None when any account got
    the message; a permanent failure only when every account refused for good (a transient one
    may still succeed next time); ``no_account`` when there was no account to try."""
    if any(isinstance(o, Sent) for o in outcomes):
        return None
    failures = [o for o in outcomes if isinstance(o, NotSent)]
    if not failures:
        return no_account
    transient = next((f for f in failures if not f.permanent), None)
    if transient is not None:
        return transient
    if len(failures) == 1:
        return failures[0]
    reasons = "; ".join(f.reason for f in failures)
    return NotSent("", "", Failure.PERMANENT, f"all accounts refused: {reasons}")
