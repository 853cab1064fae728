"""SQLAlchemy's aiosqlite adapter, with one thread hand-off per statement instead of four.

aiosqlite runs each SQLite connection in its own thread; every call crosses to that thread and
back. SQLAlchemy's adapter makes four crossings per statement (open a cursor, execute, fetch,
close), and a crossing costs far more than the statement: on the 2-core benchmark machine about
0.37 ms against a few microseconds for an indexed SELECT, so a ``/nhiemvu`` (a dozen statements)
spent some 15 ms of its ~20 ms in hand-offs (``bench.province``, py-spy). Here a statement runs
whole in the connection's thread (cursor, execute, fetch, close) and comes back once.

Everything else is SQLAlchemy's adapter unchanged: the URL stays ``sqlite+aiosqlite://``, the
dialect, the pool, transactions and errors are the same; only the cursor class differs. It is
plugged in through ``create_async_engine(module=...)``, SQLAlchemy's documented way to give a
dialect another DBAPI module. It calls ``aiosqlite.Connection._execute`` (queue a function for
the connection's thread), as SQLAlchemy's own adapter does for its isolation-level setter;
aiosqlite is pinned, and ``tests/db/test_sqlite_driver.py`` checks the behaviour.
"""

from __future__ import annotations

import sqlite3
from collections import deque
from collections.abc import Sequence
from typing import Any

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)

# (description, rows, lastrowid, rowcount) as SQLAlchemy's cursor keeps them.
_Outcome = tuple[Any, list[Any], Any, int]


def _run(connection: sqlite3.Connection, operation: str, parameters: Any, many: bool) -> _Outcome:
    """In the connection's thread: the whole statement, rows fetched, cursor closed."""
    cursor = connection.cursor()
    try:
        if many:
            cursor.executemany(operation, parameters)
        elif parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
        if cursor.description:
            return cursor.description, cursor.fetchall(), -1, -1
        return None, [], cursor.lastrowid, cursor.rowcount
    finally:
        cursor.close()


class OneHopCursor(AsyncAdapt_aiosqlite_cursor):
    """A buffered cursor (all rows fetched at execute, as SQLAlchemy's own) in one crossing."""

    __slots__ = ()

    def execute(self, operation: Any, parameters: Any = None) -> Any:
        self._run(operation, parameters, many=False)

    def executemany(self, operation: Any, seq_of_parameters: Sequence[Any]) -> Any:
        self._run(operation, seq_of_parameters, many=True)

    def _run(self, operation: Any, parameters: Any, *, many: bool) -> None:
        connection: aiosqlite.Connection = self._connection  # type: ignore[assignment]
        try:
            description, rows, lastrowid, rowcount = self.await_(
                connection._execute(  # type: ignore[no-untyped-call]
                    _run, connection._conn, operation, parameters, many
                )
            )
        except Exception as error:
            self._adapt_connection._handle_exception(error)
        self.description = description
        self._rows = deque(rows)
        self.lastrowid = lastrowid
        self.rowcount = rowcount


class _Connection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ()

    def cursor(self, server_side: bool = False) -> AsyncAdapt_aiosqlite_cursor:
        return super().cursor(server_side) if server_side else OneHopCursor(self)


class OneHopDBAPI(AsyncAdapt_aiosqlite_dbapi):
    """The DBAPI module SQLAlchemy's aiosqlite dialect uses, making ``_Connection``s."""

    def connect(self, *arg: Any, **kw: Any) -> AsyncAdapt_aiosqlite_connection:
        adapted = super().connect(*arg, **kw)
        return _Connection(self, adapted._connection)


def dbapi() -> OneHopDBAPI:
    return OneHopDBAPI(aiosqlite, sqlite3)
