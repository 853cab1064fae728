"""``Query``: a SELECT built once and run lean, for the reads every message makes.

On the drivers ``Database.read`` uses (SQLite's synchronous driver on the loop's read
connection, asyncpg on PostgreSQL's reader) a ``Query`` compiles its statement once per dialect
and runs it on the driver's cursor, applying the same type conversions SQLAlchemy would (dates,
aware datetimes, booleans, JSON) and raising errors as SQLAlchemy does (its exceptions, so
``Database.read`` still sees a locked file as an ``OperationalError``; a lost connection
invalidated). Only public interfaces: the pooled connection's DB-API connection and cursor
(PEP 249), the dialect's type processors and ``is_disconnect``, ``DBAPIError.instance``. SQLAlchemy's execution machinery (cache key, execution context, result metadata,
row objects) costs 50–100 µs a statement, more than SQLite takes to answer an indexed SELECT,
and a list message makes six (``bench.province``).

Elsewhere (sessions on aiosqlite) it is ``connection.execute``: the same rows. Statements with
expanding IN lists are refused (``db.id_list.among`` binds a list as one value).
"""

from __future__ import annotations

import contextlib
import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import CompoundSelect, Select
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.exc import DBAPIError

Row = Sequence[Any]
Processor = Callable[[Any], Any]


@dataclass(frozen=True)
class _Compiled:
    """The statement for one dialect: its SQL, bind names in order, and type conversions."""

    sql: str
    names: tuple[str, ...]
    defaults: dict[str, Any]  # values of the statement's own binds (LIMIT 1, literals)
    binds: dict[str, Processor]
    results: tuple[tuple[int, Processor], ...]  # (column index, conversion)

    def arguments(self, params: Mapping[str, Any]) -> list[Any]:
        values = {**self.defaults, **params}
        binds = self.binds
        return [binds[name](values[name]) if name in binds else values[name] for name in self.names]

    def convert(self, rows: list[Any]) -> list[Any]:
        if not self.results:
            return rows
        converted = []
        for row in rows:
            values = list(row)
            for index, process in self.results:
                values[index] = process(values[index])
            converted.append(values)
        return converted


def _compile(statement: Select[Any] | CompoundSelect[Any], dialect: Dialect) -> _Compiled:
    compiled = statement.compile(dialect=dialect)
    binds = compiled.binds
    if any(bind.expanding for bind in binds.values()):
        raise ValueError("expanding IN lists change the SQL per call; use db.id_list.among")
    bind_processors: dict[str, Processor] = {}
    for name, bind in binds.items():
        process = bind.type.dialect_impl(dialect).bind_processor(dialect)
        if process is not None:
            bind_processors[name] = process
    results = []
    for index, column in enumerate(statement.selected_columns):
        process = column.type.dialect_impl(dialect).result_processor(dialect, None)
        if process is not None:
            results.append((index, process))
    return _Compiled(
        sql=compiled.string,
        names=tuple(compiled.positiontup or ()),
        defaults={name: b.effective_value for name, b in binds.items() if not b.required},
        binds=bind_processors,
        results=tuple(results),
    )


def driver_execute(connection: Connection, sql: str, arguments: Sequence[Any] = ()) -> list[Any]:
    """``sql`` run on the connection's DB-API cursor, its rows fetched. A driver error is raised
    as SQLAlchemy's exception (``DBAPIError.instance``, as ``connection.execute`` raises it), and
    a lost connection (PostgreSQL restarted) is invalidated with the rest of the engine's pool
    (connections opened before the loss are dead too), so the next read opens a fresh one and
    ``Database.read`` can run again."""
    dialect = connection.dialect
    raw = connection.connection.dbapi_connection
    assert raw is not None
    cursor = raw.cursor()
    try:
        cursor.execute(sql, arguments)
        rows = list(cursor.fetchall()) if cursor.description is not None else []
    except dialect.loaded_dbapi.Error as error:
        lost = dialect.is_disconnect(error, raw, cursor)
        with contextlib.suppress(Exception):  # on a lost connection closing fails too
            cursor.close()
        if lost:
            connection.invalidate(error)
            connection.engine.dispose(close=False)  # the old pool's connections: dropped
        raise DBAPIError.instance(
            sql,
            tuple(arguments),
            error,
            dialect.loaded_dbapi.Error,
            connection_invalidated=lost,
            dialect=dialect,
        ) from error
    cursor.close()
    return rows


_LEAN_DRIVERS = ("pysqlite", "asyncpg")  # Database.read's; aiosqlite hops to a thread anyway


class Query:
    """A SELECT (or UNION) with named bind parameters, run with ``all`` or ``first``."""

    def __init__(self, statement: Select[Any] | CompoundSelect[Any]) -> None:
        self.statement = statement
        self._compiled: weakref.WeakKeyDictionary[Dialect, _Compiled] = weakref.WeakKeyDictionary()

    def all(self, connection: Connection, params: Mapping[str, Any]) -> list[Row]:
        dialect = connection.dialect
        if dialect.driver not in _LEAN_DRIVERS:
            return list(connection.execute(self.statement, params).all())
        compiled = self._compiled.get(dialect)
        if compiled is None:
            compiled = self._compiled[dialect] = _compile(self.statement, dialect)
        return compiled.convert(
            driver_execute(connection, compiled.sql, compiled.arguments(params))
        )

    def first(self, connection: Connection, params: Mapping[str, Any]) -> Row | None:
        """The first row (the statements given here return at most one)."""
        rows = self.all(connection, params)
        return rows[0] if rows else None
