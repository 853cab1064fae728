"""A reply that speaks of completion unsurely ("sắp xong", "chưa xong", "xong một phần") is
asked back, never recorded as a note, a document or done. (A reply "sắp xong" was once saved as
a note, and on a finished task as the document “sắp”.)"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from chat import texts
from db.models import StatusChange
from tests.conftest import Chat
from tests.handlers.test_replies import reply

UNSURE = ["sắp xong", "gần xong", "chưa xong", "xong một phần", "sắp hoàn thành", "sap xong a"]


async def changes(chat: Chat) -> int:
    async with chat.database.transaction() as session:
        return await session.scalar(select(func.count()).select_from(StatusChange)) or 0


@pytest.mark.parametrize("said", UNSURE)
async def test_an_unsure_reply_on_an_open_task_is_asked_back(chat: Chat, said: str) -> None:
    vinh = await chat.link("le-hong-vinh")
    message = "700"
    async with chat.database.transaction() as session:
        from fakes.builders import task_id_of

        i9 = await task_id_of(session, "I.9")
    await chat.engine.remember("telegram", vinh, message, i9)
    (asked,) = await chat.say(vinh, said, reply_to=message)
    assert asked.text.startswith("Chưa rõ nhiệm vụ I.9 đã hoàn thành hẳn chưa")
    assert [a.label for a in asked.actions] == [
        texts.ACTION_DONE_TODAY,
        texts.ACTION_IN_PROGRESS_ONLY,
    ]
    assert asked.task_id == i9
    assert await changes(chat) == 0


@pytest.mark.parametrize("said", UNSURE)
async def test_an_unsure_reply_on_a_done_task_is_asked_back(chat: Chat, said: str) -> None:
    vinh = await chat.link("le-hong-vinh")
    admin = await chat.add_office_admin()
    await chat.text(admin, "/capnhat I.2 đợt 1 hoàn thành Kế hoạch số 15/KH-UBND")
    await chat.text(admin, "/capnhat I.2 đợt 2 hoàn thành")
    before = await changes(chat)
    text = await reply(chat, admin, "I.2", said)
    assert "Văn bản" not in text and "Đã ghi" not in text
    assert "nhiệm vụ I.2" in text and text.startswith("Chưa rõ")
    assert await changes(chat) == before
    assert "không thể thay đổi tình trạng" in await reply(chat, vinh, "I.2", said)
    assert await changes(chat) == before


async def test_a_coordinating_agency_saying_sap_xong_is_told_how_to_write_a_note(
    chat: Chat,
) -> None:
    officer = await chat.add_member(
        "can-bo-skhdt", "Phan Văn Hợp", agencies=("so-ke-hoach-dau-tu",)
    )
    text = await reply(chat, officer, "I.5", "sắp xong")
    assert "không thể thay đổi tình trạng nhiệm vụ I.5" in text
    assert "/capnhat I.5 ghi chú" in text
    assert await changes(chat) == 0


async def test_a_plain_note_without_completion_words_stays_a_note(chat: Chat) -> None:
    vinh = await chat.link("le-hong-vinh")
    assert await reply(chat, vinh, "I.9", "đã họp với các sở") == (
        "Đã ghi chú vào nhiệm vụ I.9: “đã họp với các sở”"
    )
    assert await changes(chat) == 1
