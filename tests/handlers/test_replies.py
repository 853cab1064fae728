"""Replying to a bot message about a task, undo, and group chats."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from sqlalchemy import select

from chat import texts
from db.models import StatusChange
from db.session import Database
from domain.clock import FrozenClock
from fakes.builders import task_id_of
from handlers.engine import Engine
from tests.conftest import ZONE, Chat, local

MESSAGE_IDS = itertools.count(500)


async def reply(chat: Chat, account: str, task: str, text: str) -> str:
    """Reply ``text`` to a bot message about ``task`` (a code of the 2024 plan)."""
    message_id = str(next(MESSAGE_IDS))
    async with chat.database.transaction() as session:
        task_id = await task_id_of(session, task)
    await chat.engine.remember("telegram", account, message_id, task_id)
    return "\n\n".join(r.text for r in await chat.say(account, text, reply_to=message_id))


async def statuses(chat: Chat) -> list[tuple[str | None, str | None, int | None]]:
    async with chat.database.transaction() as session:
        rows = (await session.scalars(select(StatusChange).order_by(StatusChange.id))).all()
        return [(r.new_status, r.note or r.evidence, r.progress) for r in rows]


async def test_plain_replies_update_the_task_they_answer(chat: Chat) -> None:
    vinh = await chat.link("le-hong-vinh")
    assert "Chưa triển khai → Đang thực hiện (60%)" in await reply(chat, vinh, "I.5", "60%")
    text = await reply(chat, vinh, "I.5", "đang làm 70% đã trình dự thảo")
    assert "Đang thực hiện (70%)" in text and "Ghi chú: đã trình dự thảo" in text
    text = await reply(chat, vinh, "I.6", "vướng: chờ Trung ương công bố chỉ số")
    assert "→ Gặp vướng mắc" in text and "chờ Trung ương công bố chỉ số" in text
    text = await reply(chat, vinh, "IV.4", "đã hoàn thành, QĐ số 123/QĐ-UBND")
    assert "→ Hoàn thành (100%)" in text and "Văn bản, kết quả: QĐ số 123/QĐ-UBND" in text
    assert "→ Hoàn thành" in await reply(chat, vinh, "IV.8", "xong")
    assert await statuses(chat) == [
        ("dang_thuc_hien", None, 60),
        ("dang_thuc_hien", "đã trình dự thảo", 70),
        ("gap_vuong_mac", "chờ Trung ương công bố chỉ số", None),
        ("hoan_thanh", "QĐ số 123/QĐ-UBND", 100),
        ("hoan_thanh", None, 100),
    ]


async def test_a_reply_without_a_status_is_a_note_or_the_reference(chat: Chat) -> None:
    vinh = await chat.link("le-hong-vinh")
    assert await reply(chat, vinh, "I.5", "đã họp với Sở Nội vụ") == (
        "Đã ghi chú vào nhiệm vụ I.5: “đã họp với Sở Nội vụ”"
    )
    await chat.text(vinh, "/capnhat I.5 hoàn thành")
    assert await reply(chat, vinh, "I.5", "Kế hoạch số 15/KH-UBND") == (
        "Đã ghi văn bản, kết quả cho nhiệm vụ I.5: “Kế hoạch số 15/KH-UBND”"
    )


async def test_a_reference_saved_after_completion_shows_in_the_history(chat: Chat) -> None:
    vinh = await chat.link("le-hong-vinh")
    await chat.text(vinh, "/capnhat I.5 hoàn thành")
    saved = await reply(chat, vinh, "I.5", "Kế hoạch số 15/KH-UBND")  # "ghi chú …": a note
    assert saved == "Đã ghi văn bản, kết quả cho nhiệm vụ I.5: “Kế hoạch số 15/KH-UBND”"
    detail = await chat.text(vinh, "/nhiemvu I.5")
    assert "ghi văn bản, kết quả: “Kế hoạch số 15/KH-UBND”" in detail
    assert "“”" not in detail  # it once read `ghi chú: “”`


async def test_replies_obey_the_same_permissions(chat: Chat) -> None:
    cuong = await chat.link("le-duc-cuong")
    assert "không thể thay đổi tình trạng nhiệm vụ I.5" in await reply(chat, cuong, "I.5", "xong")
    assert "không thể ghi chú" in await reply(chat, cuong, "I.5", "góp ý thêm")
    assert await statuses(chat) == []


async def test_a_reply_to_another_message_is_just_text(chat: Chat) -> None:
    vinh = await chat.link("le-hong-vinh")
    replies = await chat.say(vinh, "xong", reply_to="999")  # not a message about a task
    assert replies[0].text == texts.UNKNOWN


async def test_undo_within_ten_minutes_appends_the_reverse(chat: Chat, clock: FrozenClock) -> None:
    vinh = await chat.link("le-hong-vinh")
    await chat.text(vinh, "/capnhat I.5 đang thực hiện 40%")
    (done,) = await chat.say(vinh, "/capnhat I.5 hoàn thành")
    (undo_action,) = done.actions
    assert undo_action.label == texts.ACTION_UNDO
    clock.advance(timedelta(minutes=9))
    assert await chat.text(vinh, undo_action.command) == (
        "Đã hoàn tác: nhiệm vụ I.5 trở lại Đang thực hiện (40%)."
    )
    assert [s[0] for s in await statuses(chat)] == [
        "dang_thuc_hien",
        "hoan_thanh",
        "dang_thuc_hien",
    ]
    # Pressing it again changes nothing: a newer change exists.
    assert "Chỉ hoàn tác được trong 10 phút" in await chat.text(vinh, undo_action.command)


async def test_undoing_a_change_after_a_completion_keeps_the_day_it_was_done(
    chat: Chat, clock: FrozenClock
) -> None:
    """Done on 15/03 with its document, then "đang thực hiện" by mistake, then undone: the task
    is done again on 15/03 (the day reports judge it by), not on the day of the undo."""
    vinh = await chat.link("le-hong-vinh")
    await chat.text(vinh, "/capnhat I.9 hoàn thành ngày 15/03/2024 Kế hoạch số 15/KH-UBND")
    (mistake,) = await chat.say(vinh, "/capnhat I.9 đang thực hiện 50%")
    clock.advance(timedelta(minutes=2))
    undone = await chat.text(vinh, mistake.actions[0].command)
    assert undone == "Đã hoàn tác: nhiệm vụ I.9 trở lại Hoàn thành (100%)."
    detail = await chat.text(vinh, "/nhiemvu I.9")
    assert "Ngày hoàn thành: 15/03/2024" in detail
    assert "Kế hoạch số 15/KH-UBND" in detail
    async with chat.database.transaction() as session:
        last = await session.scalar(select(StatusChange).order_by(StatusChange.id.desc()))
    assert last is not None and last.completed_on == date(2024, 3, 15)


async def test_an_undone_change_leaves_a_completion_still_awaiting_the_office(
    seeded: Database,
) -> None:
    """CONFIRM_COMPLETION on: a completion not yet confirmed stays unconfirmed after an undo of
    the change that followed it, so the office still has it to confirm."""
    engine = Engine(seeded, FrozenClock(local("2024-03-20 09:00")), ZONE, confirm_completion=True)
    chat = Chat(seeded, engine)
    vinh = await chat.link("le-hong-vinh")
    await chat.text(vinh, "/capnhat I.9 hoàn thành ngày 15/03/2024")
    (mistake,) = await chat.say(vinh, "/capnhat I.9 đang thực hiện 50%")
    await chat.text(vinh, mistake.actions[0].command)
    detail = await chat.text(vinh, "/nhiemvu I.9")
    assert texts.DETAIL_AWAITING in detail and "Ngày hoàn thành: 15/03/2024" in detail


async def test_undo_expires_and_is_personal(chat: Chat, clock: FrozenClock) -> None:
    vinh = await chat.link("le-hong-vinh")
    officer = await chat.add_member("can-bo-snv", "Trần Thị Lan", agencies=("so-noi-vu",))
    (done,) = await chat.say(vinh, "/capnhat I.5 hoàn thành")
    command = done.actions[0].command
    assert await chat.text(officer, command) == texts.UNDO_NOT_YOURS  # a forged or replayed tap
    assert await chat.text(vinh, "/hoantac 99999") == texts.UNDO_UNKNOWN
    clock.advance(timedelta(minutes=10, seconds=1))
    assert "Chỉ hoàn tác được trong 10 phút" in await chat.text(vinh, command)
    assert [s[0] for s in await statuses(chat)] == ["hoan_thanh"]


async def test_undo_a_batch_that_completed_the_task(chat: Chat) -> None:
    vinh = await chat.link("le-hong-vinh")
    await chat.text(vinh, "/capnhat I.8 đợt 1 hoàn thành")
    (both,) = await chat.say(vinh, "/capnhat I.8 đợt 2 hoàn thành")
    assert "Hoàn thành (100%)" in both.text
    text = await chat.text(vinh, both.actions[0].command)
    assert "Đợt 2 của nhiệm vụ I.8 chưa hoàn thành" in text and "trở lại Chưa triển khai" in text
    detail = await chat.text(vinh, "/nhiemvu I.8")
    assert "Đợt 1 30/06/2024 ✅" in detail and "Đợt 2 31/12/2024\n" in detail


async def test_group_chats_show_no_member_data(chat: Chat) -> None:
    vinh = await chat.link("le-hong-vinh")
    for command in ("/nhiemvu", "/nhiemvu I.5", "/quahan", "/capnhat I.5 xong", "/start ABC"):
        assert await chat.text(vinh, command) != texts.GROUP_PRIVATE
        replies = await chat.say(vinh, command, is_group=True)
        assert [r.text for r in replies] == [texts.GROUP_PRIVATE], command
    assert await chat.say(vinh, "xong", is_group=True) == []  # chatter: silence
    assert "/nhiemvu" in (await chat.say(vinh, "/trogiup", is_group=True))[0].text
    assert (await chat.say("stranger", "/trogiup", is_group=True))[0].text == texts.NOT_LINKED
    assert await statuses(chat) == [("hoan_thanh", None, 100)]  # the private /capnhat only
