"""/baocao, /xuat, export and import: the classification as members read it, the chart, the
workbook's layout, and a plan going out to Excel and back (the next year's plan included)."""

from __future__ import annotations

import io
import re
import struct
from datetime import date

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from chat import texts
from chat.messages import files_of
from db import records
from db.models import Plan, StatusChange, Task
from db.session import Database
from domain.classify import Category
from domain.clock import FrozenClock
from handlers.engine import Engine
from reports.data import plan_report
from reports.import_plan import import_workbook
from reports.workbook import HEADER_ROW, LINE_POINTS, build_workbook, line_count
from reports.workbook_reader import MAX_ROWS, ImportFailed, read_sheet
from tests.conftest import ZONE, Chat, local

ADMIN = "can-bo-van-phong"


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.fixture
async def office(seeded: Database) -> tuple[Chat, FrozenClock, str]:
    """An admin of the standing office, and a history with every category in it."""
    clock = FrozenClock(local("2024-01-31 16:00"))
    chat = Chat(seeded, Engine(seeded, clock, ZONE))
    admin = await chat.add_member(ADMIN, "Cán bộ Văn phòng", agencies=("so-noi-vu",), admin=True)
    await chat.say(admin, "/capnhat I.1 hoàn thành Kế hoạch số 02/KH-BCĐ")  # on its due date
    clock.instant = local("2024-03-01 10:00")
    await chat.say(admin, "/capnhat I.4 hoàn thành")  # due 29/02: a day late
    clock.instant = local("2024-03-20 09:00")
    await chat.say(admin, "/giahan I.5 30/04/2024 chờ Trung ương công bố chỉ số")
    await chat.say(admin, "/capnhat I.8 đợt 1 hoàn thành")
    await chat.say(admin, "/capnhat I.2 đang thực hiện 40%")
    clock.instant = local("2024-04-05 09:00")
    return chat, clock, admin


async def test_the_report_classifies_every_task_with_totals_and_the_overdue_list(
    office: tuple[Chat, FrozenClock, str],
) -> None:
    chat, _, admin = office
    (reply,) = await chat.say(admin, "/baocao")
    text = reply.text
    assert "Số liệu đến ngày 05/04/2024 · toàn bộ kế hoạch" in text
    assert "Tổng số: 42 nhiệm vụ" in text
    assert "• Hoàn thành đúng hạn: 1 (2,4%)" in text  # I.1, done on 31/01
    assert "• Hoàn thành quá hạn: 1 (2,4%)" in text  # I.4, done 01/03 for 29/02
    assert "• Không có thời hạn: 4 (9,5%)" in text  # II.6, II.7, III.1, IV.1
    # I.5: extended to 30/04 but judged against 31/03, both shown.
    assert "I.5 · Chỉ đạo công bố chỉ số xếp hạng CCHC năm 2023" in text
    assert "quá hạn 5 ngày (hạn 31/03/2024, gia hạn đến 30/04/2024)" in text
    assert "quá hạn 65 ngày (hạn 31/01/2024) · chủ trì: Sở Nội vụ" in text  # I.3
    overdue = text.split(texts.REPORT_OVERDUE.split(" (")[0])[1]
    assert overdue.index("I.3") < overdue.index("I.5")  # most days late first
    for heading in (texts.REPORT_BY_SECTION, texts.REPORT_BY_DIRECTOR, texts.REPORT_BY_LEAD):
        assert heading in text
    assert "• I. Công tác lãnh đạo, chỉ đạo, điều hành: 14 NV" in text
    assert "• Đ/c Thái Thanh Quý:" in text and "• Sở Nội vụ:" in text


async def test_the_counts_add_up_and_match_the_pure_classifier(
    office: tuple[Chat, FrozenClock, str],
) -> None:
    chat, _, _ = office
    async with chat.database.transaction() as session:
        plan = await records.current_plan(session, 2024)
        assert plan is not None
        report = await plan_report(session, plan, today=date(2024, 4, 5), zone=ZONE)
    assert sum(report.totals.values()) == 42
    assert sum(b.total for b in report.by_section) == 42
    verdicts = {r.view.code: r.verdict for r in report.rows}
    assert verdicts["I.8"].category == "on_track"  # batch 1 done; batch 2 due 31/12
    assert verdicts["I.2"].category == "on_track"
    assert verdicts["I.5"].extended_due == date(2024, 4, 30)


async def test_a_member_sees_their_own_slice(office: tuple[Chat, FrozenClock, str]) -> None:
    chat, _, _ = office
    cuong = await chat.link("le-duc-cuong")
    (reply,) = await chat.say(cuong, "/baocao")
    assert "nhiệm vụ liên quan đến đồng chí Lê Đức Cường" in reply.text
    assert "Tổng số: 42" not in reply.text
    vinh_leadership = await chat.link("thai-thanh-quy")  # Trưởng Ban: the whole plan
    (whole,) = await chat.say(vinh_leadership, "/baocao")
    assert "Tổng số: 42 nhiệm vụ" in whole.text


async def test_the_chart_is_a_png_of_the_expected_size(
    office: tuple[Chat, FrozenClock, str],
) -> None:
    chat, _, admin = office
    for command in ("/baocao", "/baocao chidao"):
        (reply,) = await chat.say(admin, command)
        assert not reply.files  # the text goes out first; the chart is drawn once it has
        (chart,) = await files_of(reply)
        assert chart.kind == "photo" and chart.filename.endswith(".png")
        assert png_size(chart.data) == (1200, 700)
        assert len(chart.data) > 20_000  # bars, labels and legend, not an empty canvas


async def test_each_chart_has_its_own_name_and_the_footer_points_to_the_other(
    office: tuple[Chat, FrozenClock, str],
) -> None:
    chat, _, admin = office
    (by_section,) = await chat.say(admin, "/baocao")
    (by_director,) = await chat.say(admin, "/baocao chidao")
    (section_chart,) = await files_of(by_section)
    (director_chart,) = await files_of(by_director)
    assert section_chart.filename == "bieu-do-2024-05-04-2024.png"
    assert director_chart.filename == "bieu-do-chi-dao-2024-05-04-2024.png"
    assert by_section.text.endswith(texts.REPORT_OTHER_CHART[False])
    assert by_director.text.endswith(texts.REPORT_OTHER_CHART[True])
    assert "/baocao chidao" not in by_director.text.splitlines()[-1]


async def test_xuat_is_for_admins_and_gives_the_workbook(
    office: tuple[Chat, FrozenClock, str],
) -> None:
    chat, _, admin = office
    vinh = await chat.link("le-hong-vinh")
    (refused,) = await chat.say(vinh, "/xuat")
    assert refused.text == texts.ADMIN_ONLY and not refused.files
    # /baocao points only the office to /xuat: a member is not sent to a command refused to him.
    (member_report,) = await chat.say(vinh, "/baocao")
    assert "/xuat" not in member_report.text and "/baocao chidao" in member_report.text
    (office_report,) = await chat.say(admin, "/baocao")
    assert "/xuat" in office_report.text
    (reply,) = await chat.say(admin, "/xuat")
    (document,) = reply.files
    assert document.kind == "document"
    assert document.filename == "bao-cao-ke-hoach-2024-ngay-05-04-2024.xlsx"
    workbook = load_workbook(io.BytesIO(document.data))
    # Issue 20: the seeded plan has collective tasks, whose parts get a sheet of their own.
    assert workbook.sheetnames == ["Kế hoạch 2024", "Tổng hợp", "Phần việc các cơ quan"]


async def _workbook(database: Database, today: date) -> bytes:
    async with database.transaction() as session:
        plan = await records.current_plan(session, today.year)
        assert plan is not None
        report = await plan_report(session, plan, today=today, zone=ZONE)
        return build_workbook(report, plan_title=plan.title, zone=ZONE)


async def test_the_workbook_has_the_annex_layout(office: tuple[Chat, FrozenClock, str]) -> None:
    chat, _, _ = office
    workbook = load_workbook(io.BytesIO(await _workbook(chat.database, date(2024, 4, 5))))
    sheet = workbook["Kế hoạch 2024"]
    assert sheet[f"A{HEADER_ROW - 2}"].value == (
        "Kế hoạch công tác của Ban Chỉ đạo cải cách hành chính tỉnh Nghệ An năm 2024"
    )
    above = str(sheet[f"A{HEADER_ROW - 1}"].value)
    assert "02/KH-BCĐ" in above and "05/04/2024" in above
    headers = [c.value for c in sheet[HEADER_ROW]]
    assert headers == list(texts.XLSX_HEADERS)
    assert headers[:3] == ["STT", "Nội dung thực hiện", "Chịu trách nhiệm chỉ đạo tiến độ"]
    # The annex's seven columns as the importer knows them: the export reads back as the same
    # plan (test_reimporting_the_same_year_changes_nothing_and_keeps_history below).
    assert sheet.freeze_panes == f"A{HEADER_ROW + 1}"
    rows = [
        r for r in sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True) if any(r[:7])
    ]  # the table (the signature block under it is in the status columns)
    assert len(rows) == 42 + 4
    sections = [r for r in rows if r[0] in ("I", "II", "III", "IV")]
    assert [r[1] for r in sections] == [
        "Công tác lãnh đạo, chỉ đạo, điều hành",
        "Nhiệm vụ về chuyển đổi số và cải cách hành chính Đảng",
        "Nhiệm vụ về cải cách thủ tục hành chính",
        "Nhiệm vụ cải cách tổ chức bộ máy và cải cách chế độ công vụ",
    ]
    assert sheet.cell(HEADER_ROW + 1, 1).font.bold
    first = rows[1]
    assert first[0] == "1" and first[1] == "Ban hành Kế hoạch công tác của Ban Chỉ đạo năm 2024"
    assert first[3] == "Sở Nội vụ" and first[5] == "Tháng 1/2024" and first[9] == 100
    assert first[8] == "Hoàn thành đúng hạn"  # the status cell holds the status alone
    assert str(first[7]).startswith("Kế hoạch số 02/KH-BCĐ")  # the document, beside Sản phẩm
    assert sheet.cell(HEADER_ROW + 2, 2).alignment.wrap_text
    # Rows are as tall as their wrapped text: neither Excel nor LibreOffice sizes them on open.
    heights = {
        str(sheet.cell(n, 2).value)[:20]: sheet.row_dimensions[n].height
        for n in range(HEADER_ROW + 1, sheet.max_row + 1)
    }
    assert heights["Công tác lãnh đạo, c"] == LINE_POINTS + 3  # section I: one line
    assert heights["Ban hành Đề án cải t"] >= 5 * LINE_POINTS  # I.6: long text, a flag
    setup = sheet.page_setup
    assert setup.orientation == "landscape" and str(setup.paperSize) == sheet.PAPERSIZE_A3
    assert setup.scale is not None and 12 * setup.scale / 100 >= 10  # printed at 10 pt or more
    assert sheet.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"
    assert sheet.column_dimensions["B"].width >= 40
    fills = {
        str(sheet.cell(n, 9).value).split("\n")[0]: sheet.cell(n, 9).fill.fgColor.rgb
        for n in range(HEADER_ROW + 1, sheet.max_row + 1)
        if sheet.cell(n, 1).value not in ("I", "II", "III", "IV")
    }
    assert fills["Quá hạn chưa hoàn thành"].endswith("FFCDD2")
    assert fills["Hoàn thành đúng hạn"].endswith("C8E6C9")
    iv4b = next(r for r in rows if r[0] == "4b")
    assert iv4b[1].startswith("Thực hiện phân cấp, ủy quyền")
    summary = workbook["Tổng hợp"]
    table = {r[0]: r[1:3] for r in summary.iter_rows(min_row=5, max_row=10, values_only=True)}
    assert table["Hoàn thành đúng hạn"] == (1, 2.4)
    assert table["Tổng số"] == (42, 100.0)


def _snapshot(tasks: list[Task]) -> list[tuple[object, ...]]:
    """What a plan says, independent of database ids; "Trong năm" (no year written) is read
    as 31/12 of the plan's year, so those dates are compared without their year."""
    return [
        (
            t.code,
            t.section.code,
            t.section.title,
            t.position,
            t.content,
            t.directors_printed,
            t.deadline_text,
            t.schedule,
            t.flag,
            t.product,
            t.note,
            tuple(
                (m.label, m.due_on.replace(year=2000) if relative else m.due_on)
                for m in t.milestones
                for relative in [not any(ch.isdigit() for ch in t.deadline_text or "")]
            ),
            tuple(
                sorted(
                    (a.role, a.position, a.member_id, a.agency_id, a.group_id)
                    for a in t.assignments
                )
            ),
        )
        for t in tasks
    ]


async def _plan_tasks(session: AsyncSession, plan_id: int) -> list[Task]:
    """The plan's tasks as ORM records with their relationships, in plan order."""
    found = await session.scalars(
        select(Task)
        .where(Task.plan_id == plan_id)
        .options(*records.task_options())
        .order_by(Task.position)
    )
    return list(found)


async def test_export_then_import_as_2025_gives_the_same_42_tasks(seeded: Database) -> None:
    data = await _workbook(seeded, date(2024, 7, 1))
    async with seeded.transaction(write=True) as session:
        imported = await import_workbook(
            session,
            data,
            year=2025,
            now=local("2025-01-02 08:00"),
            code="05/KH-BCĐ",
            allow_old_dates=True,
        )
    report = imported.report
    assert report.created["task"] == 42 and report.created["plan"] == 1
    # The 2024 dates let through are listed by row, I.5's "Quý I/2024" among them.
    assert any(
        "task I.5: completion time 'Quý I/2024' gives 31/03/2024, before the plan's year 2025" in w
        for w in imported.warnings
    ), imported.warnings
    async with seeded.transaction() as session:
        plans = {p.year: p for p in await session.scalars(select(Plan))}
        assert plans[2025].code == "05/KH-BCĐ"
        assert plans[2025].title.endswith("năm 2025")
        old, new = [await _plan_tasks(session, plans[year].id) for year in (2024, 2025)]
    assert len(new) == 42
    assert _snapshot(new) == _snapshot(old)
    in_the_year = [t for t in new if t.deadline_text == "Trong năm"]
    assert in_the_year and all(t.milestones[0].due_on == date(2025, 12, 31) for t in in_the_year)
    dated = next(t for t in new if t.code == "I.5")
    assert [m.due_on for m in dated.milestones] == [date(2024, 3, 31)]  # "Quý I/2024" as written


async def test_reimporting_the_same_year_changes_nothing_and_keeps_history(
    office: tuple[Chat, FrozenClock, str],
) -> None:
    chat, _, admin = office
    data = await _workbook(chat.database, date(2024, 4, 5))
    async with chat.database.transaction() as session:
        before = await session.scalar(select(func.count()).select_from(StatusChange))
    for _ in range(2):
        async with chat.database.transaction(write=True) as session:
            imported = await import_workbook(
                session, data, year=2024, now=local("2024-04-05 10:00")
            )
        assert not imported.warnings
        assert not imported.report.changed and not imported.report.kept_tasks
    async with chat.database.transaction() as session:
        after = await session.scalar(select(func.count()).select_from(StatusChange))
    assert after == before
    (still,) = await chat.say(admin, "/baocao")
    assert "• Hoàn thành đúng hạn: 1 (2,4%)" in still.text


async def test_an_edited_workbook_updates_the_plan_and_keeps_each_task_history(
    office: tuple[Chat, FrozenClock, str],
) -> None:
    chat, _, admin = office
    workbook = load_workbook(io.BytesIO(await _workbook(chat.database, date(2024, 4, 5))))
    sheet = workbook.active
    assert sheet is not None
    row = next(r for r in sheet.iter_rows(min_row=HEADER_ROW + 1) if r[0].value == "5")
    row[5].value = "Quý II/2024"  # the office moves I.5's plan date
    buffer = io.BytesIO()
    workbook.save(buffer)
    async with chat.database.transaction(write=True) as session:
        report = await import_workbook(
            session, buffer.getvalue(), year=2024, now=local("2024-04-05 10:00")
        )
    assert report.report.updated["task"] == 1
    reply = await chat.text(admin, "/nhiemvu I.1")
    assert "Kế hoạch số 02/KH-BCĐ" in reply  # I.1's history is still there


def _broken(edit: dict[tuple[int, int], object]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Kế hoạch thử"])
    sheet.append(["Kế hoạch 09/KH-BCĐ năm 2025"])
    sheet.append(list(texts.XLSX_HEADERS))
    sheet.append(["I", "Mục một"])
    sheet.append(["1", "Nhiệm vụ tốt", "Đ/c Lê Hồng Vinh", "Sở Nội vụ", "", "Quý I/2025", ""])
    sheet.append(["2", "Nhiệm vụ hai", "", "Sở Nội vụ", "", "Tháng 3/2025", ""])
    for (row, column), value in edit.items():
        sheet.cell(row, column).value = value  # type: ignore[assignment]
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("edit", "error"),
    [
        ({(6, 4): "Sở Không Có"}, "sheet 'Sheet', row 6: unknown agency 'Sở Không Có'"),
        ({(5, 3): "Đ/c Người Lạ"}, "sheet 'Sheet', row 5: unknown director 'Đ/c Người Lạ'"),
        ({(6, 1): "1"}, "sheet 'Sheet', row 6: task I.1 repeats row 5"),
        ({(6, 1): "ba"}, "sheet 'Sheet', row 6: STT 'ba' is neither a section"),
        ({(6, 2): None}, "sheet 'Sheet', row 6: task I.2 has no content"),
        ({(4, 1): None, (4, 2): None}, "sheet 'Sheet', row 5: task 1 comes before any section"),
    ],
    ids=["agency", "director", "duplicate", "stt", "content", "no-section"],
)
async def test_import_errors_name_sheet_and_row_and_write_nothing(
    seeded: Database, edit: dict[tuple[int, int], object], error: str
) -> None:
    data = _broken(edit)
    with pytest.raises(ImportFailed) as failure:
        async with seeded.transaction(write=True) as session:
            await import_workbook(session, data, year=2025, now=local("2025-01-02 08:00"))
    assert any(e.startswith(error) for e in failure.value.errors), failure.value.errors
    async with seeded.transaction() as session:
        assert await session.scalar(select(func.count()).select_from(Plan)) == 1


def _with_tasks(count: int) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Kế hoạch")
    sheet.append(["Kế hoạch thử"])
    sheet.append(["Kế hoạch 09/KH-BCĐ năm 2025"])
    sheet.append(list(texts.XLSX_HEADERS))
    sheet.append(["I", "Mục một"])
    for number in range(1, count):
        sheet.append([str(number), f"Nhiệm vụ {number}", "", "Sở Nội vụ", "", "Quý I/2025", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


async def test_a_workbook_over_the_row_cap_is_refused_and_writes_nothing(
    seeded: Database,
) -> None:
    """At most MAX_ROWS filled rows (the section's included) are read; one more is refused
    before anything is checked or written."""
    assert len(read_sheet(_with_tasks(MAX_ROWS)).rows) == MAX_ROWS
    with pytest.raises(ImportFailed) as failure:
        async with seeded.transaction(write=True) as session:
            await import_workbook(
                session, _with_tasks(MAX_ROWS + 1), year=2025, now=local("2025-01-02 08:00")
            )
    assert failure.value.errors == [f"sheet 'Kế hoạch': more than {MAX_ROWS} rows"]
    async with seeded.transaction() as session:
        assert await session.scalar(select(func.count()).select_from(Plan)) == 1


async def test_a_good_new_workbook_imports_and_a_non_workbook_is_refused(
    seeded: Database,
) -> None:
    with pytest.raises(ImportFailed, match=r"not a readable plan workbook: not an \.xlsx"):
        async with seeded.transaction(write=True) as session:
            await import_workbook(session, b"not a zip", year=2025, now=local("2025-01-02 08:00"))
    async with seeded.transaction(write=True) as session:
        imported = await import_workbook(session, _broken({}), year=2025, now=local("2025-01-02"))
    assert imported.report.created["task"] == 2 and not imported.warnings
    async with seeded.transaction() as session:
        plan = await session.scalar(select(Plan).where(Plan.year == 2025))
        assert plan is not None and plan.code == "09/KH-BCĐ"
        task = await records.task_by_code(session, plan.id, "I.1")
        assert task is not None
        assert [m.due_on for m in task.milestones] == [date(2025, 3, 31)]
        assert [a.member.key for a in task.assignments if a.member] == ["le-hong-vinh"]


def test_line_count_estimates_wrapped_lines() -> None:
    assert line_count("", 10) == 1
    assert line_count("a" * 11, 10) == 1 and line_count("a" * 12, 10) == 2
    assert line_count("một\nhai\nba", 30) == 3


def test_chart_colours_tell_late_from_on_time_and_their_counts_are_legible() -> None:
    from reports.chart import COLOURS, MIN_CONTRAST, contrast, text_colour

    on_time, late = COLOURS[Category.DONE_ON_TIME], COLOURS[Category.DONE_LATE]
    red, green, _ = (int(late[i : i + 2], 16) for i in (1, 3, 5))
    assert red > green  # amber, not a shade of the on-time green
    assert contrast(on_time, late) >= 2  # told apart in greyscale too
    for category, colour in COLOURS.items():
        assert contrast(text_colour(colour), colour) >= MIN_CONTRAST, category
    assert contrast("#ffffff", "#000000") == pytest.approx(21)
    assert text_colour("#ffb74d") == "#000000" and text_colour("#1565c0") == "#ffffff"


async def test_importing_last_years_workbook_lists_old_dates_by_row_and_writes_nothing(
    seeded: Database,
) -> None:
    """Issue 20, item 4: the 2024 export brought in as 2025 without flags is refused, every
    2024 date named by its row, and the 2024 plan's number is never taken for 2025."""
    data = await _workbook(seeded, date(2024, 7, 1))
    with pytest.raises(ImportFailed) as no_code:
        async with seeded.transaction(write=True) as session:
            await import_workbook(session, data, year=2025, now=local("2025-01-02 08:00"))
    line = no_code.value.errors[0]  # then the rows' dates: every problem at once
    assert "names plan 02/KH-BCĐ of 2024, not of 2025" in line and "pass --code" in line
    assert any("task I.5:" in e for e in no_code.value.errors[1:])
    with pytest.raises(ImportFailed) as old_dates:
        async with seeded.transaction(write=True) as session:
            await import_workbook(
                session, data, year=2025, now=local("2025-01-02 08:00"), code="05/KH-BCĐ"
            )
    errors = old_dates.value.errors
    row = next(e for e in errors if "task I.5:" in e)
    assert re.match(
        r"^sheet 'Kế hoạch 2024', row \d+: task I\.5: completion time 'Quý I/2024' "
        r"gives 31/03/2024, before the plan's year 2025$",
        row,
    ), row
    assert errors[-1].endswith("pass --allow-old-dates to import them as they are")
    assert not any("'Trong năm'" in e for e in errors)  # read in the plan's own year
    async with seeded.transaction() as session:
        assert await session.scalar(select(func.count()).select_from(Plan)) == 1


async def test_an_unreadable_date_is_refused_unless_allowed_then_flagged(
    seeded: Database,
) -> None:
    data = _broken({(6, 6): "khi có hướng dẫn"})
    with pytest.raises(ImportFailed) as failure:
        async with seeded.transaction(write=True) as session:
            await import_workbook(session, data, year=2025, now=local("2025-01-02 08:00"))
    assert failure.value.errors[0] == (
        "sheet 'Sheet', row 6: task I.2: completion time 'khi có hướng dẫn' has no readable date"
    )
    async with seeded.transaction(write=True) as session:
        imported = await import_workbook(
            session, data, year=2025, now=local("2025-01-02 08:00"), allow_old_dates=True
        )
    assert imported.warnings == (failure.value.errors[0],)
    async with seeded.transaction() as session:
        plan = await session.scalar(select(Plan).where(Plan.year == 2025))
        assert plan is not None
        task = await records.task_by_code(session, plan.id, "I.2")
        assert task is not None and not task.milestones
        assert task.flag is not None and "khi có hướng dẫn" in task.flag


async def test_a_workbook_of_another_year_needs_code_and_one_of_the_year_gives_its_own(
    seeded: Database,
) -> None:
    with pytest.raises(ImportFailed, match="names plan 09/KH-BCĐ of 2025, not of 2026"):
        async with seeded.transaction(write=True) as session:
            await import_workbook(
                session, _broken({}), year=2026, now=local("2026-01-02"), allow_old_dates=True
            )
    no_number = _broken({(2, 1): "Kế hoạch của Ban Chỉ đạo"})
    with pytest.raises(ImportFailed, match="row 2 names no plan number; pass --code"):
        async with seeded.transaction(write=True) as session:
            await import_workbook(session, no_number, year=2025, now=local("2025-01-02"))
    async with seeded.transaction(write=True) as session:
        imported = await import_workbook(
            session, no_number, year=2025, now=local("2025-01-02"), code="07/KH-BCĐ"
        )
    assert imported.report.created["plan"] == 1
