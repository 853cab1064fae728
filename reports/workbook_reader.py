"""Read a plan back from a workbook in the annex's layout (the one ``reports.workbook`` writes).

The sheet with the annex header (STT, Nội dung thực hiện, …) is read from the row after it:
a row whose STT is a Roman numeral opens a section, a row whose STT is a number (with an
optional letter, "4b") is a task of that section. Directors, lead and coordinating agencies
are resolved against the people, role groups and agencies already in the database (names
compared without diacritics; agencies by name or alias); the completion time is read by the
same reader as the seed. The columns the bot computes (status, progress, last update) are
ignored: status comes from the history, never from a spreadsheet.

What Excel stores differently from the text the bot writes is read as a person sees it: a
date cell as its date (dd/mm/yyyy), a merged range's value in every row it covers; a formula
saved without its value is an error naming its cell. The workbook is untrusted:
``reports.xlsx_guard`` checks it before openpyxl parses it, and whatever fails is one error,
"not a readable plan workbook: …".

Every row is checked before anything is written; errors name the sheet and row. The result is
a ``SeedFile`` that ``db.seed.apply_seed`` loads idempotently, keeping every task's history.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from pydantic import ValidationError

from chat import texts
from db.seed_file import (
    AgencyIn,
    DirectorIn,
    GroupIn,
    MemberIn,
    MilestoneIn,
    PlanIn,
    SectionIn,
    SeedFile,
    TaskIn,
)
from domain.deadlines import Schedule, read_deadline
from domain.normalize import fold, shorten
from domain.people import Person, RoleGroup, resolve_directors
from reports.xlsx_guard import MAX_ROW, Shape, Unreadable, survey

_ROMAN = re.compile(r"^(?=[IVXLC])M*(C[MD]|D?C{0,3})(X[CL]|L?X{0,3})(I[XV]|V?I{0,3})$")
_NUMBER = re.compile(r"^\d{1,3}[a-z]?$")
_PLAN_CODE = re.compile(r"Kế hoạch\s+(\S+)\s+năm\s+(\d{4})", re.IGNORECASE)
MAX_ROWS = 5000
COLUMNS = 12  # STT … Sản phẩm, the document, then status, progress, last update (ignored), notes
UNREADABLE = "not a readable plan workbook: {reason}"
OLD_DATES_HINT = (
    "dates before the plan's year or unreadable: correct them in the workbook, "
    "or pass --allow-old-dates to import them as they are"
)


class ImportFailed(Exception):
    """The workbook cannot be imported; ``errors`` says where and why. Nothing was written."""

    def __init__(self, errors: Sequence[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = list(errors)


@dataclass(frozen=True)
class Cells:
    """One row of the plan sheet, as text."""

    row: int
    stt: str
    content: str
    directors: str
    lead: str
    coordinating: str
    deadline: str
    product: str
    notes: str


@dataclass(frozen=True)
class Sheet:
    name: str
    title: str  # row 1: the plan's title
    code: str | None  # the plan's number, read from row 2
    year: int | None  # the plan's year, read from row 2
    rows: tuple[Cells, ...]


@dataclass(frozen=True)
class Directory:
    """What rows may name: the people, role groups and agencies in the database."""

    members: tuple[MemberIn, ...]
    groups: tuple[GroupIn, ...]
    agencies: tuple[AgencyIn, ...]


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):  # a date typed in Excel: a date cell, not text
        value = value.date()
    if isinstance(value, date):
        return texts.day(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _header_row(sheet: Worksheet) -> int | None:
    wanted = [fold(h) for h in texts.XLSX_HEADERS[:7]]
    for number, row in enumerate(sheet.iter_rows(max_row=15, max_col=7, values_only=True), start=1):
        if [fold(_text(v)) for v in row[:7]] == wanted:
            return number
    return None


def _grid(sheet: Worksheet, header: int, shape: Shape) -> dict[int, list[object]]:
    """The plan's columns of every row below the header, each merged range's value given to
    every row it covers (Excel keeps it in the range's first cell only)."""
    grid: dict[int, list[object]] = {}
    for number, values in enumerate(
        sheet.iter_rows(min_row=header + 1, max_row=MAX_ROW, max_col=COLUMNS, values_only=True),
        start=header + 1,
    ):
        if any(v is not None for v in values):
            grid[number] = list((*values, *([None] * COLUMNS))[:COLUMNS])
    for low_col, low_row, _, high_row in shape.merged:
        if low_row <= header or low_row not in grid:
            continue
        value = grid[low_row][low_col - 1]
        for number in range(low_row + 1, high_row + 1):
            cells = grid.setdefault(number, [None] * COLUMNS)
            if cells[low_col - 1] is None:
                cells[low_col - 1] = value
    return dict(sorted(grid.items()))


def _unsaved_formulas(sheet: str, header: int, shape: Shape) -> list[str]:
    return [
        f"sheet '{sheet}', row {row}: cell {get_column_letter(column)}{row} is a formula"
        f" (={formula}) with no saved value; open the workbook in Excel or LibreOffice and"
        " save it, or type the value"
        for (row, column), formula in sorted(shape.unsaved_formulas.items())
        if row > header and (column <= 7 or column == COLUMNS)
    ]


def _read(data: bytes) -> Sheet:
    shapes = survey(data)
    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        return _plan_sheet(workbook.worksheets, shapes)
    finally:
        workbook.close()


def _plan_sheet(worksheets: Sequence[Worksheet], shapes: dict[str, Shape]) -> Sheet:
    for sheet in worksheets:
        if not hasattr(sheet, "iter_rows"):  # a chart sheet
            continue
        header = _header_row(sheet)
        if header is None:
            continue
        shape = shapes.get(sheet.title, Shape())
        errors = _unsaved_formulas(sheet.title, header, shape)
        if errors:
            raise ImportFailed(errors)
        # The plan's title and number: the two rows above the header (under any letterhead).
        above = (
            sheet.iter_rows(
                min_row=max(1, header - 2), max_row=header - 1, max_col=1, values_only=True
            )
            if header > 1
            else []
        )
        top = [_text(r[0] if r else None) for r in above]
        titles = next(
            sheet.iter_rows(min_row=header, max_row=header, max_col=COLUMNS, values_only=True)
        )
        folded_titles = [fold(_text(v)) for v in titles]
        notes_title = fold(texts.XLSX_HEADERS[-1])  # after a column added since, found by name
        notes = folded_titles.index(notes_title) if notes_title in folded_titles else 10
        code = _PLAN_CODE.search(top[1] if len(top) > 1 else "")
        rows: list[Cells] = []
        for number, values in _grid(sheet, header, shape).items():
            cells = [_text(v) for v in values]
            if not any(cells[:7]):
                continue
            if len(rows) >= MAX_ROWS:
                raise ImportFailed([f"sheet '{sheet.title}': more than {MAX_ROWS} rows"])
            stt, content, directors, lead, coordinating, deadline, product = cells[:7]
            rows.append(
                Cells(
                    number,
                    stt,
                    content,
                    directors,
                    lead,
                    coordinating,
                    deadline,
                    product,
                    cells[notes],
                )
            )
        return Sheet(
            sheet.title,
            top[0] if top else "",
            code[1] if code else None,
            int(code[2]) if code else None,
            tuple(rows),
        )
    raise ImportFailed(
        ["no sheet has the annex header (STT, Nội dung thực hiện, Chịu trách nhiệm chỉ đạo …)"]
    )


def read_sheet(data: bytes) -> Sheet:
    """Find the plan sheet and read its rows as text. A workbook that cannot be read safely
    (see ``reports.xlsx_guard``) or that openpyxl fails on gives one ``UNREADABLE`` error."""
    try:
        return _read(data)
    except ImportFailed:
        raise
    except Unreadable as exc:
        raise ImportFailed([UNREADABLE.format(reason=shorten(str(exc), 300))]) from exc
    except Exception as exc:  # untrusted input: whatever a malformed part makes openpyxl raise
        reason = f"{exc.__class__.__name__}: {exc}"
        raise ImportFailed([UNREADABLE.format(reason=shorten(reason, 300))]) from exc


def _agency_index(agencies: Sequence[AgencyIn]) -> dict[str, str]:
    index: dict[str, str] = {}
    for agency in agencies:
        for name in (agency.name, *agency.aliases):
            index.setdefault(fold(name), agency.key)
    return index


def _split(cell: str) -> list[str]:
    return [part.strip() for part in re.split(r"[;\n]", cell) if part.strip()]


def _notes(cell: str) -> tuple[str | None, str | None]:
    """Split the notes column into the note and the flag for the standing office."""
    note: list[str] = []
    flag: list[str] = []
    for line in cell.splitlines():
        target = flag if line.startswith(texts.XLSX_FLAG_PREFIX) else note
        target.append(line.removeprefix(texts.XLSX_FLAG_PREFIX))
    return ("\n".join(note).strip() or None, "\n".join(flag).strip() or None)


@dataclass(frozen=True)
class Built:
    """The plan a sheet describes, and the date problems let through by ``allow_old_dates``."""

    seed: SeedFile
    warnings: tuple[str, ...]


def date_problems(
    where: str, task_code: str, cell: str, dues: Sequence[date], year: int
) -> list[str]:
    """What is wrong with one row's completion time for plan ``year``: dates before the plan's
    year (a "Quý I/2024" left in the 2025 plan) and text with no readable date."""
    if cell and not dues:
        return [f"{where}: task {task_code}: completion time '{cell}' has no readable date"]
    return [
        f"{where}: task {task_code}: completion time '{cell}' gives {due:%d/%m/%Y}, "
        f"before the plan's year {year}"
        for due in dues
        if due.year < year
    ]


def build_seed(
    sheet: Sheet,
    directory: Directory,
    *,
    year: int,
    code: str,
    title: str,
    issued_on: object = None,
    allow_old_dates: bool = False,
) -> Built:
    """The plan the sheet describes, checked row by row. Dates before the plan's year and
    unreadable dates are errors unless ``allow_old_dates`` (then they are warnings)."""
    errors: list[str] = []
    dates: list[str] = []
    people = [Person(m.key, m.name) for m in directory.members]
    groups = [RoleGroup(g.key, g.name, tuple(g.aliases)) for g in directory.groups]
    agencies = _agency_index(directory.agencies)
    sections: list[SectionIn] = []
    tasks: list[TaskIn] = []
    seen: dict[str, int] = {}
    for cells in sheet.rows:
        where = f"sheet '{sheet.name}', row {cells.row}"
        stt = cells.stt.replace(" ", "")
        if _ROMAN.match(stt.upper()) and not _NUMBER.match(stt):
            if not cells.content:
                errors.append(f"{where}: section {stt} has no title")
            sections.append(SectionIn(code=stt.upper(), title=cells.content))
            continue
        if not _NUMBER.match(stt.lower()):
            errors.append(f"{where}: STT '{cells.stt}' is neither a section (I, II…) nor a number")
            continue
        if not sections:
            errors.append(f"{where}: task {stt} comes before any section row")
            continue
        section = sections[-1].code
        task_code = f"{section}.{stt.lower()}"
        if task_code in seen:
            errors.append(f"{where}: task {task_code} repeats row {seen[task_code]}")
            continue
        seen[task_code] = cells.row
        if not cells.content:
            errors.append(f"{where}: task {task_code} has no content")
            continue
        directors = resolve_directors(cells.directors, people, groups)
        errors += [f"{where}: unknown director '{name}'" for name in directors.unresolved]
        lead: list[str] = []
        coordinating: list[str] = []
        for target, cell in ((lead, cells.lead), (coordinating, cells.coordinating)):
            for name in _split(cell):
                key = agencies.get(fold(name))
                if key is None:
                    errors.append(f"{where}: unknown agency '{name}'")
                elif key not in target:
                    target.append(key)
        reading = read_deadline(cells.deadline or None, plan_year=year)
        if reading.schedule != Schedule.ROADMAP:
            dates += date_problems(
                where, task_code, cells.deadline, [d.due for d in reading.milestones], year
            )
        note, flag = _notes(cells.notes)
        if reading.problem is not None and flag is None and cells.deadline:
            flag = texts.IMPORT_FLAG_NO_DATE.format(text=cells.deadline)
        try:
            tasks.append(
                TaskIn(
                    code=task_code,
                    section=section,
                    number=stt.lower(),
                    content=cells.content,
                    directors_printed=cells.directors or None,
                    directors=[DirectorIn(member=k) for k in directors.members]
                    + [DirectorIn(group=k) for k in directors.groups],
                    lead_agencies=lead,
                    coordinating_agencies=coordinating,
                    deadline_text=cells.deadline or None,
                    milestones=[MilestoneIn(label=d.label, due=d.due) for d in reading.milestones],
                    schedule=reading.schedule,
                    flag=flag,
                    product=cells.product or None,
                    note=note,
                )
            )
        except ValidationError as exc:
            errors.append(f"{where}: {exc.errors()[0]['msg']}")
    if not tasks and not errors:
        errors.append(f"sheet '{sheet.name}': no task rows")
    if dates and not allow_old_dates:
        errors += [*dates, OLD_DATES_HINT]
    if errors:
        raise ImportFailed(errors)
    try:
        seed = SeedFile(
            plan=PlanIn.model_validate(
                {"year": year, "code": code, "title": title, "issued_on": issued_on}
            ),
            sections=sections,
            groups=list(directory.groups),
            agencies=list(directory.agencies),
            members=list(directory.members),
            tasks=tasks,
        )
    except ValidationError as exc:
        raise ImportFailed([f"sheet '{sheet.name}': {e['msg']}" for e in exc.errors()]) from exc
    return Built(seed, tuple(dates))
