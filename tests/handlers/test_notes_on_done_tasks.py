"""A note on a task already done stays a note: only someone who may change the task's status
turns a plain reply into its document, and "ghi chú" is always a note. (A coordinating agency's
"ghi chú đã gửi số liệu" once replaced the lead's "Kế hoạch số 15/KH-UBND".)"""

from __future__ import annotations

from sqlalchemy import select

from chat import texts
from db.models import StatusChange
from tests.conftest import Chat
from tests.handlers.test_replies import reply


async def history(chat: Chat) -> list[tuple[str, str | None, str | None]]:
    async with chat.database.transaction() as session:
        rows = (await session.scalars(select(StatusChange).order_by(StatusChange.id))).all()
        return [(r.kind, r.note, r.evidence) for r in rows]


async def test_a_coordinating_agencys_note_never_replaces_the_document(chat: Chat) -> None:
    vinh = await chat.link("le-hong-vinh")
    # Sở Kế hoạch và Đầu tư is a department: "Các sở, ngành có liên quan" coordinate I.5.
    officer = await chat.add_member(
        "can-bo-skhdt", "Phan Văn Hợp", agencies=("so-ke-hoach-dau-tu",)
    )
    await chat.text(vinh, "/capnhat I.5 hoàn thành Kế hoạch số 15/KH-UBND")
    noted = await chat.text(officer, "/capnhat I.5 ghi chú đã gửi số liệu")
    assert noted == "Đã ghi chú vào nhiệm vụ I.5: “đã gửi số liệu”"
    replied = await reply(chat, officer, "I.5", "đã gửi số liệu bổ sung")
    assert replied == "Đã ghi chú vào nhiệm vụ I.5: “đã gửi số liệu bổ sung”"
    assert (await history(chat))[1:] == [
        ("note", "đã gửi số liệu", None),
        ("note", "đã gửi số liệu bổ sung", None),
    ]
    detail = await chat.text(vinh, "/nhiemvu I.5")
    assert "Văn bản, kết quả: Kế hoạch số 15/KH-UBND" in detail
    assert "đã gửi số liệu" in detail


async def test_the_lead_writes_ghi_chu_as_a_note_and_replies_the_document(chat: Chat) -> None:
    vinh = await chat.link("le-hong-vinh")
    await chat.text(vinh, "/capnhat I.5 hoàn thành")
    note = "đã gửi báo cáo cho Bộ Nội vụ"
    noted = await chat.text(vinh, f"/capnhat I.5 ghi chú {note}")
    assert noted == texts.NOTE_SAVED.format(code="I.5", note=note)
    assert "Văn bản, kết quả" not in await chat.text(vinh, "/nhiemvu I.5")  # still no document
    saved = await reply(chat, vinh, "I.5", "Kế hoạch số 15/KH-UBND")
    assert saved == texts.REFERENCE_SAVED.format(code="I.5", reference="Kế hoạch số 15/KH-UBND")
    detail = await chat.text(vinh, "/nhiemvu I.5")
    assert "Văn bản, kết quả: Kế hoạch số 15/KH-UBND" in detail and note in detail
