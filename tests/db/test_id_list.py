"""``among``: a column against a list of ids bound as one value, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from sqlalchemy import Connection, event, select

from db.id_list import among
from db.models import Task
from db.session import Database

_TASKS_AMONG = select(Task.id).where(among(Task.id, "ids")).order_by(Task.id)


def _ids(connection: Connection, ids: Sequence[int]) -> list[int]:
    return list(connection.execute(_TASKS_AMONG, {"ids": ids}).scalars())


async def test_among_matches_exactly_the_ids_given(seeded: Database) -> None:
    every = await seeded.read(lambda c: list(c.execute(select(Task.id)).scalars()))
    assert len(every) == 42
    some = sorted(every)[::5]
    assert await seeded.read(lambda c: _ids(c, some)) == some
    assert await seeded.read(lambda c: _ids(c, [some[0]])) == [some[0]]
    assert await seeded.read(lambda c: _ids(c, [some[0], some[0]])) == [some[0]]  # a set
    assert await seeded.read(lambda c: _ids(c, [])) == []
    assert await seeded.read(lambda c: _ids(c, [*every, *range(10**6, 10**6 + 5000)])) == sorted(
        every
    )


async def test_the_sql_is_the_same_whatever_the_list(seeded: Database) -> None:
    """No rewriting per call: one statement text for 1 id and for 40."""
    statements: list[str] = []

    def run(connection: Connection) -> None:
        def seen(_c: object, _cur: object, statement: str, *_args: object) -> None:
            statements.append(statement)

        event.listen(connection, "before_cursor_execute", seen)
        try:
            _ids(connection, [1])
            _ids(connection, list(range(1, 41)))
        finally:
            event.remove(connection, "before_cursor_execute", seen)

    await seeded.read(run)
    tail = [s for s in statements if "tasks" in s]
    assert len(tail) == 2 and tail[0] == tail[1]


@pytest.mark.sqlite_only
async def test_sqlite_looks_the_ids_up_by_index(seeded: Database) -> None:
    """json_each drives the search; a stray "= 1" after the IN (as SQLAlchemy adds to a bare
    boolean on SQLite) made SQLite scan the whole table instead."""

    def plan(connection: Connection) -> list[str]:
        sql = str(_TASKS_AMONG.compile(dialect=connection.dialect))
        return [
            row[-1] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", ("[1]",))
        ]

    steps = await seeded.read(plan)
    assert any(s.startswith("SEARCH tasks USING INTEGER PRIMARY KEY") for s in steps), steps
    assert not any(s.startswith("SCAN tasks") for s in steps), steps
