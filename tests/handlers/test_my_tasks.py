"""/nhiemvu: a member's own tasks, grouped by role, nearest deadline first, with codes."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from domain.clock import FrozenClock
from tests.conftest import Chat, local

# Every task that names Lê Hồng Vinh, plus those that reach him as a Phó Chủ tịch UBND tỉnh
# (II.5, II.6) and as a member assigned to follow agencies (I.14).
VINH = {"I.5", "I.6", "I.8", "I.9", "III.2", "III.3", "III.4", "III.5", "III.6", "III.7",
        "IV.4", "IV.5", "IV.8", "IV.9", "I.14", "II.5", "II.6"}  # fmt: skip


def codes(text: str) -> list[str]:
    return re.findall(r"^• ([IV]+\.\d+b?) ·", text, flags=re.M)


@pytest.mark.parametrize("message", ["/nhiemvu", "/nhiemvu cua toi", "/nhiemvu của tôi",
                                     "nhiệm vụ của tôi", "Nhiem vu cua toi", "/NhiemVu@bcd_bot"])  # fmt: skip
async def test_every_way_of_asking_lists_the_same_tasks(chat: Chat, message: str) -> None:
    account = await chat.link("le-hong-vinh")
    text = await chat.text(account, message)
    assert set(codes(text)) == VINH
    assert len(codes(text)) == len(VINH)  # each task once, under his strongest role


async def test_grouped_by_role_nearest_first_with_dates(chat: Chat) -> None:
    account = await chat.link("le-hong-vinh")
    text = await chat.text(account, "/nhiemvu")
    assert text.startswith("Nhiệm vụ của đồng chí Lê Hồng Vinh\nKế hoạch 02/KH-BCĐ năm 2024")
    assert "CHỈ ĐẠO (17)" in text
    listed = codes(text)
    assert listed[:3] == ["I.5", "IV.4", "I.6"]  # 31/03, 30/04, 30/06
    assert listed[-1] == "II.6"  # no date: last
    assert (
        "• I.5 · Chỉ đạo công bố chỉ số xếp hạng CCHC năm 2023\n   Hạn 31/03/2024 · còn 11 ngày"
        in text
    )
    assert "Đợt 1 · Hạn 30/06/2024" in text  # I.8's first batch
    assert "Chưa có thời hạn (chờ cơ quan thường trực xác định)" in text


async def test_overdue_tasks_come_first_with_days_late(chat: Chat, clock: FrozenClock) -> None:
    clock.instant = local("2024-04-05 09:00")
    account = await chat.link("le-hong-vinh")
    text = await chat.text(account, "/nhiemvu")
    assert codes(text)[0] == "I.5"
    assert "⚠️ Quá hạn 5 ngày (hạn 31/03/2024)" in text
    assert "1 quá hạn" in text


async def test_due_today(chat: Chat, clock: FrozenClock) -> None:
    clock.instant = local("2024-03-31 07:00")
    account = await chat.link("le-hong-vinh")
    assert "⏰ Đến hạn hôm nay (31/03/2024)" in await chat.text(account, "/nhiemvu")


async def test_leadership_reach_the_roadmap_task_through_their_group(chat: Chat) -> None:
    account = await chat.link("thai-thanh-quy")
    text = await chat.text(account, "/nhiemvu")
    assert set(codes(text)) == {"I.1", "I.2", "I.4", "IV.2", "IV.1"}
    assert "Theo lộ trình (không có hạn cố định)" in text


async def test_agency_officers_see_tasks_of_their_agency_by_role(chat: Chat) -> None:
    account = await chat.add_member("can-bo-snv", "Trần Thị Lan", agencies=("so-noi-vu",))
    text = await chat.text(account, "/nhiemvu")
    lead_part, _, coordinating_part = text.partition("PHỐI HỢP")
    assert "I.1" in codes(lead_part) and "IV.1" in codes(lead_part)
    assert "I.11" in codes(coordinating_part)  # Sở Nội vụ coordinates I.11
    # Collectives reach departments: "Các sở, ban, ngành" coordinates III.7.
    assert "III.7" in codes(coordinating_part)


async def test_a_member_with_nothing_assigned_is_told_so(chat: Chat) -> None:
    account = await chat.add_member("khach", "Nguyễn Văn Khách")
    text = await chat.text(account, "/nhiemvu")
    assert "không có nhiệm vụ nào giao cho đồng chí" in text


async def test_a_completed_task_shows_done(chat: Chat, clock: FrozenClock) -> None:
    account = await chat.link("le-hong-vinh")
    await chat.text(account, "/capnhat I.5 hoàn thành")
    clock.advance(timedelta(days=30))
    text = await chat.text(account, "/nhiemvu")
    line = text[text.index("• I.5") :].split("\n")[1]
    assert "Đã hoàn thành" in line and "✅ Hoàn thành (100%)" in line
    assert "Quá hạn" not in line
