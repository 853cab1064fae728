"""The read paths: sessions behave as SQLAlchemy expects; ``Database.read`` runs on SQLite's event loop, read-only, and
falls back to aiosqlite when the file is locked; on PostgreSQL it runs through the async engine."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import threading
from pathlib import Path

import pytest
from sqlalchemy import Connection, event, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from db.identity import plan_of
from db.models import Plan
from db.session import READERS, Database, make_inline_engine
from tests.conftest import POSTGRES_URL, postgres_admin


def _plan_years(connection: Connection) -> list[int]:
    return list(connection.execute(text("SELECT year FROM plans ORDER BY year")).scalars())


async def test_a_read_sees_what_was_just_committed(database: Database) -> None:
    async with database.transaction(write=True) as session:
        session.add(Plan(year=2031, code="01/KH-BCĐ", title="Kế hoạch thử"))
    assert 2031 in await database.read(_plan_years)


async def test_a_read_cannot_write(database: Database) -> None:
    def write(connection: Connection) -> None:
        connection.execute(text("DELETE FROM plans"))

    with pytest.raises(DBAPIError, match=r"read-only|readonly"):  # query_only / READ ONLY
        await database.read(write)
    async with database.transaction(write=True) as session:
        session.add(Plan(year=2032, code="02/KH-BCĐ", title="Kế hoạch thử"))
    assert await database.read(_plan_years) == [2032]


@pytest.mark.sqlite_only
async def test_sqlite_reads_run_on_the_event_loop(database: Database) -> None:
    loop_thread = threading.get_ident()
    assert await database.read(lambda connection: threading.get_ident()) == loop_thread


@pytest.mark.sqlite_only
async def test_a_locked_file_sends_the_read_off_the_loop(database: Database) -> None:
    path = database.url.split(":///", 1)[1]
    async with database.transaction(write=True) as session:
        session.add(Plan(year=2033, code="03/KH-BCĐ", title="Kế hoạch thử"))
    await database.dispose()  # its connections reopen on demand
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("PRAGMA locking_mode=EXCLUSIVE")  # before its first access: WAL without
    holder.execute("BEGIN EXCLUSIVE")  # shared memory, so nobody may read until it closes
    seen: list[int] = []

    def years_and_thread(connection: Connection) -> list[int]:
        seen.append(threading.get_ident())
        return _plan_years(connection)

    task = asyncio.create_task(database.read(years_and_thread))
    await asyncio.sleep(0.3)
    assert not task.done()  # waiting off the loop (the loop is free: this line runs)
    holder.execute("ROLLBACK")
    holder.close()
    assert await task == [2033]
    assert len(seen) == 2  # tried on the loop's connection, then again through aiosqlite


async def test_statements_behave_as_sqlalchemy_expects(database: Database) -> None:
    async with database.transaction(write=True) as session:
        plan = Plan(year=2034, code="04/KH-BCĐ", title="Kế hoạch thử")
        session.add(plan)
        await session.flush()
        assert plan.id is not None  # the new row's id came back
        session.add_all(  # several rows in one statement (executemany)
            [Plan(year=y, code=f"{y}/KH", title="Kế hoạch thử") for y in (2035, 2036)]
        )
        await session.flush()
        updated = await session.execute(text("UPDATE plans SET title = 'Mới' WHERE year >= 2035"))
        assert updated.rowcount == 2  # type: ignore[attr-defined]
    with pytest.raises(IntegrityError):  # the driver's error, mapped as SQLAlchemy maps it
        async with database.transaction(write=True) as session:
            session.add(Plan(year=2034, code="dup", title="Trùng năm"))
    assert await database.read(_plan_years) == [2034, 2035, 2036]


@pytest.mark.skipif(not POSTGRES_URL, reason="needs TEST_DATABASE_URL (PostgreSQL)")
async def test_postgresql_reads_go_through_the_async_engine(database: Database) -> None:
    assert database.url.startswith("postgresql")
    assert await database.read(lambda c: c.dialect.name) == "postgresql"
    # the prepared hot statements keep one generic plan each, not a new plan per message
    show = text("SHOW plan_cache_mode")
    assert await database.read(lambda c: c.execute(show).scalar()) == "force_generic_plan"


@pytest.mark.skipif(not POSTGRES_URL, reason="needs TEST_DATABASE_URL (PostgreSQL)")
async def test_a_restarted_server_costs_no_read(seeded: Database) -> None:
    """The server drops every connection (a restart, a failover) while the reader's sit in its
    pool: the next read meets a dead one, the pool is replaced (``db.statements.driver_execute``),
    and the read runs again on a fresh connection. No member sees an error for it."""

    def year(connection: Connection) -> int | None:
        found = plan_of(connection, None, 2024)  # a Query: the lean path
        return found.year if found else None

    assert await asyncio.gather(*(seeded.read(year) for _ in range(5))) == [2024] * 5
    name = seeded.url.rsplit("/", 1)[1]
    await postgres_admin(
        "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity "
        f"WHERE datname = '{name}' AND pid <> pg_backend_pid()"
    )
    assert [await seeded.read(year) for _ in range(5)] == [2024] * 5


@pytest.mark.skipif(not POSTGRES_URL, reason="needs TEST_DATABASE_URL (PostgreSQL)")
async def test_reads_at_once_reuse_a_fixed_set_of_connections(seeded: Database) -> None:
    """50 members at once, three times: the reads wait for one of READERS connections rather
    than open (and close) more, each of which costs the server a process."""
    opened: list[object] = []
    event.listen(seeded._bridged_reads.sync_engine, "connect", lambda *_: opened.append(1))

    def year(connection: Connection) -> int | None:
        found = plan_of(connection, None, 2024)
        return found.year if found else None

    for _ in range(3):
        assert await asyncio.gather(*(seeded.read(year) for _ in range(50))) == [2024] * 50
    assert 1 < len(opened) <= READERS


def test_an_unusable_path_is_not_read_inline(tmp_path: Path) -> None:
    assert make_inline_engine("sqlite+aiosqlite://") is None
    assert make_inline_engine("sqlite+aiosqlite:///:memory:") is None
    assert make_inline_engine(f"sqlite+aiosqlite:///{tmp_path / 'x.db'}") is not None


@pytest.mark.sqlite_only
async def test_a_read_sees_one_snapshot(database: Database) -> None:
    """All the statements of one read see the database as it was when the read began, even
    when another connection commits in between."""
    path = database.url.split(":///", 1)[1]

    def twice(connection: Connection) -> tuple[list[int], list[int]]:
        first = _plan_years(connection)
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("INSERT INTO plans (year, code, title) VALUES (2034, '04/KH-BCĐ', 'Thử')")
        other.close()
        return first, _plan_years(connection)

    before, after = await database.read(twice)
    assert before == after == []
    assert await database.read(_plan_years) == [2034]  # the next read sees the commit


@pytest.mark.sqlite_only
async def test_reads_from_another_thread_get_their_own_connection(
    database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    """The loop keeps its inline connection checked out between reads; a read from another
    thread (SQLite connections belong to their thread) opens its own, and neither touches the
    other's."""
    with caplog.at_level(logging.WARNING):
        assert await database.read(_plan_years) == []
        other = await asyncio.to_thread(asyncio.run, database.read(_plan_years))
        assert other == []
        assert await database.read(_plan_years) == []
    assert not caplog.records
