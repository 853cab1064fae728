"""The Excel report in the annex's own layout, plus a summary sheet (openpyxl).

Sheet 1 (the plan): a title row, the plan's number and the report day, the header row (frozen),
then each section's row (Roman numeral, bold) followed by its tasks. The annex's seven columns
come first, then what the bot knows: status, progress, last update, notes. Status cells are
coloured by category. ``reports.workbook_reader`` reads the same layout back.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from chat import texts
from chat.views import part_evidence
from domain.classify import CATEGORY_ORDER, Category, percentages
from domain.status import Status
from reports import print_layout
from reports.model import Breakdown, Report, Row

# Sized for A3 landscape at 12 pt printed at 10 pt or more (reports.print_layout).
WIDTHS = (5, 40, 25, 21, 25, 13, 19, 20, 22, 8, 12, 20)
STATUS_COLUMN = 9
SUMMARY_WIDTHS = (44, 13, 13, 13, 13, 13, 11)
HEADER_ROW = 3 + print_layout.LETTERHEAD_ROWS
LINE_POINTS = 17  # a line of 12-point Times New Roman, with room for a wider wrap
FILLS = {
    Category.DONE_ON_TIME: "C8E6C9",
    Category.DONE_LATE: "FFE0B2",  # amber: done, but late (not the on-time green)
    Category.ON_TRACK: "BBDEFB",
    Category.OVERDUE: "FFCDD2",
    Category.NO_DEADLINE: "EEEEEE",
}
_THIN = Side(style="thin", color="999999")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top")
_CENTER = Alignment(wrap_text=True, vertical="center", horizontal="center")


def directors_cell(row: Row) -> str:
    """The plan's wording when it still stands, else the names of who directs the task."""
    return row.view.directors_printed or "; ".join(row.view.directors)


def notes_cell(row: Row) -> str:
    parts = [row.view.note or ""]
    if row.view.flag:
        parts.append(texts.XLSX_FLAG_PREFIX + row.view.flag)
    return "\n".join(p for p in parts if p)


def status_cell(row: Row) -> str:
    view, verdict = row.view, row.verdict
    lines = [texts.CATEGORY[verdict.category]]
    if view.collective:  # one line per task: how many of its agencies are done
        lines.append(texts.PARTS_DONE.format(done=view.parts_done, total=len(view.parts)))
    status = view.state.status
    if status != Status.DONE:
        lines.append(texts.STATUS[status] + texts.percent(view.state.progress))
    if verdict.category == Category.OVERDUE:
        lines.append(texts.XLSX_STATUS_DETAIL_LATE.format(days=verdict.days_late))
    if verdict.extended_due and verdict.original_due:
        lines.append(
            texts.XLSX_STATUS_DETAIL_EXTENDED.format(
                new=texts.day(verdict.extended_due), old=texts.day(verdict.original_due)
            )
        )
    if view.state.awaiting_confirmation:
        lines.append(texts.STATUS_AWAITING)
    lines += [
        texts.XLSX_STATUS_DETAIL_PENDING.format(day=texts.day(p.new_due), number=p.number)
        for p in row.pending
    ]
    return "\n".join(lines)


def evidence_cell(row: Row) -> str:
    """The document or result that shows the task done, and the day it was done."""
    view = row.view
    lines = [view.evidence] if view.evidence else []
    if view.state.status == Status.DONE and view.state.done_on:
        lines.append(texts.DETAIL_COMPLETED_ON.format(day=texts.day(view.state.done_on)))
    return "\n".join(lines)


def line_count(text: str, width: float) -> int:
    """How many lines ``text`` wraps to in a column ``width`` characters wide (an estimate:
    neither Excel nor LibreOffice sizes rows of a generated file by itself)."""
    chars = max(int(width * 1.1), 1)
    return sum(max(1, math.ceil(len(line) / chars)) for line in text.split("\n"))


def _row(
    sheet: Worksheet,
    values: Sequence[object],
    *,
    bold: bool = False,
    widths: Sequence[float] = WIDTHS,
) -> int:
    sheet.append(list(values))
    number = sheet.max_row
    lines = 1
    for index, cell in enumerate(sheet[number]):
        cell.alignment = _WRAP
        cell.border = _BORDER
        if bold:
            cell.font = Font(bold=True)
        if isinstance(cell.value, str) and index < len(widths):
            lines = max(lines, line_count(cell.value, widths[index]))
    sheet.row_dimensions[number].height = LINE_POINTS * lines + 3
    return number


def _plan_sheet(sheet: Worksheet, report: Report, plan_title: str, zone: ZoneInfo) -> None:
    sheet.title = texts.XLSX_SHEET_PLAN.format(year=report.plan_year)
    print_layout.letterhead(sheet, report.today, left=(1, 3), right=(8, 12))
    sheet.append([plan_title])
    sheet.append(
        [
            texts.XLSX_TITLE.format(code=report.plan_code, year=report.plan_year)
            + " · "
            + texts.XLSX_AS_OF.format(today=texts.day(report.today))
        ]
    )
    last = get_column_letter(len(texts.XLSX_HEADERS))
    for number in (HEADER_ROW - 2, HEADER_ROW - 1):
        sheet.merge_cells(f"A{number}:{last}{number}")
        sheet[f"A{number}"].font = Font(bold=True, size=14 if number == HEADER_ROW - 2 else 13)
        sheet[f"A{number}"].alignment = Alignment(horizontal="center", wrap_text=True)
        sheet.row_dimensions[number].height = 22
    header = _row(sheet, texts.XLSX_HEADERS, bold=True)
    for cell in sheet[header]:
        cell.alignment = _CENTER
        cell.fill = PatternFill("solid", fgColor="D9E2F3")
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    for index, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    section = None
    for row in report.rows:
        view = row.view
        if view.section_code != section:
            section = view.section_code
            number = _row(sheet, [section, view.section_title], bold=True)
            for cell in sheet[number]:
                cell.fill = PatternFill("solid", fgColor="F2F2F2")
        updated = view.state.updated_at
        progress = 100 if view.state.status == Status.DONE else view.state.progress
        number = _row(
            sheet,
            [
                view.code.split(".", 1)[1],
                view.content,
                directors_cell(row),
                "; ".join(view.lead),
                "; ".join(view.coordinating),
                view.deadline_text or "",
                view.product or "",
                evidence_cell(row),
                status_cell(row),
                progress,
                updated.astimezone(zone).strftime("%d/%m/%Y %H:%M") if updated else "",
                notes_cell(row),
            ],
        )
        sheet.cell(number, 1).alignment = _CENTER
        sheet.cell(number, STATUS_COLUMN).fill = PatternFill(
            "solid", fgColor=FILLS[row.verdict.category]
        )
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{last}{sheet.max_row}"
    print_layout.sign_off(sheet, columns=(8, 12))
    print_layout.typeset(sheet)
    print_layout.print_plan(sheet, header_row=HEADER_ROW, widths=WIDTHS)


def _table(sheet: Worksheet, title: str, breakdowns: Sequence[Breakdown]) -> None:
    sheet.append([])
    sheet.append([title])
    sheet.cell(sheet.max_row, 1).font = Font(bold=True)
    header = ["", *(texts.CATEGORY[c] for c in CATEGORY_ORDER), texts.XLSX_SUMMARY_TOTAL]
    _row(sheet, header, bold=True, widths=SUMMARY_WIDTHS)
    for b in breakdowns:
        _row(
            sheet,
            [b.label, *(b.counts[c] for c in CATEGORY_ORDER), b.total],
            widths=SUMMARY_WIDTHS,
        )


def _summary_sheet(sheet: Worksheet, report: Report) -> None:
    sheet.append([texts.XLSX_TITLE.format(code=report.plan_code, year=report.plan_year)])
    sheet.append([texts.XLSX_AS_OF.format(today=texts.day(report.today))])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([])
    _row(sheet, texts.XLSX_SUMMARY_HEADERS, bold=True, widths=SUMMARY_WIDTHS)
    shares = percentages(report.totals)
    for category in CATEGORY_ORDER:
        values = [texts.CATEGORY[category], report.totals[category], round(shares[category], 1)]
        number = _row(sheet, values, widths=SUMMARY_WIDTHS)
        sheet.cell(number, 1).fill = PatternFill("solid", fgColor=FILLS[category])
    total = [texts.XLSX_SUMMARY_TOTAL, len(report.rows), 100.0 if report.rows else 0.0]
    _row(sheet, total, bold=True, widths=SUMMARY_WIDTHS)
    if report.awaiting:  # counted apart: not done until the office confirms
        _row(sheet, [texts.XLSX_SUMMARY_AWAITING, len(report.awaiting)], widths=SUMMARY_WIDTHS)
    _table(sheet, texts.REPORT_BY_SECTION, report.by_section)
    _table(sheet, texts.REPORT_BY_DIRECTOR, report.by_director)
    _table(sheet, texts.REPORT_BY_LEAD, report.by_lead)
    sheet.append([])
    sheet.append([texts.XLSX_UNACKNOWLEDGED])
    sheet.cell(sheet.max_row, 1).font = Font(bold=True)
    _row(sheet, texts.XLSX_UNACKNOWLEDGED_HEADERS, bold=True, widths=SUMMARY_WIDTHS)
    for agency, count in report.unacknowledged:
        _row(sheet, [agency, count], widths=SUMMARY_WIDTHS)
    unacknowledged = sum(count for _, count in report.unacknowledged)
    _row(sheet, [texts.XLSX_SUMMARY_TOTAL, unacknowledged], bold=True, widths=SUMMARY_WIDTHS)
    for index, width in enumerate(SUMMARY_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    print_layout.sign_off(sheet, columns=(4, 7))
    print_layout.typeset(sheet)
    print_layout.print_summary(sheet, columns=len(SUMMARY_WIDTHS))


PARTS_WIDTHS = (8, 50, 30, 18, 10, 14, 30)


def _parts_sheet(sheet: Worksheet, report: Report) -> None:
    """Every collective task's parts, one line per agency: its status, %, day and document."""
    header = _row(sheet, texts.XLSX_PARTS_HEADERS, bold=True, widths=PARTS_WIDTHS)
    for cell in sheet[header]:
        cell.alignment = _CENTER
        cell.fill = PatternFill("solid", fgColor="D9E2F3")
    sheet.freeze_panes = "A2"
    for row in report.rows:
        view = row.view
        for part in view.parts:
            state = part.state
            _row(
                sheet,
                [
                    view.code,
                    view.content,
                    part.name,
                    texts.STATUS[state.status],
                    100 if state.status == Status.DONE else state.progress,
                    texts.day(state.done_on) if state.done_on else "",
                    part_evidence(view, part.agency_id) or "",
                ],
                widths=PARTS_WIDTHS,
            )
    for index, width in enumerate(PARTS_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(PARTS_WIDTHS))}{sheet.max_row}"
    print_layout.typeset(sheet)
    print_layout.print_plan(sheet, header_row=1, widths=PARTS_WIDTHS)


def as_text(sheet: Worksheet) -> None:
    """Every string is written as text, never as a formula: openpyxl makes a formula of any
    string that starts with "=", and what people typed (a task, a note, an agency's name)
    must not run when an officer opens the report."""
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"


def build_workbook(report: Report, *, plan_title: str, zone: ZoneInfo) -> bytes:
    """The report as .xlsx bytes."""
    workbook = Workbook()
    plan_sheet = workbook.active
    assert plan_sheet is not None
    _plan_sheet(plan_sheet, report, plan_title, zone)
    _summary_sheet(workbook.create_sheet(texts.XLSX_SHEET_SUMMARY), report)
    if any(row.view.collective for row in report.rows):
        _parts_sheet(workbook.create_sheet(texts.XLSX_PARTS_SHEET), report)
    for sheet in workbook.worksheets:
        as_text(sheet)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
