"""Reminders people answer, through the real stack (the ledger, PTB against the local Bot API
server, the Zalo channel against its local server): "Đã nhận" is recorded, shown on the message,
and never becomes a note; a forged one grants nothing."""

from __future__ import annotations

import io
import re
from datetime import date, time, timedelta

from sqlalchemy import func, select

from bot.zalo_channel import ZaloChannel
from chat import texts
from db import records
from db.models import Acknowledgement, Member, Reminder, StatusChange
from domain.clock import FrozenClock
from fakes.builders import add_directing_group
from fakes.zalo_api import FakeZaloApi
from handlers.engine import Engine
from scheduler.announcements import AnnouncementSender
from scheduler.leader import Always
from scheduler.planner import Rules
from scheduler.reminders import ReminderService
from tests.bot.test_telegram import button
from tests.bot.test_zalo import settings_for as zalo_settings
from tests.conftest import ZONE, local
from tests.scheduler.test_reminders import Stack

TRUNG, OTHER = 2001, 2004


async def _count(stack: Stack, model: type) -> int:
    async with stack.database.transaction() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_a_tapped_receipt_is_recorded_shown_on_the_message_and_is_no_note(
    stack: Stack,
) -> None:
    await stack.link("nguyen-duc-trung", TRUNG)
    notes = await _count(stack, StatusChange)
    assert await stack.service().run_due() == 1
    (reminder,) = stack.api.messages_to(TRUNG)
    data = button(reminder, texts.ACTION_ACK)
    assert data.startswith("/danhan r") and len(data.encode()) <= 64
    stack.clock.advance(timedelta(minutes=5))
    stack.api.push_callback(TRUNG, reminder.message_id, data)
    (edit,) = await stack.api.wait_calls("editMessageText")
    assert edit.params["message_id"] == reminder.message_id
    edited = stack.api.messages_to(TRUNG)[-1]
    assert edited.message_id == reminder.message_id  # the same message, edited: nothing new sent
    assert edited.text is not None and edited.text.startswith(reminder.text or "")
    assert edited.text.endswith("✅ Đã nhận · Nguyễn Đức Trung · 27/09/2024 08:05")
    labels = [
        b["text"] for row in (edited.reply_markup or {}).get("inline_keyboard", []) for b in row
    ]
    assert "Hoàn thành" in labels and texts.ACTION_ACK not in labels
    assert not any(label.startswith("⏰") for label in labels)
    async with stack.database.transaction() as session:
        (ack,) = (await session.scalars(select(Acknowledgement))).all()
        row = await session.get(Reminder, ack.reminder_id)
    assert row is not None and row.member_id == ack.member_id and row.kind == "deadline"
    assert (ack.channel, ack.account) == ("telegram", str(TRUNG))
    assert ack.at == local("2024-09-27 08:05")
    assert await _count(stack, StatusChange) == notes  # not a note in the task's history


async def test_a_typed_reply_received_is_an_acknowledgement_not_a_note(stack: Stack) -> None:
    await stack.link("nguyen-duc-trung", TRUNG)
    notes = await _count(stack, StatusChange)
    await stack.service().run_due()
    (reminder,) = stack.api.messages_to(TRUNG)
    stack.api.push_message(TRUNG, "Đã nhận ạ", reply_to=reminder.message_id)
    answer = (await stack.api.wait_sent(TRUNG, 3))[-1]
    assert answer.text == texts.ACK_SAVED.format(what="nhắc việc I.10", at="27/09/2024 08:00")
    await stack.api.wait_calls("editMessageText")  # and the reminder shows it
    assert await _count(stack, Acknowledgement) == 1
    assert await _count(stack, StatusChange) == notes
    stack.api.push_message(TRUNG, "da nhan", reply_to=reminder.message_id)
    again = (await stack.api.wait_sent(TRUNG, 4))[-1]
    assert again.text == texts.ACK_ALREADY.format(at="27/09/2024 08:00")
    assert await _count(stack, Acknowledgement) == 1


async def test_a_forged_receipt_for_another_members_reminder_grants_nothing(stack: Stack) -> None:
    await stack.link("nguyen-duc-trung", TRUNG)
    await stack.link("someone-else", OTHER)
    await stack.service().run_due()
    (reminder,) = stack.api.messages_to(TRUNG)
    data = button(reminder, texts.ACTION_ACK)
    stack.api.push_message(OTHER, data)  # typed by hand, by someone else
    (answer,) = await stack.api.wait_sent(OTHER)
    assert answer.text == texts.ACK_NOT_YOURS
    stack.api.push_message(OTHER, "/danhan r999999")
    assert (await stack.api.wait_sent(OTHER, 2))[-1].text == texts.ACK_NOT_YOURS
    stack.api.push_message(OTHER, "/danhan r1; DROP TABLE reminders")
    assert (await stack.api.wait_sent(OTHER, 3))[-1].text == texts.ACK_USAGE
    assert await _count(stack, Acknowledgement) == 0
    assert not stack.api.calls_of("editMessageText")


async def test_an_announcement_and_the_digest_carry_the_receipt(stack: Stack) -> None:
    """Monday 30/09/2024 08:00: the weekly digest has "Đã nhận"; so has an announcement, and a
    plain "ok" afterwards acknowledges the last of them."""
    await stack.link("nguyen-duc-trung", TRUNG)
    await stack.link("office", 2002, admin=True)
    stack.clock.instant = local("2024-09-30 08:00")
    await stack.service().run_due()
    digest = next(m for m in stack.api.messages_to(TRUNG) if "Bản tin tuần" in (m.text or ""))
    assert button(digest, texts.ACTION_ACK).startswith("/danhan r")
    office = len(stack.api.messages_to(2002))
    stack.api.push_message(2002, "/thongbao Đề nghị các đồng chí xác nhận")
    await stack.api.wait_sent(2002, office + 1)

    class NoLimit:
        async def __aenter__(self) -> None: ...
        async def __aexit__(self, *exc: object) -> None: ...

    sender = AnnouncementSender(stack.database, stack.clock, {"telegram": stack.channel}, NoLimit())
    while await sender.run_once():
        pass
    announcement = stack.api.messages_to(TRUNG)[-1]
    assert "Đề nghị các đồng chí xác nhận" in (announcement.text or "")
    assert button(announcement, texts.ACTION_ACK).startswith("/danhan a")
    before = len(stack.api.messages_to(TRUNG))
    stack.api.push_message(TRUNG, "ok")
    answer = (await stack.api.wait_sent(TRUNG, before + 1))[-1]
    assert answer.text == texts.ACK_SAVED.format(
        what="thông báo ngày 30/09/2024", at="30/09/2024 08:00"
    )
    async with stack.database.transaction() as session:
        (ack,) = (await session.scalars(select(Acknowledgement))).all()
    assert ack.announcement_id is not None and ack.reminder_id is None
    # An hour later its sender hears the count, once, through the reminder ledger.
    stack.clock.instant = local("2024-09-30 08:59")
    office = len(stack.api.messages_to(2002))
    assert await stack.service().run_due() == 0
    stack.clock.instant = local("2024-09-30 09:00")
    assert await stack.service().run_due() == 1
    assert await stack.service().run_due() == 0
    (count,) = [m.text for m in stack.api.messages_to(2002)[office:]]
    assert count == "📬 Thông báo #1 (“Đề nghị các đồng chí xác nhận”): 1/2 đã nhận."


async def test_on_zalo_the_words_or_the_number_acknowledge_the_last_reminder(seeded) -> None:  # type: ignore[no-untyped-def]
    clock = FrozenClock(local("2024-09-27 08:00"))
    rules = Rules(
        offsets=tuple(timedelta(days=d) for d in (7, 3, 1, 0)), send_time=time(8), zone=ZONE
    )
    with FakeZaloApi(token="1234567890:zalo-fake-token-for-tests-abcdefgh") as api:
        engine = Engine(seeded, clock, ZONE)
        channel = ZaloChannel(engine, zalo_settings(api, seeded), poll_timeout=1, retry_seconds=2)
        await channel.start()
        try:
            async with seeded.transaction(write=True) as session:
                trung = await session.scalar(select(Member).where(Member.key == "nguyen-duc-trung"))
                assert trung is not None
                await records.link_account(session, trung, "zalo", "zl-2001", now=clock.now())
            service = ReminderService(
                seeded, clock, rules, {"zalo": channel}, per_chat_seconds=0.05, leadership=Always()
            )
            assert await service.run_due() == 1
            (reminder,) = api.messages_to("zl-2001")
            assert "5. ✅ Đã nhận" in reminder.text and "6. ⏰ Nhắc lại chiều nay" in reminder.text
            clock.advance(timedelta(hours=2))  # long after the choices were remembered: words
            api.push_text("zl-2001", "Đã nhận ạ")
            (answer,) = [s.text for s in (await api.wait_sent("zl-2001", 2))[1:]]
            assert answer == texts.ACK_SAVED.format(what="nhắc việc I.10", at="27/09/2024 10:00")
            async with seeded.transaction() as session:
                (ack,) = (await session.scalars(select(Acknowledgement))).all()
                notes = await session.scalar(
                    select(func.count())
                    .select_from(StatusChange)
                    .where(StatusChange.channel == "zalo")
                )
            assert (ack.channel, ack.account) == ("zalo", "zl-2001") and notes == 0
            api.push_text("zl-2001", "5")  # the number of the choice: already acknowledged
            (again,) = [s.text for s in (await api.wait_sent("zl-2001", 3))[2:]]
            assert again == texts.ACK_ALREADY.format(at="27/09/2024 10:00")
        finally:
            await channel.stop()


def _headed(stack: Stack, user: int, heading: str) -> list[str]:
    return [m.text or "" for m in stack.api.messages_to(user) if (m.text or "").startswith(heading)]


async def test_a_snoozed_reminder_arrives_at_the_chosen_time_once_across_a_restart(
    stack: Stack,
) -> None:
    await stack.link("nguyen-duc-trung", TRUNG)
    await stack.service().run_due()  # Friday 27/09/2024 08:00: I.10, due Monday
    (reminder,) = stack.api.messages_to(TRUNG)
    stack.clock.advance(timedelta(minutes=5))
    stack.api.push_callback(TRUNG, reminder.message_id, button(reminder, "⏰ Nhắc lại chiều nay"))
    await stack.api.wait_calls("editMessageText")
    edited = stack.api.messages_to(TRUNG)[-1]
    assert (edited.text or "").endswith("⏰ Sẽ nhắc lại lúc 27/09/2024 14:00.")
    stack.api.push_callback(TRUNG, reminder.message_id, button(reminder, "⏰ Nhắc lại chiều nay"))
    await stack.api.wait_sent(TRUNG, 3)  # tapped twice (an old keyboard): still one row
    async with stack.database.transaction() as session:
        snoozed = (await session.scalars(select(Reminder).where(Reminder.kind == "snoozed"))).all()
    assert [(r.state, r.planned_at) for r in snoozed] == [("planned", local("2024-09-27 14:00"))]
    stack.clock.instant = local("2024-09-27 13:59")
    assert await stack.service().run_due() == 0  # a restart before: nothing yet
    stack.clock.instant = local("2024-09-27 14:00")
    assert await stack.service().run_due() == 1  # another process: it arrives
    stack.clock.advance(timedelta(minutes=1))
    assert await stack.service().run_due() == 0
    (back,) = _headed(stack, TRUNG, "⏰ Nhắc lại · I.10")
    assert "Hạn 30/09/2024 · còn 3 ngày" in back
    assert ("snoozed", "sent", "27/09 14:00") in await stack.ledger()


async def test_a_snooze_past_the_deadline_is_refused_plainly(stack: Stack) -> None:
    await stack.link("nguyen-duc-trung", TRUNG)
    stack.clock.instant = local("2024-09-30 08:00")  # I.10 is due today
    await stack.service().run_due()
    reminder = _headed_message(stack, TRUNG, "🔔 Nhắc việc · I.10")
    stack.clock.instant = local("2024-09-30 15:00")
    before = len(stack.api.messages_to(TRUNG))
    stack.api.push_callback(TRUNG, reminder.message_id, button(reminder, "⏰ Nhắc lại ngày mai"))
    answer = (await stack.api.wait_sent(TRUNG, before + 1))[-1]
    assert answer.text == texts.SNOOZE_PAST_DEADLINE.format(due="30/09/2024")


def _headed_message(stack: Stack, user: int, heading: str):  # type: ignore[no-untyped-def]
    (found,) = [m for m in stack.api.messages_to(user) if (m.text or "").startswith(heading)]
    return found


REPEAT = "🔁 Nhắc lại (chưa xác nhận đã nhận) · I.10"


async def test_an_unacknowledged_deadline_day_reminder_is_repeated_once_next_working_day(
    stack: Stack,
) -> None:
    await stack.link("nguyen-duc-trung", TRUNG)
    stack.clock.instant = local("2024-09-30 08:00")  # Monday: I.10 due today
    await stack.service().run_due()
    assert _headed(stack, TRUNG, "🔔 Nhắc việc · I.10")
    stack.clock.instant = local("2024-10-01 09:59")
    await stack.service().run_due()  # the overdue reminder of 08:00 (a restart in between)
    assert not _headed(stack, TRUNG, REPEAT)
    stack.clock.instant = local("2024-10-01 10:00")
    assert await stack.service().run_due() == 1
    stack.clock.advance(timedelta(minutes=1))
    assert await stack.service().run_due() == 0
    (repeat,) = _headed(stack, TRUNG, REPEAT)
    assert "đến hạn hôm nay" not in repeat and "Hạn 30/09/2024" in repeat


async def test_an_acknowledged_or_answered_reminder_is_not_repeated(stack: Stack) -> None:
    await stack.link("nguyen-duc-trung", TRUNG)
    stack.clock.instant = local("2024-09-30 08:00")
    await stack.service().run_due()
    reminder = _headed_message(stack, TRUNG, "🔔 Nhắc việc · I.10")
    stack.api.push_callback(TRUNG, reminder.message_id, button(reminder, texts.ACTION_ACK))
    await stack.api.wait_calls("editMessageText")
    stack.clock.instant = local("2024-10-01 10:00")
    await stack.service().run_due()
    assert not _headed(stack, TRUNG, REPEAT)
    assert ("repeat", "skipped", "01/10 10:00") in await stack.ledger()


async def test_an_update_of_the_task_counts_as_an_answer(stack: Stack) -> None:
    await stack.link("nguyen-duc-trung", TRUNG)
    stack.clock.instant = local("2024-09-30 08:00")
    await stack.service().run_due()
    reminder = _headed_message(stack, TRUNG, "🔔 Nhắc việc · I.10")
    stack.clock.instant = local("2024-09-30 09:00")
    stack.api.push_message(TRUNG, "đang làm 80% chờ ý kiến", reply_to=reminder.message_id)
    answer = (await stack.api.wait_sent(TRUNG, len(stack.api.messages_to(TRUNG)) + 1))[-1]
    assert (answer.text or "").startswith("Đã cập nhật nhiệm vụ I.10")
    stack.clock.instant = local("2024-10-01 10:00")
    await stack.service().run_due()
    assert not _headed(stack, TRUNG, REPEAT)


async def test_repeating_can_be_turned_off(stack: Stack) -> None:
    await stack.link("nguyen-duc-trung", TRUNG)
    stack.clock.instant = local("2024-09-30 08:00")
    rules = Rules(
        offsets=tuple(timedelta(days=d) for d in (7, 3, 1, 0)),
        send_time=time(8),
        zone=ZONE,
        repeat_unacknowledged=False,
    )
    service = ReminderService(
        stack.database,
        stack.clock,
        rules,
        {"telegram": stack.channel},
        per_chat_seconds=0.05,
        leadership=Always(),
    )
    await service.run_due()
    stack.clock.instant = local("2024-10-01 10:00")
    await service.run_due()
    assert not _headed(stack, TRUNG, REPEAT)
    assert not [row for row in await stack.ledger() if row[0] == "repeat"]


async def test_the_office_sees_the_one_member_who_did_not_acknowledge(stack: Stack) -> None:
    """Two members owe I.10's reminder; one taps "Đã nhận". /chuanhan I.10 names the other, with
    how long since it was sent; the Monday digest counts the week's unacknowledged reminders."""
    await stack.link("nguyen-duc-trung", TRUNG)
    async with stack.database.transaction(write=True) as session:
        await add_directing_group(session, "I.10", 1, stack.clock.now(), 2100)  # "Cán bộ 0"
    assert await stack.service().run_due() == 2
    (reminder,) = stack.api.messages_to(TRUNG)
    stack.api.push_callback(TRUNG, reminder.message_id, button(reminder, texts.ACTION_ACK))
    await stack.api.wait_calls("editMessageText")
    await stack.link("office", 2002, admin=True)
    stack.clock.instant = local("2024-09-27 10:30")
    stack.api.push_message(2002, "/chuanhan I.10")
    (listing,) = await stack.api.wait_sent(2002)
    assert listing.text == "\n".join(
        [
            "Ai chưa xác nhận “Đã nhận” · nhắc việc nhiệm vụ I.10 (30 ngày qua)",
            "",
            "• I.10 · nhắc hạn · gửi 27/09/2024 08:00 · đã nhận 1/2",
            "   Chưa nhận: Cán bộ 0 (2 giờ trước)",
            "   Đã nhận: Nguyễn Đức Trung",
        ]
    )
    stack.api.push_message(2002, "/chuanhan")  # the last 7 days: the same reminder
    assert "Chưa nhận: Cán bộ 0 (2 giờ trước)" in (
        (await stack.api.wait_sent(2002, 2))[-1].text or ""
    )
    stack.api.push_message(2002, "/chuanhan thongbao")
    assert (await stack.api.wait_sent(2002, 3))[-1].text == texts.UNACK_NOTHING
    stack.api.push_message(TRUNG, "/chuanhan I.10")  # the office's tool only
    assert (await stack.api.wait_sent(TRUNG, 3))[-1].text == texts.ADMIN_ONLY
    stack.clock.instant = local("2024-09-30 08:00")  # Monday: the office's digest counts it
    await stack.service().run_due()
    digest = _headed_message(stack, 2002, "📅 Bản tin tuần")
    assert "CHƯA XÁC NHẬN ĐÃ NHẬN (nhắc việc tuần qua): 1\n   Chưa gắn cơ quan: 1" in (
        digest.text or ""
    )
    member_digest = _headed_message(stack, TRUNG, "📅 Bản tin tuần")
    assert "CHƯA XÁC NHẬN" not in (member_digest.text or "")


async def test_a_director_is_not_told_twice_about_the_tasks_escalated_to_him(stack: Stack) -> None:
    """Monday 30/09/2024 08:00: Thái Thanh Quý, who directs long-overdue tasks, gets their
    escalation list and the digest; the digest's overdue list leaves out the escalated tasks."""
    await stack.link("thai-thanh-quy", 2006)
    stack.clock.instant = local("2024-09-30 08:00")
    await stack.service().run_due()
    escalation = _headed_message(stack, 2006, "🚨")
    digest = _headed_message(stack, 2006, "📅 Bản tin tuần")
    escalated = set(re.findall(r"^• ([IV]+\.\d+b?) ·", escalation.text or "", flags=re.M))
    listed = set(re.findall(r"^• ([IV]+\.\d+b?) ·", digest.text or "", flags=re.M))
    assert escalated and listed  # both list tasks
    assert not escalated & listed


async def test_the_excel_summary_counts_last_weeks_unacknowledged_reminders(stack: Stack) -> None:
    from openpyxl import load_workbook

    from db import records as db_records
    from reports.data import plan_report
    from reports.workbook import build_workbook

    await stack.link("nguyen-duc-trung", TRUNG)
    async with stack.database.transaction(write=True) as session:
        await add_directing_group(session, "I.10", 1, stack.clock.now(), 2100)
    await stack.service().run_due()  # 27/09: to Trung (acknowledges) and to "Cán bộ 0"
    (reminder,) = stack.api.messages_to(TRUNG)
    stack.api.push_callback(TRUNG, reminder.message_id, button(reminder, texts.ACTION_ACK))
    await stack.api.wait_calls("editMessageText")
    async with stack.database.transaction() as session:
        plan = await db_records.current_plan(session, 2024)
        assert plan is not None
        report = await plan_report(session, plan, today=date(2024, 9, 30), zone=ZONE)
    sheet = load_workbook(io.BytesIO(build_workbook(report, plan_title="KH", zone=ZONE)))[
        texts.XLSX_SHEET_SUMMARY
    ]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    start = rows.index([texts.XLSX_UNACKNOWLEDGED, *[None] * (len(rows[0]) - 1)])
    assert rows[start + 2][:2] == [texts.DIGEST_NO_AGENCY, 1]
    assert rows[start + 3][:2] == [texts.XLSX_SUMMARY_TOTAL, 1]
