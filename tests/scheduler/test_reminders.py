"""Reminders through the real stack: the database ledger, APScheduler, the Telegram channel
(python-telegram-bot) and the local Bot API server."""

from __future__ import annotations

import asyncio
import itertools
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, time, timedelta

import pytest
from sqlalchemy import func, select

from bot.telegram_channel import TelegramChannel
from chat import texts
from db import records
from db.models import (
    Agency,
    ChatAccount,
    Extension,
    Member,
    Milestone,
    Reminder,
    Task,
)
from db.session import Database
from domain.clock import FrozenClock, SystemClock
from fakes.bot_api import FakeBotApi, Sent
from fakes.builders import add_directing_group, task_id_of
from handlers.engine import Engine
from scheduler.leader import Always
from scheduler.planner import Kind, Rules
from scheduler.reminders import ReminderService
from tests.bot.test_telegram import TOKEN, settings_for, telegram
from tests.conftest import ZONE, local

TRUNG, ADMIN, OFFICER = 2001, 2002, 2003
LATE_JOINER = 2100
FAN_OUT = int(os.environ.get("FAN_OUT", "5000"))
RULES = Rules(offsets=tuple(timedelta(days=d) for d in (7, 3, 1, 0)), send_time=time(8), zone=ZONE)


@dataclass
class Stack:
    api: FakeBotApi
    database: Database
    clock: FrozenClock
    channel: TelegramChannel
    engine: Engine

    def service(self, **options: object) -> ReminderService:
        options.setdefault(
            "per_chat_seconds", 0.05
        )  # tests: see test_one_message_per_second_per_chat
        # One instance at a time here ("a new process" replaces the last one, never stopped):
        # several instances sharing the sending are tests/test_instances.py's.
        options.setdefault("leadership", Always())
        return ReminderService(
            self.database, self.clock, RULES, {"telegram": self.channel}, **options
        )  # type: ignore[arg-type]

    async def link(
        self, key: str, user_id: int, *, admin: bool = False, agency: str | None = None
    ) -> None:
        async with self.database.transaction(write=True) as session:
            member = await session.scalar(select(Member).where(Member.key == key))
            if member is None:
                agencies = (
                    list(await session.scalars(select(Agency).where(Agency.key == agency)))
                    if agency
                    else []
                )
                member = Member(
                    key=key,
                    full_name=key,
                    is_admin=admin,
                    created_at=self.clock.now(),
                    agencies=agencies,
                )
                session.add(member)
                await session.flush()
            await records.link_account(
                session, member, "telegram", str(user_id), now=self.clock.now()
            )

    async def blocked_and_reported(self, chat: int, admin: int) -> Sent:
        """Check that ``chat``'s account is marked blocked and that ``admin`` got the one report
        of it; return that report."""
        async with self.database.transaction() as session:
            account = await session.scalar(
                select(ChatAccount).where(ChatAccount.external_id == str(chat))
            )
            assert account is not None and account.blocked_at is not None
        (report,) = [m for m in self.api.messages_to(admin) if "Không gửi được" in (m.text or "")]
        return report

    async def ledger(self) -> list[tuple[str, str, str]]:
        async with self.database.transaction() as session:
            rows = (await session.scalars(select(Reminder).order_by(Reminder.id))).all()
            return [
                (r.kind, r.state, r.planned_at.astimezone(ZONE).strftime("%d/%m %H:%M"))
                for r in rows
            ]


@pytest.fixture
async def stack(seeded: Database) -> AsyncIterator[Stack]:
    clock = FrozenClock(local("2024-09-27 08:00"))
    async with telegram(seeded, clock, retry_seconds=2) as (api, engine, channel):
        yield Stack(api, seeded, clock, channel, engine)


async def test_i10_is_reminded_once_at_eight_and_not_again_after_a_restart(stack: Stack) -> None:
    await stack.link("nguyen-duc-trung", TRUNG)
    first = stack.service()
    assert await first.run_due() == 1
    (message,) = stack.api.messages_to(TRUNG)
    assert message.text is not None
    assert message.text.startswith(
        "🔔 Nhắc việc · I.10\nTham mưu Ban Thường vụ Tỉnh ủy tổ chức sơ kết 3 năm"
    )
    assert "Hạn 30/09/2024 · còn 3 ngày" in message.text
    assert message.reply_markup is not None  # the status buttons
    assert await first.run_due() == 0  # the same run again: nothing
    stack.clock.advance(timedelta(minutes=1))
    assert await stack.service().run_due() == 0  # a new process, a minute later: nothing
    assert len(stack.api.messages_to(TRUNG)) == 1
    assert await stack.ledger() == [("deadline", "sent", "27/09 08:00")]


async def test_replying_to_a_reminder_updates_that_task(stack: Stack) -> None:
    await stack.link("nguyen-duc-trung", TRUNG)
    await stack.service().run_due()
    (reminder,) = stack.api.messages_to(TRUNG)
    stack.api.push_message(TRUNG, "xong", reply_to=reminder.message_id)
    answer = (await stack.api.wait_sent(TRUNG, 2))[-1]
    assert answer.text is not None and answer.text.startswith("Đã cập nhật nhiệm vụ I.10:")


async def test_a_reminder_missed_while_down_is_sent_the_same_day_only(stack: Stack) -> None:
    await stack.link("nguyen-duc-trung", TRUNG)
    stack.clock.instant = local("2024-09-27 15:30")  # the service was down at 08:00
    assert await stack.service().run_due() == 1
    assert "I.10" in (stack.api.messages_to(TRUNG)[0].text or "")


async def test_a_reminder_from_an_earlier_day_is_left_to_the_digest(stack: Stack) -> None:
    await stack.link("nguyen-duc-trung", TRUNG)
    stack.clock.instant = local("2024-09-28 09:00")  # Saturday: Friday's reminder is not resent
    assert await stack.service().run_due() == 0
    assert stack.api.messages_to(TRUNG) == []


async def test_nothing_is_sent_in_quiet_hours(stack: Stack) -> None:
    await stack.link("nguyen-duc-trung", TRUNG)
    stack.clock.instant = local("2024-09-27 22:00")  # back up at 22:00: too late to disturb
    assert await stack.service().run_due() == 0
    assert stack.api.messages_to(TRUNG) == []


async def test_completion_cancels_the_reminder(stack: Stack) -> None:
    await stack.link("nguyen-duc-trung", TRUNG)
    stack.clock.instant = local("2024-09-27 07:30")
    replies = await stack.engine.handle(_inbound(TRUNG, "/capnhat I.10 hoàn thành"))
    assert "Hoàn thành" in replies[0].text
    stack.clock.instant = local("2024-09-27 08:00")
    assert await stack.service().run_due() == 0


async def test_an_extension_re_plans(stack: Stack) -> None:
    await stack.link("nguyen-duc-trung", TRUNG)
    async with stack.database.transaction(write=True) as session:
        milestone = await session.scalar(select(Milestone).join(Task).where(Task.code == "I.10"))
        assert milestone is not None
        session.add(
            Extension(
                milestone_id=milestone.id,
                new_due=date(2024, 10, 31),
                reason="chờ số liệu",
                at=stack.clock.now(),
            )
        )
    assert await stack.service().run_due() == 0
    stack.clock.instant = local("2024-10-24 08:00")  # 7 days before the new date
    await stack.service().run_due()
    about_i10 = [m.text or "" for m in stack.api.messages_to(TRUNG) if "· I.10" in (m.text or "")]
    assert len(about_i10) == 1 and "Hạn 31/10/2024 · còn 7 ngày" in about_i10[0]
    headings = [(m.text or "").splitlines()[0] for m in stack.api.messages_to(TRUNG)]
    # I.3 is overdue on Thursdays and long escalated: one message for it, not two; he directs
    # it, so it speaks to him about his own task (not as if about a third party's).
    own = [m.text or "" for m in stack.api.messages_to(TRUNG) if "· I.3" in (m.text or "")]
    assert [h for h in headings if "I.3" in h] == [
        "🚨 Quá hạn 267 ngày · I.3 · nhiệm vụ đồng chí chỉ đạo"
    ]
    assert "Đề nghị đồng chí đôn đốc cơ quan chủ trì" in own[0] and "Chỉ đạo: " not in own[0]


async def test_someone_who_joins_late_is_reminded(stack: Stack) -> None:
    service = stack.service()
    assert await service.run_due() == 0  # nobody linked yet
    await stack.link("officer", OFFICER, agency="so-noi-vu")  # Sở Nội vụ leads I.10
    stack.clock.advance(timedelta(minutes=5))
    assert await service.run_due() >= 1
    assert [m for m in stack.api.messages_to(OFFICER) if "🔔 Nhắc việc · I.10" in (m.text or "")]


async def test_on_leave_means_no_reminders(stack: Stack) -> None:
    await stack.link("nguyen-duc-trung", TRUNG)
    replies = await stack.engine.handle(_inbound(TRUNG, "/nghiphep 30/09/2024"))
    assert "30/09/2024" in replies[0].text
    assert await stack.service().run_due() == 0


async def test_in_flight_reminders_are_resent_after_a_crash(stack: Stack) -> None:
    await stack.link("nguyen-duc-trung", TRUNG)
    service = stack.service()
    due = await service.timetable.occasions(
        stack.clock.now() - timedelta(hours=1), stack.clock.now() + timedelta(seconds=1)
    )
    await service.claim(due, stack.clock.now())  # claimed, then the process "dies" before sending
    assert [s for _, s, _ in await stack.ledger()] == ["sending"]
    assert stack.api.messages_to(TRUNG) == []
    restarted = stack.service()
    assert await restarted.resend_in_flight() == 1
    assert await restarted.run_due() == 0
    assert len(stack.api.messages_to(TRUNG)) == 1
    assert [s for _, s, _ in await stack.ledger()] == ["sent"]


@pytest.mark.parametrize(
    ("at", "kind", "line"),
    [
        ("2024-09-27 08:00", Kind.DEADLINE, "Hạn 30/09/2024 · còn 3 ngày"),
        ("2024-10-15 08:00", Kind.ESCALATION, "🚨 Quá hạn 15 ngày · I.10"),
    ],
)
async def test_a_reminder_resent_after_a_crash_reads_as_the_one_sent_normally(
    stack: Stack, at: str, kind: Kind, line: str
) -> None:
    """The resend rebuilds the reminder from the ledger: its date line and its days late are
    those of the reminder sent normally (it once lost the due date: no date line, and an
    escalation that read "Quá hạn 0 ngày")."""
    stack.clock.instant = local(at)
    now = stack.clock.now()
    await stack.link("nguyen-duc-trung", TRUNG)
    service = stack.service()
    async with stack.database.transaction() as session:
        i10 = await task_id_of(session, "I.10")
    window = await service.timetable.occasions(now - timedelta(hours=1), now + timedelta(seconds=1))
    due = [o for o in window if o.task_id == i10 and o.kind == kind]
    assert len(due) == 1
    await service.claim(due, now)  # claimed, then the process "dies" before sending
    async with stack.database.transaction(write=True) as session:
        await add_directing_group(session, "I.10", 1, now, LATE_JOINER)  # sent to normally
    restarted = stack.service()
    assert await restarted.resend_in_flight() == 1
    assert await restarted._send(await restarted.claim(due, now)) == 1
    (resent,) = stack.api.messages_to(TRUNG)
    (normal,) = stack.api.messages_to(LATE_JOINER)
    assert normal.text is not None and line in normal.text
    assert resent.text == normal.text

    def labels(markup: dict | None) -> list[list[str]]:  # type: ignore[type-arg]
        return [[b["text"] for b in row] for row in (markup or {}).get("inline_keyboard", [])]

    # the same buttons ("Đã nhận" names each member's own ledger row)
    assert labels(resent.reply_markup) == labels(normal.reply_markup)


async def test_a_blocked_member_is_recorded_and_reported(stack: Stack) -> None:
    await stack.link("nguyen-duc-trung", TRUNG)
    await stack.link("admin", ADMIN, admin=True)
    stack.api.reject_chat(TRUNG)
    await stack.service().run_due()
    assert ("deadline", "failed", "27/09 08:00") in await stack.ledger()
    report = await stack.blocked_and_reported(TRUNG, ADMIN)
    assert "Không gửi được nhắc việc cho đồng chí Nguyễn Đức Trung qua Telegram" in (
        report.text or ""
    )


async def test_a_transient_failure_is_retried(stack: Stack) -> None:
    await stack.link("nguyen-duc-trung", TRUNG)
    stack.channel.retry_seconds = 1
    stack.api.set_outage(4.0, status=502)  # longer than the channel's own retries (1 s)
    service = stack.service()
    assert await service.run_due() == 0
    assert [s for _, s, _ in await stack.ledger()] == ["planned"]
    await asyncio.sleep(3)
    stack.clock.advance(timedelta(minutes=1))
    assert await service.run_due() == 1
    assert len(stack.api.messages_to(TRUNG)) == 1


async def test_the_weekly_digest(stack: Stack) -> None:
    await stack.link("nguyen-duc-trung", TRUNG)
    await stack.link("admin", ADMIN, admin=True)
    stack.clock.instant = local("2024-09-30 08:00")  # Monday
    await stack.service().run_due()
    digest = next(m for m in stack.api.messages_to(TRUNG) if (m.text or "").startswith("📅"))
    assert "QUÁ HẠN" in (digest.text or "") and "I.3" in (digest.text or "")
    admin_digest = next(m for m in stack.api.messages_to(ADMIN) if (m.text or "").startswith("📅"))
    assert "TOÀN KẾ HOẠCH 02/KH-BCĐ" in (admin_digest.text or "")
    # The plan's count and the admin's own list say whose each is (they differ).
    assert "Không có nhiệm vụ liên quan đến đồng chí quá hạn" in (admin_digest.text or "")
    assert "QUÁ HẠN · nhiệm vụ liên quan" not in (digest.text or "")
    # The standing office's counts are the whole plan's (as /tatca shows them at that moment),
    # not those of the admin's own tasks.
    lines = (admin_digest.text or "").splitlines()
    heading = lines.index(texts.DIGEST_PLAN.format(code="02/KH-BCĐ"))
    listing = (await stack.engine.handle(_inbound(ADMIN, "/tatca")))[0].text.splitlines()
    whole = next(line for line in listing if line.startswith("Tổng "))
    assert lines[heading + 1] == whole
    async with stack.database.transaction() as session:
        total = await session.scalar(select(func.count(func.distinct(Task.code))))
    assert whole.startswith(f"Tổng {total} nhiệm vụ: ")
    replies = await stack.engine.handle(_inbound(TRUNG, "/bantin tat"))
    assert "tắt" in replies[0].text
    stack.clock.instant = local("2024-10-07 08:00")
    await stack.service().run_due()
    assert not [
        m
        for m in stack.api.messages_to(TRUNG)
        if "07/10/2024" in (m.text or "") and (m.text or "").startswith("📅")
    ]


async def test_started_at_7_59_the_scheduler_sends_at_8(seeded: Database) -> None:
    """The issue's acceptance scenario, with the real APScheduler and a clock that flows."""
    clock = SystemClock(local("2024-09-27 07:59:58"))
    with FakeBotApi(token=TOKEN) as api:
        engine = Engine(seeded, clock, ZONE)
        channel = TelegramChannel(engine, settings_for(api, seeded), retry_seconds=2)
        await channel.start()
        stack = Stack(api, seeded, FrozenClock(clock.now()), channel, engine)
        await stack.link("nguyen-duc-trung", TRUNG)
        service = ReminderService(seeded, clock, RULES, {"telegram": channel})
        try:
            await service.start()
            assert api.messages_to(TRUNG) == []  # 07:59:58: not yet
            (message,) = await api.wait_sent(TRUNG, timeout=6)
            assert "I.10" in (message.text or "") and "còn 3 ngày" in (message.text or "")
            await service.stop()
            restarted = ReminderService(seeded, clock, RULES, {"telegram": channel})
            await restarted.start()  # a restart a moment later sends nothing again
            await asyncio.sleep(0.5)
            await restarted.stop()
            assert len(api.messages_to(TRUNG)) == 1
        finally:
            await service.stop()
            await channel.stop()


async def test_a_fan_out_of_5000_stays_within_the_rate_and_sends_each_once(
    seeded: Database,
) -> None:
    clock = FrozenClock(local("2024-09-27 08:00"))
    rate = 400.0
    with FakeBotApi(token=TOKEN) as api:
        engine = Engine(seeded, clock, ZONE)
        channel = TelegramChannel(
            engine, settings_for(api, seeded, send_rate=rate), retry_seconds=2
        )
        await channel.start()
        try:
            async with seeded.transaction(write=True) as session:
                # 5,000 officers in a role group that directs I.10 (due 30/09): at 08:00 on
                # 27/09 each is owed exactly one reminder.
                await add_directing_group(session, "I.10", FAN_OUT, clock.now(), first_chat=10_000)
            service = ReminderService(seeded, clock, RULES, {"telegram": channel}, send_rate=rate)
            assert await service.run_due() == FAN_OUT
        finally:
            await channel.stop()
    sends = [c for c in api.calls_of("sendMessage")]
    chats = [c.params["chat_id"] for c in sends]
    assert len(chats) == len(set(chats)) == FAN_OUT  # each once
    assert all(c.status == 200 for c in sends)  # no 429, no error
    times = sorted(c.time for c in sends)
    busiest = max(
        sum(1 for t in times[i : i + int(rate * 1.5)] if t - times[i] < 1.0)
        for i in range(0, len(times), 50)
    )
    assert busiest <= rate * 1.1  # never more than the configured rate in any second
    async with seeded.transaction() as session:
        assert (
            await session.scalar(
                select(func.count()).select_from(Reminder).where(Reminder.state == "sent")
            )
            == FAN_OUT
        )


def _inbound(user_id: int, text: str):  # type: ignore[no-untyped-def]
    from chat.messages import Inbound

    return Inbound(channel="telegram", chat_id=str(user_id), user_id=str(user_id), text=text)


async def test_one_message_per_second_per_chat(stack: Stack) -> None:
    await stack.link("admin", ADMIN, admin=True)
    stack.clock.instant = local("2024-09-30 08:00")  # Monday: escalations and the digest
    service = stack.service(per_chat_seconds=1.0)
    assert await service.run_due() >= 2
    times = [m.time for m in stack.api.messages_to(ADMIN)]
    assert all(b - a >= 0.99 for a, b in itertools.pairwise(times))
    texts_sent = [m.text or "" for m in stack.api.messages_to(ADMIN)]
    assert sum(t.startswith("🚨") for t in texts_sent) == 1  # many tasks, one escalation list
