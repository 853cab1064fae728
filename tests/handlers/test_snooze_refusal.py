"""/nhaclai (the "⏰ Nhắc lại" buttons) on a reminder that is not the sender's, or on no
reminder at all, is refused in words about snoozing (it once answered with the "Đã nhận"
refusal, "…không thể xác nhận thay"), and nothing is planned."""

from __future__ import annotations

from sqlalchemy import func, select

from chat import texts
from db.models import Member, Reminder, Task
from tests.conftest import Chat, local


async def reminders(chat: Chat) -> int:
    async with chat.database.transaction() as session:
        return await session.scalar(select(func.count()).select_from(Reminder)) or 0


async def _sent(chat: Chat, member_key: str, kind: str, task_code: str | None = None) -> int:
    """A reminder of ``kind`` sent to ``member_key`` on 20/03/2024 08:00: its id."""
    sent = local("2024-03-20 08:00")
    async with chat.database.transaction(write=True) as session:
        member = await session.scalar(select(Member.id).where(Member.key == member_key))
        task = await session.scalar(select(Task).where(Task.code == task_code))
        assert member is not None and (task is not None or task_code is None)
        row = Reminder(
            task_id=task.id if task else None,
            task_key=task.id if task else 0,
            member_id=member,
            kind=kind,
            planned_at=sent,
            state="sent",
            updated_at=sent,
            sent_at=sent,
        )
        session.add(row)
        await session.flush()
        return row.id


async def test_snoozing_someone_elses_reminder_is_refused_in_snooze_words(chat: Chat) -> None:
    vinh = await chat.link("le-hong-vinh")
    row_id = await _sent(chat, "nguyen-duc-trung", "deadline", "I.10")
    for command in (
        f"/nhaclai r{row_id} mai",
        "/nhaclai r1234 mai",
        "/nhaclai r999999999999 chieu",
    ):
        text = await chat.text(vinh, command)
        assert text == texts.SNOOZE_NOT_YOURS, command
        assert "nhắc lại" in text and "xác nhận" not in text
    assert texts.SNOOZE_NOT_YOURS == (
        "Nhắc nhở này không gửi cho đồng chí nên không thể hẹn nhắc lại. Đề nghị bấm nút "
        "“⏰ Nhắc lại” dưới tin nhắc việc của đồng chí."
    )
    assert await reminders(chat) == 1  # nothing planned
    # "Đã nhận" keeps its own words.
    assert await chat.text(vinh, "/danhan r999999999999") == texts.ACK_NOT_YOURS
    assert await chat.text(vinh, "/danhan a999999999999") == texts.ACK_NOT_YOURS
    assert await chat.text(vinh, f"/danhan r{row_id}") == texts.ACK_NOT_YOURS


async def test_the_weekly_digest_has_no_snooze(chat: Chat) -> None:
    vinh = await chat.link("le-hong-vinh")
    row_id = await _sent(chat, "le-hong-vinh", "digest")
    assert await chat.text(vinh, f"/nhaclai r{row_id} mai") == texts.SNOOZE_USAGE
    assert await reminders(chat) == 1
