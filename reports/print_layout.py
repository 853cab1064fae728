"""The workbook as a document to send up (Nghị định 30/2020/NĐ-CP): Times New Roman, the
administrative header block and the place-and-date line above the table, a signature block
below it, page numbers in the footer, and a print set-up per sheet: the plan on A3 landscape
at a fixed scale that keeps its text at 10 pt or more, with the header row repeated on every
page; the summary on one A4 page.

Layout only: ``reports.workbook`` writes the cells and calls these."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date

from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from chat import texts

FONT = "Times New Roman"
BODY_POINTS = 12  # the table's text; printed at PLAN_SCALE percent
TITLE_POINTS = 13
MIN_PRINTED_POINTS = 10
LETTERHEAD_ROWS = 3  # issuer | national motto (two lines), then the place and date
SIGNATURE_GAP = 4  # empty rows left for the signature and seal
# A3 landscape: 420 mm wide; 0.4 inch margins either side.
A3_PRINTABLE_INCHES = 420 / 25.4 - 0.8
# Column widths are in the default font's digits: 7 pixels each, plus 5 of padding, at 96 dpi.
DIGIT_PIXELS = 7
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


def date_line(day: date) -> str:
    """ "Nghệ An, ngày 05 tháng 4 năm 2024": a day below 10 and the months 1 and 2 take a
    leading zero (Nghị định 30/2020/NĐ-CP, Phụ lục I)."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return texts.XLSX_DATE_LINE.format(day=f"{day.day:02d}", month=month, year=day.year)


def _merged(sheet: Worksheet, row: int, first: int, last: int, value: str, font: Font) -> None:
    sheet.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)
    cell = sheet.cell(row, first, value)
    cell.font = font
    cell.alignment = _CENTER


def letterhead(
    sheet: Worksheet, day: date, *, left: tuple[int, int], right: tuple[int, int]
) -> None:
    """The header block on the sheet's first rows: the issuing body on the left, the national
    name and motto on the right, the place and date under them. Call on an empty sheet."""
    assert sheet.max_row == 1 and sheet["A1"].value is None, "the letterhead comes first"
    _merged(sheet, 1, *left, texts.XLSX_GOVERNING_BODY, Font(name=FONT, size=TITLE_POINTS))
    _merged(sheet, 2, *left, texts.XLSX_ISSUER, Font(name=FONT, size=TITLE_POINTS, bold=True))
    _merged(sheet, 1, *right, texts.XLSX_NATION, Font(name=FONT, size=TITLE_POINTS, bold=True))
    _merged(sheet, 2, *right, texts.XLSX_MOTTO, Font(name=FONT, size=TITLE_POINTS, bold=True))
    _merged(sheet, 3, *right, date_line(day), Font(name=FONT, size=TITLE_POINTS, italic=True))
    for row in range(1, LETTERHEAD_ROWS + 1):
        sheet.row_dimensions[row].height = 20


def sign_off(sheet: Worksheet, *, columns: tuple[int, int]) -> None:
    """The signature block under the last row, within ``columns`` (first, last)."""
    row = sheet.max_row + 2
    _merged(
        sheet, row, *columns, texts.XLSX_SIGN_FOR, Font(name=FONT, size=TITLE_POINTS, bold=True)
    )
    _merged(
        sheet, row + 1, *columns, texts.XLSX_SIGNER, Font(name=FONT, size=TITLE_POINTS, bold=True)
    )
    _merged(
        sheet,
        row + 2,
        *columns,
        texts.XLSX_SIGN_HINT,
        Font(name=FONT, size=BODY_POINTS, italic=True),
    )
    for gap in range(SIGNATURE_GAP):
        sheet.row_dimensions[row + 3 + gap].height = 18


def typeset(sheet: Worksheet, points: int = BODY_POINTS) -> None:
    """Every cell in Times New Roman, at ``points`` unless it was set larger (titles)."""
    for row in sheet.iter_rows():
        for cell in row:
            old = cell.font
            size = old.sz if old.sz and old.sz > 11 else points
            cell.font = Font(
                name=FONT, size=size, bold=old.b, italic=old.i, color=old.color, underline=old.u
            )


def _footer(sheet: Worksheet) -> None:
    footer = sheet.oddFooter
    assert footer is not None  # openpyxl gives every sheet one
    footer.center.text = texts.XLSX_PAGE_FOOTER
    footer.center.font = FONT
    footer.center.size = 10


def table_inches(widths: Sequence[float]) -> float:
    return sum(w * DIGIT_PIXELS + 5 for w in widths) / 96


def plan_scale(widths: Sequence[float]) -> int:
    """The print scale (percent) at which the columns fill the A3 page's width."""
    return min(100, math.floor(100 * A3_PRINTABLE_INCHES / table_inches(widths)))


def print_plan(sheet: Worksheet, *, header_row: int, widths: Sequence[float]) -> None:
    """A3 landscape at a fixed scale (all columns on one page's width, rows on as many pages
    as it takes), the header row repeated on every page, page numbers."""
    scale = plan_scale(widths)
    assert BODY_POINTS * scale / 100 >= MIN_PRINTED_POINTS, "columns too wide for A3"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A3
    sheet.page_setup.scale = scale  # what fitting the width comes to, for readers that ask
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages down as it takes
    sheet.page_margins = PageMargins(left=0.4, right=0.4, top=0.5, bottom=0.6, footer=0.3)
    sheet.print_options.horizontalCentered = True
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.print_area = f"A1:{get_column_letter(len(widths))}{sheet.max_row}"
    _footer(sheet)


def print_summary(sheet: Worksheet, *, columns: int) -> None:
    """The summary on one A4 portrait page."""
    sheet.page_setup.orientation = "portrait"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 1
    sheet.page_margins = PageMargins(left=0.5, right=0.5, top=0.6, bottom=0.6, footer=0.3)
    sheet.print_options.horizontalCentered = True
    sheet.print_area = f"A1:{get_column_letter(columns)}{sheet.max_row}"
    _footer(sheet)
