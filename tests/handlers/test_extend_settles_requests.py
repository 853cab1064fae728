"""/giahan and the extension requests waiting on the same milestone: a direct extension to the
asked day or later settles a pending request at once (it left /duyet listing "31/01/2025 →
31/01/2025", a request that no longer asked for anything); one asking for a later day still
waits. And /giahan to the very deadline that stands says so, instead of suggesting a /suanv that
would change nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from chat import texts
from db.models import AdminAction, Extension, ExtensionRequest, StatusChange
from domain.clock import FrozenClock
from tests.conftest import Chat
from tests.handlers.test_extension_requests import deliver, number_in

ASK = "/xingiahan I.8 đợt 2 31/01/2025 chờ kết quả khảo sát"


async def request_row(chat: Chat, number: int) -> ExtensionRequest:
    async with chat.database.transaction() as session:
        request = await session.get(ExtensionRequest, number)
        assert request is not None
        return request


async def asked(chat: Chat, clock: FrozenClock, vinh: str) -> int:
    """Lê Hồng Vinh asks for batch 2 of I.8 until 31/01/2025; the office's notice is sent."""
    (sent,) = await chat.say(vinh, ASK)
    assert sent.text.startswith("Đã gửi yêu cầu gia hạn số ")
    await deliver(chat, clock)
    return number_in(sent.text)


@pytest.mark.parametrize("day", ["31/01/2025", "28/02/2025"])
async def test_an_extension_to_the_asked_day_or_later_settles_the_pending_request(
    chat: Chat, clock: FrozenClock, day: str
) -> None:
    admin = await chat.add_office_admin()
    vinh = await chat.link("le-hong-vinh")
    number = await asked(chat, clock, vinh)

    text = await chat.text(admin, f"/giahan I.8 đợt 2 {day} theo đề nghị của cơ quan chủ trì")
    assert text == (
        f"Đã gia hạn nhiệm vụ I.8 (Đợt 2): 31/12/2024 → {day}. "
        "Lý do: theo đề nghị của cơ quan chủ trì\n"
        f"Đã đáp ứng yêu cầu gia hạn số {number} của Lê Hồng Vinh."
    )
    assert await chat.text(admin, "/duyet") == texts.PENDING_NONE
    assert await chat.text(admin, f"/duyet {number}") == (
        f"Yêu cầu gia hạn số {number} đã được xử lý trước đó (đã duyệt)."
    )
    request = await request_row(chat, number)
    assert (request.state, request.decided_at) == ("approved", clock.now())
    assert request.answer == f"Đáp ứng bằng gia hạn của cơ quan thường trực đến {day}."

    told = await deliver(chat, clock)  # the requester, as an approval tells them
    (notice,) = told.to(vinh)
    assert notice.text == (
        f"✅ Yêu cầu gia hạn số {number} đã được duyệt: nhiệm vụ I.8 (Đợt 2) gia hạn "
        f"31/12/2024 → {day}.\nNgười duyệt: Cán bộ Văn phòng"
    )
    assert not told.to(admin)
    assert (await deliver(chat, clock)).sent == []  # exactly once

    async with chat.database.transaction() as session:
        extensions = (await session.scalars(select(Extension))).all()
        notes = [
            c.note for c in await session.scalars(select(StatusChange).order_by(StatusChange.id))
        ]
        actions = [
            (a.action, a.detail)
            for a in await session.scalars(select(AdminAction).order_by(AdminAction.id))
        ]
    assert len(extensions) == 1  # one extension, the office's; the request adds none
    assert notes[-1] == (
        f"Gia hạn 31/12/2024 → {day}: theo đề nghị của cơ quan chủ trì"
        f" (đáp ứng yêu cầu số {number} của Lê Hồng Vinh)"
    )
    assert actions[-1][0] == "extend"
    assert actions[-1][1].endswith(f" (đáp ứng yêu cầu số {number} của Lê Hồng Vinh)")


async def test_a_request_for_a_later_day_stays_pending(chat: Chat, clock: FrozenClock) -> None:
    admin = await chat.add_office_admin()
    vinh = await chat.link("le-hong-vinh")
    number = await asked(chat, clock, vinh)

    text = await chat.text(admin, "/giahan I.8 đợt 2 15/01/2025 chờ số liệu")
    assert text == "Đã gia hạn nhiệm vụ I.8 (Đợt 2): 31/12/2024 → 15/01/2025. Lý do: chờ số liệu"
    listing = await chat.text(admin, "/duyet")
    assert listing.startswith("Yêu cầu gia hạn chờ duyệt (1):")
    assert f"• Số {number} · I.8 (Đợt 2) · Lê Hồng Vinh: 15/01/2025 → 31/01/2025" in listing
    assert (await request_row(chat, number)).state == "pending"
    assert (await deliver(chat, clock)).sent == []  # nobody is told anything
    # It can still be approved: it asks for more than the office gave.
    approved = await chat.text(admin, f"/duyet {number}")
    assert approved.startswith(f"Đã duyệt yêu cầu số {number} của đồng chí Lê Hồng Vinh")
    assert "15/01/2025 → 31/01/2025" in approved


async def test_only_the_extended_milestone_s_request_is_settled(
    chat: Chat, clock: FrozenClock
) -> None:
    admin = await chat.add_office_admin()
    vinh = await chat.link("le-hong-vinh")
    number = await asked(chat, clock, vinh)

    text = await chat.text(admin, "/giahan I.8 đợt 1 31/01/2025 chờ số liệu")
    assert text.startswith("Đã gia hạn nhiệm vụ I.8 (Đợt 1): 30/06/2024 → 31/01/2025.")
    assert "yêu cầu" not in text
    assert (await request_row(chat, number)).state == "pending"


async def test_the_office_s_own_request_is_settled_without_telling_it(
    chat: Chat, clock: FrozenClock
) -> None:
    admin = await chat.add_office_admin()
    (sent,) = await chat.say(admin, ASK)
    number = number_in(sent.text)
    text = await chat.text(admin, "/giahan I.8 đợt 2 31/01/2025 chờ kết quả khảo sát")
    assert text.endswith(f"\nĐã đáp ứng yêu cầu gia hạn số {number} của Cán bộ Văn phòng.")
    assert (await request_row(chat, number)).state == "approved"
    assert (await deliver(chat, clock)).to(admin) == []


async def test_the_current_deadline_again_is_refused_as_no_change(chat: Chat) -> None:
    admin = await chat.add_office_admin()
    text = await chat.text(admin, "/giahan I.8 đợt 2 31/12/2024 chờ kết quả khảo sát")
    assert text == "Hạn hiện tại của nhiệm vụ I.8 (Đợt 2) đã là 31/12/2024: không có gì thay đổi."
    assert "/suanv" not in text
    assert (await chat.text(admin, "/giahan I.8 đợt 2 31/01/2025 chờ số liệu")).startswith("Đã")
    text = await chat.text(admin, "/giahan I.8 đợt 2 31/01/2025 chờ số liệu")
    assert text == "Hạn hiện tại của nhiệm vụ I.8 (Đợt 2) đã là 31/01/2025: không có gì thay đổi."
    async with chat.database.transaction() as session:
        assert len((await session.scalars(select(Extension))).all()) == 1
