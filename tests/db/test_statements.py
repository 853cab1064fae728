"""``Query``: the hot reads run on the driver's cursor (SQLite's on the loop's read connection,
asyncpg's on PostgreSQL's reader) and must give exactly the rows (and values, and errors)
SQLAlchemy's own execution gives. Each test runs its checks inside ``Database.read``, the way
the service runs the reads, so each pass (SQLite, PostgreSQL) tests its own lean path."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, TypeVar

import pytest
from sqlalchemy import Connection, bindparam, column, event, select, table
from sqlalchemy.exc import DBAPIError

from db import facts, identity
from db.identity import identify
from db.models import Milestone, StatusChange, Task
from db.session import Database, make_inline_engine
from db.statements import Query, _compile
from tests.conftest import POSTGRES_URL, Chat

T = TypeVar("T")


async def _history(chat: Chat) -> str:
    """Changes (aware datetimes), an extension (dates) and a named author on the seeded plan."""
    vinh = await chat.link("le-hong-vinh")
    admin = await chat.add_office_admin()
    await chat.all_accepted(
        (vinh, "/capnhat I.5 đang thực hiện 40% đã họp triển khai"),
        (vinh, "/capnhat I.5 ghi chú chờ ý kiến các sở"),
        (admin, "/giahan I.5 31/12/2024 chờ số liệu"),
    )
    return vinh


async def _read(database: Database, account: str, check: Callable[..., T]) -> T:
    """``check(connection, params)`` inside ``database.read``: on the lean path."""

    def run(connection: Connection) -> T:
        assert connection.dialect.driver in ("pysqlite", "asyncpg")  # what Query runs lean
        return check(connection, _params(connection, account))

    return await database.read(run)


def _params(connection: Connection, account: str) -> dict[str, dict[str, Any]]:
    """Parameters that find rows, for every Query of ``db.facts`` and ``db.identity``."""
    found = identify(connection, "telegram", account, 2024)
    assert found is not None and found.plan is not None
    who = found.who
    ids = [
        row[0] for row in connection.execute(select(Task.id).where(Task.plan_id == found.plan.id))
    ]
    return {
        "_IDENTITY": {"channel": "telegram", "external_id": account, "year": 2024},
        "_PLAN": {"chosen_year": None, "year": 2024},
        "_REACH": {"member_id": who.member_id},
        "_MINE": {
            "member_id": who.member_id,
            "group_ids": sorted(who.group_ids),
            "agency_ids": sorted(who.agency_ids),
        },
        "_BY_ID": {"ids": ids},
        "_WHOLE_PLAN": {"plan_id": found.plan.id},
        "_PLAN_TASK_IDS": {"plan_id": found.plan.id},
        "_PLAN_MILESTONES": {"plan_id": found.plan.id},
        "_PLAN_STEPS": {"plan_id": found.plan.id},
        "_SEATS": {"ids": ids},
        "_TIMELINE": {"ids": ids},
        "_BARE_TIMELINE": {"ids": ids},
        "_AGENCY_SEATS": {"ids": ids},
        "_PLAN_COLLECTIVE_LEADS": {"plan_id": found.plan.id},
        "_CONCRETE_AGENCIES": {},
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

    def check(connection: Connection, params: dict[str, dict[str, Any]]) -> None:
        queries = _queries()
        assert set(queries) == set(params)  # a new Query gets a case here
        for name, query in queries.items():
            lean = query.all(connection, params[name])
            full = [tuple(row) for row in connection.execute(query.statement, params[name])]
            assert lean, name  # rows to compare
            assert [tuple(row) for row in lean] == full, name
            # and of the same types (SQLite stores dates and instants as text)
            for lean_row, full_row in zip(lean, full, strict=True):
                assert [type(v) for v in lean_row] == [type(v) for v in full_row], name

    await _read(seeded, account, check)


@pytest.mark.sqlite_only
async def test_no_query_scans_a_table(chat: Chat, seeded: Database) -> None:
    """SQLite's plan for every hot read: indexes only. (The ids' ``json_each`` is the list
    itself; ``plans`` holds a row per year, read through its index for the fallback rule.)"""
    account = await _history(chat)

    def check(connection: Connection, params: dict[str, dict[str, Any]]) -> None:
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

    await _read(seeded, account, check)


_SMALL_TABLES = {"plans", "sections", "agencies", "groups"}  # a row per year, section, body


def _full_scans(node: dict[str, Any]) -> list[str]:
    """Scans in a PostgreSQL plan (EXPLAIN's JSON) that read a whole table or index: a
    sequential scan, or an index scan without a condition on the index."""
    found = []
    relation = node.get("Relation Name", "")
    kind = node["Node Type"]
    if relation not in _SMALL_TABLES and (
        kind == "Seq Scan" or (kind.endswith("Index Scan") and "Index Cond" not in node)
    ):
        found.append(f"{kind} on {relation or node.get('Index Name')}")
    for child in node.get("Plans", ()):
        found += _full_scans(child)
    return found


@pytest.mark.skipif(not POSTGRES_URL, reason="needs TEST_DATABASE_URL (PostgreSQL)")
async def test_no_query_scans_a_table_on_postgresql(chat: Chat, seeded: Database) -> None:
    """PostgreSQL's plan for every hot read, with sequential scans priced out (the seeded plan
    is small enough to scan): every large table is reached through an index condition. A
    hash join over a whole table, as the milestones' extensions once were, fails here."""
    account = await _history(chat)

    def check(connection: Connection, params: dict[str, dict[str, Any]]) -> None:
        connection.exec_driver_sql("SET enable_seqscan = off")
        try:
            for name, query in _queries().items():
                compiled = _compile(query.statement, connection.dialect)  # as Query runs it
                explained = connection.exec_driver_sql(
                    "EXPLAIN (FORMAT JSON) " + compiled.sql,
                    tuple(compiled.arguments(params[name])),
                ).scalar_one()
                plan = json.loads(explained) if isinstance(explained, str) else explained
                assert _full_scans(plan[0]["Plan"]) == [], (name, plan)
        finally:
            connection.exec_driver_sql("RESET enable_seqscan")

    await _read(seeded, account, check)


async def test_values_come_back_as_python_values(chat: Chat, seeded: Database) -> None:
    account = await _history(chat)

    def check(connection: Connection, params: dict[str, dict[str, Any]]) -> None:
        rows = identity._IDENTITY.all(connection, params["_IDENTITY"])
        (sender,) = [r for r in rows if r[0] == "s"]
        assert sender[6] in (True, False)  # is_admin: a bool, not 0/1
        covers = [r[3] for r in rows if r[0] == "c"]
        assert covers and all(isinstance(c, list) for c in covers)  # JSON, decoded, after it
        timeline = facts._TIMELINE.all(connection, params["_TIMELINE"])
        changes = [r for r in timeline if r[0] == "c" and r[-2]]
        at = changes[0][13]
        assert isinstance(at, datetime) and at.utcoffset() is not None  # aware, in UTC
        assert changes[0][-2] == "Lê Hồng Vinh"
        extended = [r for r in timeline if r[0] == "m" and r[5]]
        assert extended and extended[0][5] == date(2024, 12, 31)  # the latest extension
        covers = [r[3] for r in identity._REACH.all(connection, params["_REACH"]) if r[0] == "c"]
        assert covers and all(isinstance(c, list) for c in covers)  # JSON, decoded

    await _read(seeded, account, check)


async def test_the_reads_skip_sqlalchemys_execution(chat: Chat, seeded: Database) -> None:
    account = await _history(chat)
    executed: list[str] = []

    def message(connection: Connection) -> int:
        executed.clear()
        event.listen(connection, "before_cursor_execute", lambda *a: executed.append(a[2]))
        found = identify(connection, "telegram", account, 2024)
        assert found is not None and found.plan is not None
        return len(facts.reaching(connection, found.plan.id, found.who, lean=True))

    assert await seeded.read(message) > 0
    assert executed == []  # the driver's cursor, not SQLAlchemy's execution


async def test_errors_are_sqlalchemys(seeded: Database) -> None:
    nowhere = Query(select(column("id")).select_from(table("nowhere")))
    with pytest.raises(DBAPIError, match="nowhere"):  # SQLite: no such table; PostgreSQL: relation
        await seeded.read(lambda connection: nowhere.all(connection, {}))
    # and the connection is still good for the next read
    assert await seeded.read(lambda c: identity._PLAN.first(c, {"chosen_year": 2024, "year": 2024}))


def test_expanding_lists_are_refused(tmp_path: Any) -> None:
    engine = make_inline_engine(f"sqlite+aiosqlite:///{tmp_path}/x.db")
    assert engine is not None
    query = Query(
        select(Milestone.id).where(Milestone.task_id.in_(bindparam("ids", expanding=True)))
    )
    with engine.connect() as connection, pytest.raises(ValueError, match="among"):
        query.all(connection, {"ids": [1]})


@pytest.mark.sqlite_only
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
    rows = await seeded.read(lambda c: facts._timelines(c, [task_id], authors=True)[1][task_id])
    assert [(r.kind, r.new_status, r.progress, r.at) for r in rows] == [
        (c.kind, c.new_status, c.progress, c.at) for c in stored
    ]
