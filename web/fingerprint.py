"""A cheap fingerprint of what a plan's verdicts are made of, and a small cache keyed on it.

The overview classifies every task of the plan on every load; the verdicts change only when a
task, a milestone, an extension or a status change does (or the day does). One statement of
counts, largest ids and weighted sums over those tables tells whether anything did: an insert
moves a largest id, a delete a count, an edit of a task's position or plan, or of a milestone's
date or task, a weighted sum. The cache holds verdicts computed under a fingerprint and answers
only for the same fingerprint, so it never shows what the database no longer says."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

from sqlalchemy import BigInteger, Integer, String, bindparam, cast, func, select
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from db.models import Extension, Milestone, StatusChange, Task
from db.statements import Query


def _big(column: Any) -> ColumnElement[Any]:
    return cast(column, BigInteger)


def _day_number(column: Any) -> ColumnElement[Any]:
    """A date as the integer YYYYMMDD, the same on SQLite (text) and PostgreSQL (date)."""
    return cast(func.replace(cast(column, String), "-", ""), Integer)


def _shape(table: Any) -> list[ColumnElement[Any]]:
    return [
        select(func.count()).select_from(table).scalar_subquery(),
        select(func.coalesce(func.max(table.id), 0)).scalar_subquery(),
    ]


def _statement() -> Any:
    tasks = select(
        func.count(),
        func.coalesce(func.max(Task.id), 0),
        func.coalesce(func.sum(_big(Task.id) * _big(Task.position)), 0),
    ).where(Task.plan_id == bindparam("plan_id"))
    milestones = select(
        func.coalesce(
            func.sum(
                _big(Milestone.id) * _big(_day_number(Milestone.due_on))
                + _big(Milestone.task_id) * _big(Milestone.id)
            ),
            0,
        )
    ).scalar_subquery()
    return tasks.add_columns(
        *_shape(Milestone), milestones, *_shape(Extension), *_shape(StatusChange)
    )


_FINGERPRINT = Query(_statement())


def plan_fingerprint(connection: Connection, plan_id: int) -> tuple[int, ...]:
    """What changes whenever the plan's tasks, milestones, extensions or history do."""
    row = _FINGERPRINT.first(connection, {"plan_id": plan_id})
    assert row is not None  # aggregates without GROUP BY: always one row
    return tuple(int(value or 0) for value in row)


class FingerprintCache:
    """The last few values computed, each under its key and the fingerprint it was read at."""

    def __init__(self, size: int = 8) -> None:
        self._size = size
        self._entries: OrderedDict[Hashable, tuple[tuple[int, ...], Any]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Hashable, fingerprint: tuple[int, ...]) -> Any | None:
        entry = self._entries.get(key)
        if entry is None or entry[0] != fingerprint:
            return None
        self._entries.move_to_end(key)
        return entry[1]

    def put(self, key: Hashable, fingerprint: tuple[int, ...], value: Any) -> None:
        self._entries[key] = (fingerprint, value)
        self._entries.move_to_end(key)
        while len(self._entries) > self._size:
            self._entries.popitem(last=False)
