"""Parts of a collective task (issue 20): every agency a collective lead reaches does its own part.
An officer's update moves their agency's part only; the whole task is done when every part is,
or when a director or the office closes it with a reason. Through the engine, on both databases."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import load_workbook
from sqlalchemy import select

from chat import texts
from db import records
from db.models import Agency, Member, StatusChange
from db.session import Database
from domain.clock import FrozenClock
from handlers.engine import Engine
from reports.data import plan_report
from tests.conftest import ZONE, Chat, local


async def _binh(chat: Chat) -> tuple[str, str]:
    """The office adds Sở Tư pháp and its officer Ngô Văn Bình, who links his account."""
    admin = await chat.add_member("admin", "Cán bộ Thường trực", admin=True)
    assert (await chat.text(admin, "/themcq Sở Tư pháp | sở")).startswith("Đã thêm cơ quan")
    assert (await chat.text(admin, "/themtv Ngô Văn Bình | Sở Tư pháp")).startswith(
        "Đã thêm thành viên Ngô Văn Bình"
    )
    async with chat.database.transaction() as session:
        key = await session.scalar(select(Member.key).where(Member.full_name == "Ngô Văn Bình"))
    assert key is not None
    return admin, await chat.link(key)


async def _parts_total(chat: Chat) -> int:
    """III.3's lead: "Các sở, ban, ngành" and "UBND các huyện": every department and district."""
    async with chat.database.transaction() as session:
        return len(
            (
                await session.scalars(
                    select(Agency.id).where(
                        Agency.kind == "agency", Agency.category.in_(("department", "district"))
                    )
                )
            ).all()
        )


async def test_an_officer_completes_his_agencys_part_only(chat: Chat) -> None:
    admin, binh = await _binh(chat)
    total = await _parts_total(chat)
    assert total > 2
    text = await chat.text(binh, "/capnhat III.3 hoàn thành")
    assert "Chưa triển khai → Hoàn thành (100%)" in text
    assert f"Phần việc của Sở Tư pháp · 1/{total} cơ quan đã hoàn thành." in text
    async with chat.database.transaction() as session:
        change = (await session.scalars(select(StatusChange))).one()
        stp = await session.scalar(select(Agency.id).where(Agency.name == "Sở Tư pháp"))
    assert change.agency_id == stp and change.new_status == "hoan_thanh"

    # His view of III.3: his part done; the task: 1 of N.
    mine = await chat.text(binh, "/nhiemvu III.3")
    assert "Phần việc của Sở Tư pháp: ✅ Hoàn thành (100%)" in mine
    assert f"Các cơ quan: 1/{total} cơ quan đã hoàn thành" in mine
    assert "Cả nhiệm vụ: 🔵 Đang thực hiện" in mine
    # What stands under his part's line is about his part; the whole task comes after it.
    own = mine.split("\n")
    at = own.index("Phần việc của Sở Tư pháp: ✅ Hoàn thành (100%)")
    assert own[at + 1].startswith("Ngày hoàn thành: ")
    assert own[at + 2] == "Tiến độ so với hạn: Đã hoàn thành"
    assert own[at + 3].startswith("Các cơ quan: ")
    # The office's view: the whole task, under way, with who has and who has not reported.
    office = await chat.text(admin, "/nhiemvu III.3")
    assert "Tình trạng: 🔵 Đang thực hiện" in office
    assert "Đã hoàn thành (1): Sở Tư pháp" in office
    not_reported = next(line for line in office.split("\n") if line.startswith("Chưa báo cáo"))
    assert not_reported.startswith(f"Chưa báo cáo ({total - 1}): ")
    assert "Sở Nội vụ" in not_reported and "Sở Tư pháp" not in not_reported
    # Another department's officer: his own part, not started.
    lan = await chat.add_member("can-bo-snv", "Trần Thị Lan", agencies=("so-noi-vu",))
    assert "Phần việc của Sở Nội vụ: ⚪ Chưa triển khai" in await chat.text(lan, "/nhiemvu III.3")

    # His list shows his part's status.
    listed = await chat.text(binh, "/nhiemvu")
    line = listed.split("• III.3 · ")[1].split("\n• ")[0]
    assert "✅ Hoàn thành (100%)" in line
    # The office's whole-plan list: III.3 under way, 1 of N agencies.
    whole = await chat.text(admin, "/tatca")
    line = whole.split("• III.3 · ")[1].split("\n• ")[0]
    assert f"🔵 Đang thực hiện ({round(100 / total)}%) · 1/{total} cơ quan" in line


async def test_the_report_and_the_export_do_not_count_the_task_done(chat: Chat) -> None:
    admin, binh = await _binh(chat)
    total = await _parts_total(chat)
    before = await chat.text(admin, "/baocao")
    await chat.say(binh, "/capnhat III.3 hoàn thành Quyết định số 12/QĐ-STP")
    after = await chat.text(admin, "/baocao")
    done_lines = [line for line in before.split("\n") if line.startswith("• Hoàn thành")]
    assert done_lines and all(line in after for line in done_lines)  # nothing more is done
    async with chat.database.transaction() as session:
        plan = await records.current_plan(session, 2024)
        assert plan is not None
        report = await plan_report(session, plan, today=date(2024, 3, 20), zone=ZONE)
    (row,) = [r for r in report.rows if r.view.code == "III.3"]
    assert row.view.state.status != "hoan_thanh" and row.verdict.category == "on_track"

    (reply,) = await chat.say(admin, "/xuat")
    workbook = load_workbook(io.BytesIO(reply.files[0].data))
    plan_sheet = workbook.worksheets[0]
    cells = [str(cell.value) for line in plan_sheet.iter_rows() for cell in line if cell.value]
    status = next(c for c in cells if f"1/{total} cơ quan đã hoàn thành" in c)
    assert "Hoàn thành" not in status.split("\n")[0]
    parts = workbook["Phần việc các cơ quan"]
    lines = [[c.value for c in line] for line in parts.iter_rows(min_row=2)]
    stp = [line for line in lines if line[0] == "III.3" and line[2] == "Sở Tư pháp"]
    assert stp == [
        [
            "III.3",
            stp[0][1],
            "Sở Tư pháp",
            "Hoàn thành",
            100,
            "20/03/2024",
            "Quyết định số 12/QĐ-STP",
        ]
    ]
    others = [line for line in lines if line[0] == "III.3" and line[2] != "Sở Tư pháp"]
    assert len(others) == total - 1 and {line[3] for line in others} == {"Chưa triển khai"}


async def test_the_task_is_done_when_the_office_closes_it_with_a_reason(chat: Chat) -> None:
    admin, binh = await _binh(chat)
    await chat.say(binh, "/capnhat III.3 hoàn thành")
    asked = await chat.text(admin, "/capnhat III.3 hoàn thành")
    assert "ghi rõ lý do: /capnhat III.3 kết thúc <lý do>" in asked
    closed = await chat.text(
        admin, "/capnhat III.3 kết thúc đã công khai đủ trên cổng dịch vụ công"
    )
    assert closed.startswith("Đã kết thúc nhiệm vụ III.3")
    assert "Lý do: đã công khai đủ trên cổng dịch vụ công" in closed
    office = await chat.text(admin, "/nhiemvu III.3")
    assert "Tình trạng: ✅ Hoàn thành" in office
    assert "Đã kết thúc cả nhiệm vụ: đã công khai đủ trên cổng dịch vụ công" in office
    # An officer may not close it; his part stays his.
    refused = await chat.text(binh, "/capnhat III.3 kết thúc xong")
    assert refused.startswith("Chỉ người chịu trách nhiệm chỉ đạo và cơ quan thường trực")
    # Reopened: the whole task is again the parts'.
    assert (await chat.text(admin, "/capnhat III.3 đang thực hiện")).startswith(
        "Đã mở lại nhiệm vụ III.3"
    )
    assert "Tình trạng: 🔵 Đang thực hiện" in await chat.text(admin, "/nhiemvu III.3")


async def test_an_office_officer_of_a_department_reopens_with_mo_lai(chat: Chat) -> None:
    """The standing office's officers are members of Sở Nội vụ, which has its own part of III.3:
    "đang thực hiện" moves that part, "mở lại" reopens the whole task."""
    _, binh = await _binh(chat)
    office = await chat.add_office_admin()
    closed = await chat.text(office, "/capnhat III.3 kết thúc đã công khai đủ TTHC")
    assert closed.startswith("Đã kết thúc nhiệm vụ III.3")
    own_part = await chat.text(office, "/capnhat III.3 đang thực hiện")
    assert "Phần việc của Sở Nội vụ" in own_part
    assert "Đã kết thúc cả nhiệm vụ" in await chat.text(office, "/nhiemvu III.3")
    # An agency's officer may not reopen it.
    refused = await chat.text(binh, "/capnhat III.3 mở lại")
    assert refused == texts.REOPEN_REFUSED.format(code="III.3")
    reopened = await chat.text(office, "/capnhat III.3 mo lai con 3 so chua cong khai")
    assert reopened.startswith("Đã mở lại nhiệm vụ III.3")
    detail = await chat.text(office, "/nhiemvu III.3")
    assert "Đã kết thúc cả nhiệm vụ" not in detail
    assert "Cả nhiệm vụ: 🔵 Đang thực hiện (0%)" in detail
    # Open already: nothing to reopen, nothing written.
    assert await chat.text(office, "/capnhat III.3 mở lại") == texts.NOT_CLOSED.format(code="III.3")


async def test_an_agency_added_later_has_a_part(chat: Chat) -> None:
    admin, binh = await _binh(chat)
    total = await _parts_total(chat)
    await chat.say(binh, "/capnhat III.3 đang thực hiện 50%")
    assert "Đã thêm cơ quan" in await chat.text(admin, "/themcq Sở Y tế | sở")
    office = await chat.text(admin, "/nhiemvu III.3")
    assert f"Các cơ quan: 0/{total + 1} cơ quan đã hoàn thành" in office
    assert "Sở Y tế" in next(line for line in office.split("\n") if line.startswith("Chưa báo cáo"))
    assert "Đang thực hiện, vướng mắc (1): Sở Tư pháp" in office


async def test_a_reply_and_an_undo_move_the_part(chat: Chat) -> None:
    _, binh = await _binh(chat)
    (reply,) = await chat.say(binh, "/capnhat III.3 đang thực hiện 30%")
    undo = reply.actions[0].command
    assert undo.startswith("/hoantac ")
    assert "III.3" in await chat.text(binh, undo)
    text = await chat.text(binh, "/nhiemvu III.3")
    assert "Phần việc của Sở Tư pháp: ⚪ Chưa triển khai" in text


async def test_the_office_confirms_a_parts_completion(seeded: Database) -> None:
    """CONFIRM_COMPLETION on: an agency's completion of its part awaits the office, which
    confirms that part (not the whole task)."""
    engine = Engine(seeded, FrozenClock(local("2024-06-20 09:00")), ZONE, confirm_completion=True)
    chat = Chat(seeded, engine)
    admin, binh = await _binh(chat)
    assert "⏳ Chờ cơ quan thường trực xác nhận." in await chat.text(
        binh, "/capnhat III.3 hoàn thành ngày 10/06/2024"
    )
    (listing,) = await chat.say(admin, "/xacnhan")
    assert "/xacnhan III.3" in [a.command for a in listing.actions]
    assert (await chat.text(admin, "/xacnhan III.3")).startswith("Đã xác nhận")
    mine = await chat.text(binh, "/nhiemvu III.3")
    assert "Phần việc của Sở Tư pháp: ✅ Hoàn thành (100%)" in mine
    assert "Chờ cơ quan thường trực xác nhận" not in mine
    async with seeded.transaction() as session:
        confirm = await session.scalar(select(StatusChange).where(StatusChange.kind == "confirm"))
    assert confirm is not None and confirm.agency_id is not None
    assert "Tình trạng: 🔵 Đang thực hiện" in await chat.text(admin, "/nhiemvu III.3")


async def test_an_overdue_collective_task_says_how_many_agencies_are_done(
    seeded: Database,
) -> None:
    clock = FrozenClock(local("2024-12-20 09:00"))
    chat = Chat(seeded, Engine(seeded, clock, ZONE))
    admin, binh = await _binh(chat)
    total = await _parts_total(chat)
    await chat.say(binh, "/capnhat III.3 hoàn thành")
    clock.instant = local("2025-01-10 09:00")
    report = await chat.text(admin, "/baocao")
    line = report.split("• III.3 · ")[1].split("\n• ")[0]
    assert "quá hạn 10 ngày (hạn 31/12/2024) · chủ trì: " in line
    assert line.split("\n")[1].endswith(f"· 1/{total} cơ quan đã hoàn thành")
    # Bình's own slice: his part was done on time, so III.3 is not in his overdue list.
    mine = await chat.text(binh, "/baocao")
    overdue = mine.split(texts.REPORT_OVERDUE.split(" (")[0])[1]
    assert "III.4" in overdue and "III.3" not in overdue
