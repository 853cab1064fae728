"""Extension requests (issue 20, item 3), through the engine: a member asks (typed in full, or
by the button and then the date and reason in the next message), the standing office lists,
approves or refuses; the notices go through the announcements' ledger exactly once."""

from __future__ import annotations

import io
import logging

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from chat import texts
from chat.delivery import PermanentFailure
from chat.messages import Action, Reply
from db.models import AdminAction, AnnouncementDelivery, ExtensionRequest, StatusChange
from domain.clock import FrozenClock
from reports.workbook import STATUS_COLUMN
from scheduler.announcements import AnnouncementSender
from tests.conftest import Chat

ASK = "/xingiahan III.5 31/03/2025 chờ hướng dẫn của Bộ Nội vụ"


class Outbox:
    """Records every message with its buttons."""

    channel = "telegram"

    def __init__(self) -> None:
        self.sent: list[tuple[str, Reply]] = []

    async def deliver(self, chat_id: str, reply: Reply) -> str:
        if chat_id.startswith("blocked"):
            raise PermanentFailure("Forbidden: bot was blocked by the user")
        self.sent.append((chat_id, reply))
        return str(len(self.sent))

    def to(self, chat_id: str) -> list[Reply]:
        return [r for c, r in self.sent if c == chat_id]


class NoLimit:
    async def __aenter__(self) -> None:
        return None

    async def __aexit__(self, *args: object) -> None:
        return None


@pytest.fixture
async def admin(chat: Chat) -> str:
    return await chat.add_office_admin()


async def deliver(chat: Chat, clock: FrozenClock) -> Outbox:
    """Run the announcements' sender until its ledger is empty."""
    outbox = Outbox()
    sender = AnnouncementSender(
        chat.database, clock, {"telegram": outbox}, NoLimit(), per_chat_seconds=0
    )
    while await sender.run_once():
        pass
    return outbox


def number_in(text: str) -> int:
    return int(text.split("yêu cầu gia hạn số ", 1)[1].split(" ", 1)[0])


async def test_a_request_approved_moves_the_deadline_and_keeps_the_original(
    chat: Chat, admin: str, clock: FrozenClock
) -> None:
    vinh = await chat.link("le-hong-vinh")
    (sent,) = await chat.say(vinh, ASK)
    assert sent.text.startswith("Đã gửi yêu cầu gia hạn số ")
    assert "III.5, 31/12/2024 → 31/03/2025. Lý do: chờ hướng dẫn của Bộ Nội vụ" in sent.text
    number = number_in(sent.text)

    office = await deliver(chat, clock)
    (notice,) = office.to(admin)  # the office, not the requester
    assert notice.text.startswith(f"⏳ YÊU CẦU GIA HẠN SỐ {number} · III.5")
    assert "Người đề nghị: Lê Hồng Vinh" in notice.text
    assert "Hạn hiện tại: 31/12/2024 → đề nghị: 31/03/2025" in notice.text
    assert notice.actions == (
        Action("✅ Duyệt", f"/duyet {number}"),
        Action("❌ Từ chối", f"/tuchoi {number}"),
    )
    assert not office.to(vinh)

    listing = await chat.text(admin, "/duyet")
    assert listing.startswith("Yêu cầu gia hạn chờ duyệt (1):")
    assert f"• Số {number} · III.5 · Lê Hồng Vinh: 31/12/2024 → 31/03/2025" in listing
    assert "Lý do: chờ hướng dẫn của Bộ Nội vụ" in listing

    approved = await chat.text(admin, f"/duyet {number}")
    assert approved == (
        f"Đã duyệt yêu cầu số {number} của đồng chí Lê Hồng Vinh: nhiệm vụ III.5 gia hạn "
        "31/12/2024 → 31/03/2025. Lý do: chờ hướng dẫn của Bộ Nội vụ"
    )
    detail = await chat.text(vinh, "/nhiemvu III.5")
    assert "31/03/2025 (gia hạn, hạn ban đầu 31/12/2024)" in detail
    told = await deliver(chat, clock)
    (answer,) = told.to(vinh)
    assert answer.text.startswith(f"✅ Yêu cầu gia hạn số {number} đã được duyệt")
    assert (
        "31/12/2024 → 31/03/2025" in answer.text and "Người duyệt: Cán bộ Văn phòng" in answer.text
    )
    assert (await deliver(chat, clock)).sent == []  # each notice exactly once

    assert await chat.text(admin, "/duyet") == texts.PENDING_NONE
    assert "đã duyệt" in await chat.text(admin, f"/duyet {number}")
    async with chat.database.transaction() as session:
        actions = [
            (a.action, a.target)
            for a in await session.scalars(select(AdminAction).order_by(AdminAction.id))
        ]
        notes = [
            c.note for c in await session.scalars(select(StatusChange).order_by(StatusChange.id))
        ]
    assert actions == [("extension_request", "III.5"), ("extension_approve", "III.5")]
    assert notes[0] == (
        f"Xin gia hạn 31/12/2024 → 31/03/2025 (yêu cầu số {number}): chờ hướng dẫn của Bộ Nội vụ"
    )
    assert notes[1] == (
        "Gia hạn 31/12/2024 → 31/03/2025: chờ hướng dẫn của Bộ Nội vụ"
        f" (duyệt yêu cầu số {number} của Lê Hồng Vinh)"
    )
    audit = await chat.text(admin, "/nhatky")
    assert "duyệt gia hạn III.5" in audit and "xin gia hạn III.5" in audit


async def test_a_members_duyet_and_tuchoi_are_refused(
    chat: Chat, admin: str, caplog: pytest.LogCaptureFixture
) -> None:
    vinh = await chat.link("le-hong-vinh")
    number = number_in(await chat.text(vinh, ASK))
    with caplog.at_level(logging.WARNING, logger="handlers.access"):
        assert await chat.text(vinh, "/duyet") == texts.ADMIN_ONLY
        assert await chat.text(vinh, f"/duyet {number}") == texts.ADMIN_ONLY
        assert await chat.text(vinh, f"/tuchoi {number} không") == texts.ADMIN_ONLY
    assert len(caplog.records) == 3
    async with chat.database.transaction() as session:
        assert await session.scalar(select(ExtensionRequest.state)) == "pending"


async def test_the_button_asks_and_the_next_message_or_a_reply_answers(
    chat: Chat, admin: str, clock: FrozenClock
) -> None:
    vinh = await chat.link("le-hong-vinh")
    (detail,) = await chat.say(vinh, "/nhiemvu III.5")
    button = next(a for a in detail.actions if a.label == texts.ACTION_REQUEST_EXTENSION)
    assert button.command == "/xingiahan III.5"
    (question,) = await chat.say(vinh, button.command)
    assert question.text.startswith("Xin gia hạn nhiệm vụ III.5 (hạn hiện tại 31/12/2024).")
    assert "ví dụ: 01/01/2025 chờ hướng dẫn của Bộ Nội vụ" in question.text
    # An answer without a date: asked again, nothing filed.
    (again,) = await chat.say(vinh, "sau Tết")
    assert again.text.startswith("Chưa đọc được ngày. Xin gia hạn nhiệm vụ III.5")
    # A reply to the bot's question (a message not about a task) answers it.
    (filed,) = await chat.say(vinh, "31/03/2025 chờ hướng dẫn", reply_to="9999")
    assert filed.text.startswith("Đã gửi yêu cầu gia hạn số ")
    # Answered: plain text is plain text again.
    assert await chat.text(vinh, "31/05/2025 nữa") == texts.UNKNOWN
    # The Từ chối button asks for the reason too; "hủy" drops the question.
    number = number_in(filed.text)
    assert await chat.text(admin, f"/tuchoi {number}") == texts.REFUSE_ASK.format(number=number)
    assert await chat.text(admin, "hủy") == texts.REQUEST_CANCELLED
    assert await chat.text(admin, "chưa đủ căn cứ") == texts.UNKNOWN
    await chat.say(admin, f"/tuchoi {number}")
    refused = await chat.text(admin, "chưa đủ căn cứ")
    assert refused == (
        f"Đã từ chối yêu cầu số {number} của đồng chí Lê Hồng Vinh (nhiệm vụ III.5). "
        "Lý do: chưa đủ căn cứ"
    )
    office = await deliver(chat, clock)
    (answer,) = office.to(vinh)
    assert answer.text.startswith(
        f"❌ Yêu cầu gia hạn số {number} (nhiệm vụ III.5, đến 31/03/2025) không được chấp thuận."
    )
    assert "Lý do: chưa đủ căn cứ" in answer.text and "Hạn vẫn là 31/12/2024." in answer.text
    detail = await chat.text(vinh, "/nhiemvu III.5")
    assert "31/12/2024" in detail and "hạn ban đầu" not in detail
    async with chat.database.transaction() as session:
        refusal = await session.scalar(select(ExtensionRequest))
        assert refusal is not None and (refusal.state, refusal.answer) == (
            "refused",
            "chưa đủ căn cứ",
        )
        actions = [a.action for a in await session.scalars(select(AdminAction))]
    assert actions == ["extension_request", "extension_refuse"]


async def test_a_question_lapses_after_an_hour(chat: Chat, clock: FrozenClock) -> None:
    from datetime import timedelta

    vinh = await chat.link("le-hong-vinh")
    await chat.say(vinh, "/xingiahan III.5")
    clock.advance(timedelta(hours=1, minutes=1))
    assert await chat.text(vinh, "31/03/2025 chờ hướng dẫn") == texts.UNKNOWN


async def test_dates_not_after_the_deadline_are_refused_and_a_new_request_replaces(
    chat: Chat, admin: str
) -> None:
    vinh = await chat.link("le-hong-vinh")
    same = await chat.text(vinh, "/xingiahan III.5 31/12/2024 như cũ")
    assert same == (
        "Ngày xin gia hạn (31/12/2024) phải sau hạn hiện tại của nhiệm vụ III.5 (31/12/2024)."
    )
    assert "Đề nghị ghi lý do" in await chat.text(vinh, "/xingiahan III.5 31/03/2025")
    first = number_in(await chat.text(vinh, ASK))
    second_text = await chat.text(vinh, "/xingiahan III.5 30/06/2025 cần thêm thời gian")
    second = number_in(second_text)
    assert second != first and f"(Thay cho yêu cầu số {first} đang chờ duyệt.)" in second_text
    listing = await chat.text(admin, "/duyet")
    assert listing.startswith("Yêu cầu gia hạn chờ duyệt (1):") and f"Số {second} ·" in listing
    assert await chat.text(admin, f"/duyet {first}") == texts.DECIDE_NOT_PENDING.format(
        number=first, state="đã được thay bằng yêu cầu mới hơn"
    )
    assert await chat.text(admin, "/duyet 999") == texts.DECIDE_NOT_FOUND.format(number=999)
    assert await chat.text(admin, "/duyet abc") == texts.DECIDE_USAGE.format(example=1)
    # The office changes the deadline meanwhile (/suanv; a /giahan would settle the request, see
    # test_extend_settles_requests): the request no longer moves the date.
    assert (await chat.text(admin, "/suanv III.5 thoihan 31/07/2025")).startswith("Đã")
    late = await chat.text(admin, f"/duyet {second}")
    assert late.startswith("Hạn của nhiệm vụ III.5 hiện đã là 31/07/2025")


async def test_only_those_who_may_change_the_status_may_ask(chat: Chat) -> None:
    cuong = await chat.link("le-duc-cuong")
    refused = await chat.text(cuong, ASK)
    assert refused.startswith("Đồng chí không thể xin gia hạn nhiệm vụ III.5")
    (detail,) = await chat.say(cuong, "/nhiemvu III.5")
    assert not detail.actions
    assert await chat.text(cuong, "/xingiahan") == texts.REQUEST_USAGE
    assert await chat.text(cuong, "/xingiahan I.99 1/1/2025 x") == texts.TASK_NOT_FOUND.format(
        code="I.99", plan="02/KH-BCĐ"
    )
    async with chat.database.transaction() as session:
        assert await session.scalar(select(ExtensionRequest.id)) is None


async def test_the_typed_text_is_data_in_the_notice_and_the_list(
    chat: Chat, admin: str, clock: FrozenClock
) -> None:
    vinh = await chat.link("le-hong-vinh")
    reason = "<b>gấp</b> {name} %s \\ /duyet 1"
    await chat.say(vinh, f"/xingiahan III.5 31/03/2025 {reason}")
    (notice,) = (await deliver(chat, clock)).to(admin)
    assert f"Lý do: {reason}" in notice.text
    assert f"Lý do: {reason}" in await chat.text(admin, "/duyet")


async def test_reports_show_pending_requests_next_to_overdue_tasks(chat: Chat, admin: str) -> None:
    # 20/03/2024: I.1 (Tháng 1/2024, Sở Nội vụ leads) is overdue; the office's officer asks.
    number = number_in(await chat.text(admin, "/xingiahan I.1 30/04/2024 chờ ý kiến các sở"))
    report = await chat.text(admin, "/baocao")
    overdue = report.split("DANH SÁCH QUÁ HẠN", 1)[1]
    line = next(part for part in overdue.split("• ") if part.startswith("I.1 "))
    assert f"⏳ xin gia hạn đến 30/04/2024 (yêu cầu số {number}, chờ duyệt)" in line
    (export,) = await chat.say(admin, "/xuat")
    sheet = load_workbook(io.BytesIO(export.files[0].data)).active
    assert sheet is not None
    status = STATUS_COLUMN - 1
    cells = [
        str(row[status])
        for row in sheet.iter_rows(values_only=True)
        if row[0] == "1" and row[status]
    ]
    assert any(
        f"Xin gia hạn đến 30/04/2024, chờ duyệt (yêu cầu số {number})" in c for c in cells
    ), cells
    await chat.say(admin, f"/duyet {number}")
    assert "xin gia hạn đến" not in await chat.text(admin, "/baocao")


async def test_a_blocked_office_account_fails_its_row_only(
    chat: Chat, admin: str, clock: FrozenClock
) -> None:
    await chat.add_member("truong-phong", "Trưởng phòng", agencies=("so-noi-vu",), admin=True)
    await chat.link("truong-phong", "blocked-truong-phong")
    vinh = await chat.link("le-hong-vinh")
    await chat.say(vinh, ASK)
    office = await deliver(chat, clock)
    assert [c for c, _ in office.sent] == [admin, "tg-truong-phong"] or sorted(
        c for c, _ in office.sent
    ) == sorted([admin, "tg-truong-phong"])
    async with chat.database.transaction() as session:
        states = sorted((await session.scalars(select(AnnouncementDelivery.state))).all())
    assert states == ["sent", "sent"]
