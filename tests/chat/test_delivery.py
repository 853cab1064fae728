"""The delivery contract: one attempt as a typed outcome, and what a recipient's attempts come
to (sent, failed for good, or to be tried again)."""

from __future__ import annotations

import httpx
import pytest

from chat.delivery import (
    Failure,
    NotSent,
    Outbox,
    PermanentFailure,
    Sent,
    attempt,
    verdict,
)
from chat.messages import Reply

NOBODY = NotSent("", "", Failure.TRANSIENT, "no account")


class ScriptedOutbox:
    channel = "telegram"

    def __init__(self, outcome: str | Exception) -> None:
        self.outcome = outcome
        self.sent: list[tuple[str, str]] = []

    async def deliver(self, chat_id: str, reply: Reply) -> str:
        if isinstance(self.outcome, Exception):
            raise self.outcome
        self.sent.append((chat_id, reply.text))
        return self.outcome


async def test_a_delivered_message_is_sent_with_its_id() -> None:
    outbox = ScriptedOutbox("m-42")
    outboxes: dict[str, Outbox] = {"telegram": outbox}
    assert await attempt(outboxes, "telegram", "7", Reply("chào")) == Sent("telegram", "7", "m-42")
    assert outbox.sent == [("7", "chào")]


async def test_a_refusal_for_good_is_permanent_and_keeps_the_reason() -> None:
    outboxes: dict[str, Outbox] = {"telegram": ScriptedOutbox(PermanentFailure("bot was blocked"))}
    outcome = await attempt(outboxes, "telegram", "7", Reply("x"))
    assert outcome == NotSent("telegram", "7", Failure.PERMANENT, "bot was blocked")
    assert isinstance(outcome, NotSent) and outcome.permanent
    assert str(outcome) == "permanent: bot was blocked"


async def test_anything_else_is_transient_named_by_its_type() -> None:
    outboxes: dict[str, Outbox] = {"telegram": ScriptedOutbox(httpx.ConnectError("down"))}
    outcome = await attempt(outboxes, "telegram", "7", Reply("x"))
    assert outcome == NotSent("telegram", "7", Failure.TRANSIENT, "ConnectError")
    assert str(outcome) == "transient: ConnectError"


async def test_a_channel_that_is_not_running_is_transient() -> None:
    outcome = await attempt({}, "zalo", "9", Reply("x"))
    assert outcome == NotSent("zalo", "9", Failure.TRANSIENT, "no zalo channel running")


BLOCKED_TG = NotSent("telegram", "1", Failure.PERMANENT, "blocked")
GONE_ZALO = NotSent("zalo", "2", Failure.PERMANENT, "not found")
DOWN_ZALO = NotSent("zalo", "2", Failure.TRANSIENT, "ReadTimeout")


@pytest.mark.parametrize(
    ("outcomes", "expected"),
    [
        ([Sent("telegram", "1", "m"), BLOCKED_TG], None),  # one account got it: sent
        ([], NOBODY),  # no account at all
        ([BLOCKED_TG], BLOCKED_TG),  # the only account refused for good
        ([BLOCKED_TG, DOWN_ZALO], DOWN_ZALO),  # one may still work: try again
        (
            [BLOCKED_TG, GONE_ZALO],
            NotSent("", "", Failure.PERMANENT, "all accounts refused: blocked; not found"),
        ),
    ],
)
def test_what_a_recipients_attempts_come_to(
    outcomes: list[Sent | NotSent], expected: NotSent | None
) -> None:
    assert verdict(outcomes, no_account=NOBODY) == expected
