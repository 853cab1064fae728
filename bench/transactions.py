"""Count what a piece of work asks of the database: its write transactions and statements.

Through SQLAlchemy's public connection events ("begin", "commit", "rollback",
"before_cursor_execute") on the engines of a ``Database`` that its sessions use. A transaction
counts as a write transaction when it takes SQLite's write lock (it was begun on the write engine,
``BEGIN IMMEDIATE``) or runs a statement that changes rows (INSERT, UPDATE, DELETE), on any
database. The loop's lean reads (``Database.read``) run on the driver, outside these events; on
SQLite their connection is read-only (``query_only``) and on PostgreSQL their sessions are.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

from db.session import Database

WRITING = ("INSERT", "UPDATE", "DELETE")


@dataclass
class Tally:
    write_transactions: int = 0  # transactions that took the write lock or changed rows
    read_transactions: int = 0  # the others
    writing_statements: int = 0  # INSERT, UPDATE, DELETE
    statements: int = 0  # every statement through SQLAlchemy's execution


class TransactionCounter:
    """``with TransactionCounter(database) as tally:`` counts into ``tally`` until the end."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self.tally = Tally()
        self._open: dict[Connection, bool] = {}  # the open transactions: wrote or locked
        self._engines: list[tuple[Engine, bool]] = [(database.engine.sync_engine, False)]
        if database.write_engine is not database.engine:  # SQLite: BEGIN IMMEDIATE
            self._engines.append((database.write_engine.sync_engine, True))

    def __enter__(self) -> Tally:
        for engine, locks in self._engines:
            event.listen(engine, "begin", self._begin_locking if locks else self._begin)
            event.listen(engine, "commit", self._end)
            event.listen(engine, "rollback", self._end)
            event.listen(engine, "before_cursor_execute", self._statement)
        return self.tally

    def __exit__(self, *exc: object) -> None:
        for engine, locks in self._engines:
            event.remove(engine, "begin", self._begin_locking if locks else self._begin)
            event.remove(engine, "commit", self._end)
            event.remove(engine, "rollback", self._end)
            event.remove(engine, "before_cursor_execute", self._statement)

    def _begin(self, connection: Connection) -> None:
        self._open[connection] = False

    def _begin_locking(self, connection: Connection) -> None:
        self._open[connection] = True

    def _end(self, connection: Connection) -> None:
        if connection not in self._open:
            return
        if self._open.pop(connection):
            self.tally.write_transactions += 1
        else:
            self.tally.read_transactions += 1

    def _statement(self, connection: Connection, *args: Any) -> None:
        statement = str(args[1]).lstrip().upper()
        self.tally.statements += 1
        if statement.startswith(WRITING):
            self.tally.writing_statements += 1
            if connection in self._open:
                self._open[connection] = True
