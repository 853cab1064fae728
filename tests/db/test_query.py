"""``Query``: on SQLite's inline connection the hot reads run on the DB-API cursor, and must give
exactly the rows (and values, and errors) SQLAlchemy's own execution gives."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import date, datetime
from typing import Any

import pytest
from sqlalchemy import Connection, bindparam, column, event, select, table
from sqlalchemy.exc import OperationalError

from db import facts, identity
from db.identity import identify
from db.models import Milestone, StatusChange, Task
from db.query import Query, _compile
from db.session import Database, make_inline_engine
from tests.conftest import Chat

pytestmark = pytest.mark.sqlite_only  # the lean path is SQLite's (PostgreSQL: connection.execute)


async def _history(chat: Chat) -> str:
    """Changes (aware datetimes), an extension (dates) and a named author on the seeded plan."""
    vinh = await chat.link("le-hong-vinh")
    admin = await chat.add_member(
        "can-bo-van-phong", "Cán bộ Văn phòng", agencies=("so-noi-vu",), admin=True
    )
    for account, command in (
        (vinh, "/capnhat I.5 đang thực hiện 40% đã họp triển khai"),
        (vinh, "/capnhat I.5 ghi chú chờ ý kiến các sở"),
        (admin, "/giahan I.5 31/12/2024 chờ số liệu"),
    ):
        assert (await chat.text(account, command)).startswith("Đã"), command
    return vinh


def _inline(database: Database) -> Connection:
    engine = make_inline_engine(database.url)
    assert engine is not None
    return engine.connect()


def _params(connection: Connection, account: str) -> dict[str, dict[str, Any]]:
    """Parameters that find rows, for every Query of ``db.facts`` and ``db.identity``."""
    found = identify(connection, "telegram", account, 2024)
    assert found is not None and found.plan is not None
    who = found.who
    ids = [
        row[0] for row in connection.execute(select(Task.id).where(Task.plan_id == found.plan.id))
    ]
    return {
        "_SENDER": {"channel": "telegram", "external_id": account, "year": 2024},
        "_PLAN": {"chosen_year": None, "year": 2024},
        "_REACH": {"member_id": who.member_id},
        "_MINE": {
            "member_id": who.member_id,
            "group_ids": sorted(who.group_ids),
            "agency_ids": sorted(who.agency_ids),
        },
        "_BY_ID": {"ids": ids},
        "_WHOLE_PLAN": {"plan_id": found.plan.id},
        "_MILESTONES": {"ids": ids},
        "_SEATS": {"ids": ids},
        "_CHANGES": {"ids": ids},
        "_BARE_CHANGES": {"ids": ids},
    }


def _queries() -> dict[str, Query]:
    return {
        name: value
        for module in (facts, identity)
        for name, value in vars(module).items()
        if isinstance(value, Query)
    }


async def test_every_query_gives_the_rows_sqlalchemy_gives(chat: Chat, seeded: Database) -> None:
    account = await _history(chat)
    connection = _inline(seeded)
    try:
        params = _params(connection, account)
        queries = _queries()
        assert set(queries) == set(params)  # a new Query gets a case here
        for name, query in queries.items():
            lean = query.all(connection, params[name])
            full = [tuple(row) for row in connection.execute(query.statement, params[name])]
            assert lean, name  # rows to compare
            assert [tuple(row) for row in lean] == full, name
            # and of the same types: SQLite stores dates and instants as text
            for lean_row, full_row in zip(lean, full, strict=True):
                assert [type(v) for v in lean_row] == [type(v) for v in full_row], name
    finally:
        connection.close()


async def test_no_query_scans_a_table(chat: Chat, seeded: Database) -> None:
    """SQLite's plan for every hot read: indexes only. (The ids' ``json_each`` is the list
    itself; ``plans`` holds a row per year, read through its index for the fallback rule.)"""
    account = await _history(chat)
    connection = _inline(seeded)
    try:
        params = _params(connection, account)
        raw = connection.connection.dbapi_connection
        assert raw is not None
        for name, query in _queries().items():
            compiled = _compile(query.statement, connection.dialect)  # as Query runs it
            arguments = compiled.arguments(params[name])
            explained = raw.execute("EXPLAIN QUERY PLAN " + compiled.sql, arguments)
            plan = [row[3] for row in explained]
            scans = [
                step
                for step in plan
                if step.startswith("SCAN") and "json_each" not in step and " plans_" not in step
            ]
            assert scans == [], (name, plan)
    finally:
        connection.close()


async def test_values_come_back_as_python_values(chat: Chat, seeded: Database) -> None:
    account = await _history(chat)
    connection = _inline(seeded)
    try:
        params = _params(connection, account)
        sender = identity._SENDER.first(connection, params["_SENDER"])
        assert sender is not None and sender[2] in (True, False)  # is_admin: a bool, not 0/1
        changes = [r for r in facts._CHANGES.all(connection, params["_CHANGES"]) if r[-1]]
        at = changes[0][8]
        assert isinstance(at, datetime) and at.utcoffset() is not None  # aware, in UTC
        assert changes[0][-1] == "Lê Hồng Vinh"
        extended = [r for r in facts._MILESTONES.all(connection, params["_MILESTONES"]) if r[4]]
        assert extended and extended[0][4] == date(2024, 12, 31)
        covers = [r[3] for r in identity._REACH.all(connection, params["_REACH"]) if r[0] == "c"]
        assert covers and all(isinstance(c, list) for c in covers)  # JSON, decoded
    finally:
        connection.close()


async def test_the_inline_reads_skip_sqlalchemys_execution(chat: Chat, seeded: Database) -> None:
    account = await _history(chat)
    engine = make_inline_engine(seeded.url)
    assert engine is not None
    executed: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *a: executed.append(a[2]))
    with engine.connect() as connection:
        connection.exec_driver_sql("SELECT 1")
        executed.clear()
        found = identify(connection, "telegram", account, 2024)
        assert found is not None and found.plan is not None
        assert facts.reaching(connection, found.plan.id, found.who, lean=True)
    assert executed == []  # the DB-API cursor, not SQLAlchemy's execution


async def test_errors_are_sqlalchemys(seeded: Database) -> None:
    nowhere = Query(select(column("id")).select_from(table("nowhere")))
    connection = _inline(seeded)
    try:
        with pytest.raises(OperationalError, match="no such table"):
            nowhere.all(connection, {})
    finally:
        connection.close()


def test_expanding_lists_are_refused(tmp_path: Any) -> None:
    engine = make_inline_engine(f"sqlite+aiosqlite:///{tmp_path}/x.db")
    assert engine is not None
    query = Query(
        select(Milestone.id).where(Milestone.task_id.in_(bindparam("ids", expanding=True)))
    )
    with engine.connect() as connection, pytest.raises(ValueError, match="among"):
        query.all(connection, {"ids": [1]})


async def test_a_locked_file_still_sends_the_read_off_the_loop(
    chat: Chat, seeded: Database
) -> None:
    """The lean path raises SQLAlchemy's OperationalError for a locked file, so ``read`` runs it
    again through aiosqlite, as it does for any other read."""
    account = await chat.link("le-hong-vinh")
    await seeded.dispose()
    holder = sqlite3.connect(seeded.url.split(":///", 1)[1], isolation_level=None)
    holder.execute("PRAGMA locking_mode=EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    drivers: list[str] = []

    def who(connection: Connection) -> str | None:
        drivers.append(connection.dialect.driver)
        found = identify(connection, "telegram", account, 2024)
        return found.member.full_name if found else None

    task = asyncio.create_task(seeded.read(who))
    await asyncio.sleep(0.3)
    assert not task.done()
    holder.execute("ROLLBACK")
    holder.close()
    assert await task == "Lê Hồng Vinh"
    assert drivers == ["pysqlite", "aiosqlite"]  # the loop's connection, then aiosqlite's


async def test_a_status_change_row_is_read_lean(chat: Chat, seeded: Database) -> None:
    """A history row's fields in order, as ``ChangeFacts`` expects them."""
    await _history(chat)
    async with seeded.transaction() as session:
        task_id = await session.scalar(select(Task.id).where(Task.code == "I.5"))
        stored = (
            await session.scalars(select(StatusChange).where(StatusChange.task_id == task_id))
        ).all()
    assert task_id is not None
    connection = _inline(seeded)
    try:
        rows = facts._changes(connection, [task_id], authors=True)[task_id]
    finally:
        connection.close()
    assert [(r.kind, r.new_status, r.progress, r.at) for r in rows] == [
        (c.kind, c.new_status, c.progress, c.at) for c in stored
    ]
