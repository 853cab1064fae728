"""What people typed stays text in the Excel report (formula injection), and a workbook edited
in Excel (real date cells, merged cells, formulas) imports without silent loss."""

from __future__ import annotations

import io
import sqlite3
import subprocess
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select, update

from chat import texts
from db import records
from db.models import Plan, Task
from db.session import Database
from handlers.engine import Engine
from reports.import_plan import import_workbook
from reports.workbook import HEADER_ROW
from tests.conftest import ZONE, Chat, local
from tests.processes import environment, run_bot
from tests.reports.test_reports import _plan_tasks

ADMIN = "can-bo-van-phong"
LINK = '=HYPERLINK("http://evil.example/x","click")'
# What an officer can type in a chat, each a formula to Excel when written as one.
TYPED = {
    "product": LINK,
    "note": "=1+1",
    "content": '=HYPERLINK("http://evil.example/y","Báo cáo")',
    "agency": '=HYPERLINK("http://evil.example/z","Sở")',
}
# Written straight to the database: what an import or an older version could have stored.
STORED = {
    "I.6": "+1+cmd|' /C calc'!A0",
    "I.7": "-2+3",
    "I.8": "@SUM(1)",
    "I.9": "\t=1+1",
    "I.10": "\r=1+1",  # XML reads a carriage return back as a line feed
}


async def _office_with_typed_formulas(database: Database) -> tuple[Chat, str]:
    from domain.clock import FrozenClock

    chat = Chat(database, Engine(database, FrozenClock(local("2024-04-05 09:00")), ZONE))
    admin = await chat.add_member(ADMIN, "Cán bộ Văn phòng", agencies=("so-noi-vu",), admin=True)
    for command in (
        f"/suanv I.5 sanpham {TYPED['product']}",
        f"/suanv I.5 ghichu {TYPED['note']}",
        f"/themnv I | {TYPED['content']} | Quý II/2024",
        f"/themcq {TYPED['agency']}",
        f"/giao I.5 chutri {TYPED['agency']}",
    ):
        (reply,) = await chat.say(admin, command)
        assert "Đã" in reply.text, (command, reply.text)
    async with database.transaction(write=True) as session:
        plan = await records.current_plan(session, 2024)
        assert plan is not None
        for code, note in STORED.items():
            await session.execute(
                update(Task).where(Task.plan_id == plan.id, Task.code == code).values(note=note)
            )
    return chat, admin


async def test_typed_text_is_exported_as_text_and_imports_back_unchanged(
    seeded: Database,
) -> None:
    chat, admin = await _office_with_typed_formulas(seeded)
    (reply,) = await chat.say(admin, "/xuat")
    (document,) = reply.files
    workbook = load_workbook(io.BytesIO(document.data))
    cells = [c for sheet in workbook.worksheets for row in sheet.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"], "a live formula"
    strings = [c for c in cells if isinstance(c.value, str)]
    for typed in (*TYPED.values(), *STORED.values()):
        found = [c for c in strings if typed.replace("\r", "\n") in c.value]
        assert found, typed
        assert all(c.data_type == "s" for c in found), typed
    sheet = workbook.worksheets[0]
    row = next(r for r in sheet.iter_rows(min_row=HEADER_ROW + 1) if r[1].value == TYPED["content"])
    assert row[1].data_type == "s"
    i5 = next(r for r in sheet.iter_rows(min_row=HEADER_ROW + 1) if r[6].value == TYPED["product"])
    assert i5[len(texts.XLSX_HEADERS) - 1].value == TYPED["note"] and i5[3].value.endswith(
        TYPED["agency"]
    )

    async with seeded.transaction(write=True) as session:
        await import_workbook(
            session,
            document.data,
            year=2025,
            now=local("2025-01-02 08:00"),
            code="05/KH-BCĐ",
            allow_old_dates=True,
        )
    async with seeded.transaction() as session:
        plans = {p.year: p for p in await session.scalars(select(Plan))}
        old = {t.code: t for t in await _plan_tasks(session, plans[2024].id)}
        new = {t.code: t for t in await _plan_tasks(session, plans[2025].id)}
        assert set(new) == set(old)
        for code, task in old.items():
            again = new[code]
            assert (again.content, again.product) == (task.content, task.product), code
            assert (again.note or "").strip() == (task.note or "").strip(), code
            assert sorted(a.agency_id or 0 for a in again.assignments) == sorted(
                a.agency_id or 0 for a in task.assignments
            ), code
    assert new["I.15"].content == TYPED["content"]
    assert new["I.5"].product == TYPED["product"] and new["I.5"].note == TYPED["note"]


# --- an edited workbook, through the command line -------------------------------------------


def bot(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return run_bot(tmp_path, *args, env=environment(tmp_path / "cli.db", **env), timeout=120)


def _tasks(database: Path, year: int) -> dict[str, sqlite3.Row]:
    with sqlite3.connect(database) as connection:
        connection.row_factory = sqlite3.Row
        rows = connection.execute(
            "SELECT t.* FROM tasks t JOIN plans p ON p.id = t.plan_id WHERE p.year = ?", (year,)
        ).fetchall()
        return {r["code"]: r for r in rows}


def _query(database: Path, sql: str, *args: object) -> list[tuple[object, ...]]:
    with sqlite3.connect(database) as connection:
        return connection.execute(sql, args).fetchall()


@pytest.mark.sqlite_only
def test_an_excel_edited_workbook_imports_its_dates_and_merged_cells(tmp_path: Path) -> None:
    assert bot(tmp_path, "seed").returncode == 0
    exported = bot(tmp_path, "export", "--xlsx", "plan.xlsx", BOT_NOW="2024-07-01T09:00+07:00")
    assert exported.returncode == 0, exported.stderr
    workbook = load_workbook(tmp_path / "plan.xlsx")
    sheet = workbook.worksheets[0]
    rows = {r[0].row: r for r in sheet.iter_rows(min_row=HEADER_ROW + 1)}
    number = {f"I.{r[0].value}": n for n, r in rows.items() if n < 20 and r[0].value != "I"}
    i5 = rows[number["I.5"]]
    i5[5].value = datetime(2025, 1, 31)  # a real Excel date, as Excel stores a typed date
    i5[5].number_format = "dd/mm/yyyy"
    first = number["I.1"]
    director, lead = rows[first][2].value, rows[first][3].value
    assert director and lead
    for column in ("C", "D"):  # director and lead agency of I.1-I.3, merged as people do
        sheet.merge_cells(f"{column}{first}:{column}{first + 2}")
    workbook.save(tmp_path / "edited.xlsx")

    imported = bot(
        tmp_path,
        "import",
        "edited.xlsx",
        "--plan",
        "2025",
        "--code",
        "05/KH-BCĐ",
        "--allow-old-dates",
    )
    assert imported.returncode == 0, imported.stderr
    database = tmp_path / "cli.db"
    tasks = _tasks(database, 2025)
    assert tasks["I.5"]["deadline_text"] == "31/01/2025"
    dues = _query(database, "SELECT due_on FROM milestones WHERE task_id = ?", tasks["I.5"]["id"])
    assert dues == [(date(2025, 1, 31).isoformat(),)]
    for code in ("I.1", "I.2", "I.3"):
        assert tasks[code]["directors_printed"] == director, code
        leads = _query(
            database,
            "SELECT a.name FROM assignments s JOIN agencies a ON a.id = s.agency_id"
            " WHERE s.task_id = ? AND s.role = 'lead'",
            tasks[code]["id"],
        )
        assert leads == [(lead,)], code
        directors = _query(
            database,
            "SELECT count(*) FROM assignments WHERE task_id = ? AND role = 'director'",
            tasks[code]["id"],
        )
        assert directors[0][0] >= 1, code


@pytest.mark.sqlite_only
def test_a_formula_without_a_saved_value_is_named_not_read_as_empty(tmp_path: Path) -> None:
    assert bot(tmp_path, "seed").returncode == 0
    assert bot(tmp_path, "export", "--xlsx", "plan.xlsx").returncode == 0
    workbook = load_workbook(tmp_path / "plan.xlsx")
    sheet = workbook.worksheets[0]
    row = next(r for r in sheet.iter_rows(min_row=HEADER_ROW + 1) if r[0].value == "5")
    row[1].value = '=CONCATENATE("Tổ chức ", "hội nghị")'  # openpyxl saves no value for it
    workbook.save(tmp_path / "formula.xlsx")
    failed = bot(
        tmp_path,
        "import",
        "formula.xlsx",
        "--plan",
        "2025",
        "--code",
        "05/KH-BCĐ",
        "--allow-old-dates",
    )
    assert failed.returncode == 1
    assert f"row {row[1].row}" in failed.stderr and "B" + str(row[1].row) in failed.stderr
    assert "formula" in failed.stderr and "no saved value" in failed.stderr
    assert "has no content" not in failed.stderr
    assert _query(tmp_path / "cli.db", "SELECT count(*) FROM plans") == [(1,)]
