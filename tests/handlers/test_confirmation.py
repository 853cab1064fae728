"""CONFIRM_COMPLETION: an agency's completion awaits the standing office, which confirms it or
returns it with a reason; reports count what awaits apart and judge it by the reported day once
confirmed."""

from __future__ import annotations

import io
from contextlib import nullcontext

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from chat import texts
from db.models import StatusChange
from db.session import Database
from domain.clock import FrozenClock
from handlers.engine import Engine
from scheduler.announcements import AnnouncementSender
from tests.conftest import ZONE, Chat, local
from tests.handlers.test_extension_requests import Outbox

ADMIN = "can-bo-van-phong"


@pytest.fixture
async def office(seeded: Database) -> tuple[Chat, str, str]:
    engine = Engine(seeded, FrozenClock(local("2024-06-20 09:00")), ZONE, confirm_completion=True)
    chat = Chat(seeded, engine)
    admin = await chat.add_member(ADMIN, "Cán bộ Văn phòng", agencies=("so-noi-vu",), admin=True)
    vinh = await chat.link("le-hong-vinh")
    return chat, admin, vinh


async def test_a_completion_awaits_the_office_and_is_counted_apart(
    office: tuple[Chat, str, str],
) -> None:
    chat, admin, vinh = office
    text = await chat.text(vinh, "/capnhat I.5 hoàn thành ngày 10/06/2024 Kế hoạch số 9/KH-UBND")
    assert "⏳ Chờ cơ quan thường trực xác nhận." in text
    assert "⏳ Chờ cơ quan thường trực xác nhận hoàn thành." in await chat.text(
        vinh, "/nhiemvu I.5"
    )
    report = await chat.text(admin, "/baocao")
    assert "Báo hoàn thành, chờ xác nhận (chưa tính là hoàn thành): 1 (I.5)" in report
    assert "• Hoàn thành đúng hạn: 0" in report
    (listing,) = await chat.say(admin, "/xacnhan")
    assert "I.5 · hoàn thành ngày 10/06/2024 Kế hoạch số 9/KH-UBND" in listing.text
    assert [a.command for a in listing.actions] == ["/xacnhan I.5", "/tralai I.5"]
    (detail,) = await chat.say(admin, "/nhiemvu I.5")
    assert [a.label for a in detail.actions[:2]] == [texts.ACTION_CONFIRM, texts.ACTION_RETURN]
    mine = await chat.text(vinh, "/nhiemvu")
    assert "✅ Hoàn thành (100%) · ⏳ chờ xác nhận" in mine  # the lists say it too
    (export,) = await chat.say(admin, "/xuat")
    workbook = load_workbook(io.BytesIO(export.files[0].data))
    summary = [r for r in workbook["Tổng hợp"].iter_rows(values_only=True) if r[0]]
    assert (texts.XLSX_SUMMARY_AWAITING, 1) in [tuple(r[:2]) for r in summary]


async def test_the_office_confirms_in_one_tap_and_the_reported_day_counts(
    office: tuple[Chat, str, str],
) -> None:
    chat, admin, vinh = office
    await chat.say(vinh, "/capnhat I.5 hoàn thành ngày 10/06/2024")
    assert await chat.text(admin, "/xacnhan I.5") == (
        "Đã xác nhận nhiệm vụ I.5 hoàn thành ngày 10/06/2024."
    )
    assert "chờ xác nhận" not in (await chat.text(vinh, "/nhiemvu I.5")).lower()
    report = await chat.text(admin, "/baocao")
    assert "chờ xác nhận" not in report
    assert "• Hoàn thành quá hạn: 1" in report  # due 31/03, done 10/06: judged by that day
    assert await chat.text(admin, "/xacnhan") == "Không có báo cáo hoàn thành nào chờ xác nhận."
    assert "không có báo cáo hoàn thành nào đang chờ" in await chat.text(admin, "/xacnhan I.5")


async def test_a_returned_completion_goes_back_in_progress_with_its_reason(
    office: tuple[Chat, str, str],
) -> None:
    chat, admin, vinh = office
    await chat.say(vinh, "/capnhat I.5 đang thực hiện 60%")
    await chat.say(vinh, "/capnhat I.5 xong")
    assert "Đề nghị ghi lý do trả lại" in await chat.text(admin, "/tralai I.5")
    text = await chat.text(admin, "/tralai I.5 chưa có văn bản ban hành")
    assert text.startswith("Đã trả lại báo cáo hoàn thành nhiệm vụ I.5 (lý do: chưa có văn bản")
    detail = await chat.text(vinh, "/nhiemvu I.5")
    assert "🔵 Đang thực hiện (60%)" in detail and "chưa có văn bản ban hành" in detail
    async with chat.database.transaction() as session:
        kinds = (
            await session.execute(
                select(StatusChange.new_status, StatusChange.confirmation).order_by(StatusChange.id)
            )
        ).all()
    assert [tuple(k) for k in kinds] == [
        ("dang_thuc_hien", None),
        ("hoan_thanh", "pending"),
        ("dang_thuc_hien", "returned"),
    ]


async def test_the_offices_own_completion_needs_no_confirmation(
    office: tuple[Chat, str, str],
) -> None:
    chat, admin, _ = office
    text = await chat.text(admin, "/capnhat I.3 hoàn thành ngày 25/01/2024")
    assert "Chờ cơ quan thường trực" not in text
    assert "• Hoàn thành đúng hạn: 1" in await chat.text(admin, "/baocao")


async def test_confirming_is_the_offices_alone(office: tuple[Chat, str, str]) -> None:
    chat, _, vinh = office
    await chat.say(vinh, "/capnhat I.5 xong")
    assert await chat.text(vinh, "/xacnhan I.5") == texts.ADMIN_ONLY
    assert await chat.text(vinh, "/tralai I.5 sai") == texts.ADMIN_ONLY


async def test_the_notices_go_once_each_through_the_ledger(
    office: tuple[Chat, str, str],
) -> None:
    """The office is asked (with the two choices) and the reporter told, each exactly once, by
    the announcements' sender after the commit; the office's own answer tells only the other."""
    chat, admin, vinh = office
    outbox = Outbox()
    sender = AnnouncementSender(
        chat.database,
        FrozenClock(local("2024-06-20 09:05")),
        {"telegram": outbox},
        nullcontext(),
        per_chat_seconds=0,
    )
    await chat.say(vinh, "/capnhat I.5 hoàn thành ngày 10/06/2024")
    while await sender.run_once():
        pass
    (asked,) = outbox.to(admin)
    assert asked.text.startswith("⏳ Nhiệm vụ I.5 được báo hoàn thành")
    assert [a.command for a in asked.actions] == ["/xacnhan I.5", "/tralai I.5"]
    assert outbox.to(vinh) == []  # the reporter is not told of their own report

    await chat.say(admin, "/tralai I.5 chưa có văn bản ban hành")
    while await sender.run_once():
        pass
    (told,) = outbox.to(vinh)
    assert "Lý do: chưa có văn bản ban hành" in told.text
    assert [a.command for a in told.actions] == ["/hoanthanh I.5"]
    assert len(outbox.to(admin)) == 1  # nothing more for the office
