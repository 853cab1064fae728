"""Faults at the network edge, through the real stack: python-telegram-bot's Application, the
Telegram channel's retries, the reminder service and the local Bot API server, which answers 500
for a minute, hangs past the client's timeout, drops connections, answers 429 with
retry_after, or refuses a chat. The service stays up, answers once the API is back, and no
reply or reminder is lost or sent twice."""

from __future__ import annotations

import asyncio
import itertools
import logging
import os
import signal
import sqlite3
from collections import Counter
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from db.session import Database
from domain.clock import FrozenClock
from fakes.bot_api import FakeBotApi, Sent
from fakes.builders import add_directing_group
from scheduler.reminders import ReminderService
from tests.bot.test_telegram import TOKEN, telegram
from tests.conftest import local
from tests.scheduler.test_reminders import RULES, Stack
from tests.test_crash import FIRST_CHAT, prepare, start, wait

VINH, TRUNG, ADMIN = 1001, 2001, 2002
OUTAGE_SECONDS = float(os.environ.get("OUTAGE_SECONDS", "60"))
CLIENT_TIMEOUT = 5.0  # python-telegram-bot's default read timeout for a request


@pytest.fixture
async def stack(seeded: Database) -> AsyncIterator[Stack]:
    """The channel with its production retry budget (two minutes)."""
    clock = FrozenClock(local("2024-09-27 08:00"))
    async with telegram(seeded, clock) as (api, engine, channel):
        yield Stack(api, seeded, clock, channel, engine)


async def ask(stack: Stack, user_id: int, text: str, timeout: float = 30.0) -> Sent:
    before = len(stack.api.messages_to(user_id))
    stack.api.push_message(user_id, text)
    sent = await stack.api.wait_sent(user_id, before + 1, timeout=timeout)
    return sent[before]


def send_statuses(api: FakeBotApi, chat_id: int) -> list[int]:
    return [c.status for c in api.calls_of("sendMessage") if c.params.get("chat_id") == chat_id]


async def test_a_request_that_times_out_is_retried_and_answered_once(
    stack: Stack, caplog: pytest.LogCaptureFixture
) -> None:
    await stack.link("le-hong-vinh", VINH)
    stack.api.fail_next("sendMessage", times=1, status=500, delay=CLIENT_TIMEOUT + 2)
    answer = await ask(stack, VINH, "/nhiemvu I.5")
    assert (answer.text or "").startswith("I.5 · ")
    # The hung call (answered, too late, once its delay is over), then the retry.
    await stack.api.wait_for(lambda _: send_statuses(stack.api, VINH) == [500, 200] or None)
    assert len(stack.api.messages_to(VINH)) == 1
    assert "TimedOut" in caplog.text  # it was the client's timeout that gave up, and said so


async def test_dropped_connections_are_retried_and_answered_once(stack: Stack) -> None:
    await stack.link("le-hong-vinh", VINH)
    stack.api.drop_connections(2, method="sendMessage")
    answer = await ask(stack, VINH, "/capnhat I.5 đang thực hiện 40%")
    assert (answer.text or "").startswith("Đã cập nhật nhiệm vụ I.5")
    assert send_statuses(stack.api, VINH) == [0, 0, 200]
    assert len(stack.api.messages_to(VINH)) == 1


async def test_getupdates_failing_then_recovering(stack: Stack) -> None:
    await stack.link("le-hong-vinh", VINH)
    stack.api.drop_connections(2, method="getUpdates")
    stack.api.fail_next("getUpdates", times=2, status=502)

    def faults_seen() -> bool | None:
        statuses = Counter(c.status for c in stack.api.calls_of("getUpdates"))
        return (statuses[0], statuses[502]) == (2, 2) or None

    await stack.api.wait_for(
        lambda _: faults_seen(), timeout=30
    )  # polling went through all four faults
    answer = await ask(stack, VINH, "/trogiup")
    assert "/nhiemvu" in (answer.text or "")
    assert len(stack.api.messages_to(VINH)) == 1


async def test_429_retry_after_is_honoured(stack: Stack) -> None:
    await stack.link("le-hong-vinh", VINH)
    # More 429s in a row than AIORateLimiter retries (3): the channel's own retry takes over.
    stack.api.fail_next("sendMessage", times=5, status=429, retry_after=1)
    answer = await ask(stack, VINH, "/nhiemvu I.5")
    assert (answer.text or "").startswith("I.5 · ")
    calls = [c for c in stack.api.calls_of("sendMessage") if c.params.get("chat_id") == VINH]
    assert [c.status for c in calls] == [429] * 5 + [200]
    assert all(b.time - a.time >= 1.0 for a, b in itertools.pairwise(calls))
    assert len(stack.api.messages_to(VINH)) == 1


@pytest.mark.parametrize(
    ("status", "description"),
    [
        (403, "Forbidden: bot was blocked by the user"),
        (400, "Bad Request: chat not found"),
    ],
)
async def test_a_refusing_chat_is_marked_and_the_others_are_still_served(
    stack: Stack, status: int, description: str
) -> None:
    async with stack.database.transaction(write=True) as session:
        await add_directing_group(session, "I.10", 2, stack.clock.now(), first_chat=50_000)
    refusing, served = 50_000, 50_001
    await stack.link("admin", ADMIN, admin=True)
    stack.api.reject_chat(refusing, description, status=status)
    service = ReminderService(
        stack.database, stack.clock, RULES, {"telegram": stack.channel}, per_chat_seconds=0.05
    )
    await service.run_due()
    (reminder,) = stack.api.messages_to(served)  # the reminder reached the other member
    assert "🔔 Nhắc việc · I.10" in (reminder.text or "")
    assert send_statuses(stack.api, refusing) == [status]  # refused once, not retried
    await stack.blocked_and_reported(refusing, ADMIN)
    # A message from the refusing chat cannot be answered; the service carries on.
    stack.api.push_message(refusing, "/nhiemvu")
    await stack.api.wait_for(lambda _: len(send_statuses(stack.api, refusing)) == 2 or None)
    assert (await ask(stack, served, "/trogiup")).text is not None
    stack.clock.advance(timedelta(days=3))  # the next reminder (30/09) skips the marked chat
    await service.run_due()
    assert len(send_statuses(stack.api, refusing)) == 2


async def test_a_minute_of_500s_loses_no_reply_and_no_reminder(tmp_path: Path) -> None:
    """The real service process (`python -m bot run`): the Bot API answers 500 to every call
    for a minute, getUpdates included, while members write and reminders fall due."""
    members, rounds = 5, 3
    await prepare(tmp_path, "I.10", members)  # officers directing I.10, due 30/09
    log = tmp_path / "service.log"
    chats = [FIRST_CHAT + n for n in range(members)]
    with FakeBotApi(token=TOKEN) as api:
        # 08:00 (the I.10 reminders) comes 25 s after the start: inside the outage.
        process = start(tmp_path, api, log, bot_now="2024-09-27T07:59:35+07:00")
        try:
            await wait(lambda: "service running" in log.read_text(), timeout=20)
            api.set_outage(OUTAGE_SECONDS)
            percent = 0
            for _ in range(rounds):
                for chat in chats:
                    percent += 1
                    api.push_message(chat, f"/capnhat I.10 đang thực hiện {percent}%")
                await asyncio.sleep(OUTAGE_SECONDS / rounds)  # members keep writing

            def answered() -> Counter[int]:
                return Counter(
                    s.chat_id
                    for s in list(api.sent)
                    if (s.text or "").startswith("Đã cập nhật nhiệm vụ I.10")
                )

            def reminded() -> Counter[int]:
                return Counter(s.chat_id for s in list(api.sent) if (s.text or "").startswith("🔔"))

            await wait(
                lambda: sum(answered().values()) >= members * rounds and len(reminded()) == members,
                timeout=120,
            )
        finally:
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=30) == 0, log.read_text()
    replies = [s for s in api.sent if (s.text or "").startswith("Đã cập nhật nhiệm vụ I.10")]
    percents = sorted(int(s.text.split("(")[1].split("%")[0]) for s in replies if s.text)
    assert percents == list(range(1, members * rounds + 1))  # every message, answered once
    assert reminded() == Counter(dict.fromkeys(chats, 1))  # every reminder, once
    failed = [c for c in api.calls_of("sendMessage") if c.status == 500]
    assert {c.params["chat_id"] for c in failed if "Nhắc việc" in c.params["text"]} == set(chats)
    assert [c for c in api.calls_of("getUpdates") if c.status == 500]  # polling was down too
    service_log = log.read_text()
    assert TOKEN not in service_log
    with sqlite3.connect(tmp_path / "bot.db") as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        changes = db.execute("SELECT count(*) FROM status_changes").fetchone()[0]
        states = db.execute("SELECT DISTINCT state FROM reminders").fetchall()
    assert changes == members * rounds and states == [("sent",)]
    for path in sorted(tmp_path.glob("bot.db*")):  # noqa: ASYNC240 (the database, WAL, shm)
        assert TOKEN.encode() not in path.read_bytes(), path.name


async def test_a_reply_to_a_chat_that_blocked_the_bot_is_a_warning_not_an_error(
    stack: Stack, caplog: pytest.LogCaptureFixture
) -> None:
    await stack.link("le-hong-vinh", VINH)
    await stack.link("nguyen-duc-trung", TRUNG)
    stack.api.reject_chat(VINH)
    with caplog.at_level(logging.WARNING):
        stack.api.push_message(VINH, "/nhiemvu")
        for _ in range(250):  # the error handler runs after the refused send
            if any("reply not delivered" in r.getMessage() for r in caplog.records):
                break
            await asyncio.sleep(0.02)
    assert send_statuses(stack.api, VINH) == [403]  # refused once, not retried
    assert any("reply not delivered" in r.getMessage() for r in caplog.records)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert (await ask(stack, TRUNG, "/trogiup")).text is not None  # the service carries on
