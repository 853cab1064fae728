"""How many statements a member's message costs, pinned per command on both databases. On
PostgreSQL each statement is a round trip to another process (on one box, a wake-up of it on the
same cores), so a change that adds one to the commands members send most must say so here.

Counted: every statement the message runs, on the lean path (``db.statements.driver_execute``,
which SQLAlchemy's events never see) and through SQLAlchemy (its ``before_cursor_execute``
event on every engine); transaction control (BEGIN, COMMIT, ROLLBACK) is not counted."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import Connection, event
from sqlalchemy.engine import Engine

from db import statements
from domain.clock import FrozenClock
from tests.conftest import Chat, local

_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK")


@contextmanager
def counted(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The statements run inside the block, as SQL text."""
    seen: list[str] = []

    def note(sql: str) -> None:
        if not sql.lstrip().upper().startswith(_CONTROL):
            seen.append(" ".join(sql.split()))

    lean = statements.driver_execute

    def driver_execute(connection: Connection, sql: str, arguments: Sequence[Any] = ()) -> Any:
        note(sql)
        return lean(connection, sql, arguments)

    def before(_c: Any, _cursor: Any, sql: str, *_rest: Any) -> None:
        note(sql)

    monkeypatch.setattr(statements, "driver_execute", driver_execute)
    event.listen(Engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", before)
        monkeypatch.undo()


# /nhiemvu cua toi and /quahan: the sender with their plan and reach (db.identity), the member's
# seats, their tasks, the tasks' milestones and history, the tasks' agency seats with (only when
# a collective leads or coordinates one) the agencies that have a part (db.facts).
LISTS = 5
# /nhiemvu <mã> (lean, no session): the sender (1); the task's id by its code (1); its facts (4:
# task, timeline, seats, agency seats); its evidence files (1).
DETAIL = 7


@pytest.mark.parametrize(
    ("command", "expected"),
    [("/nhiemvu cua toi", LISTS), ("/quahan", LISTS), ("/nhiemvu I.5", DETAIL)],
)
async def test_statements_per_command(
    chat: Chat, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch, command: str, expected: int
) -> None:
    clock.instant = local("2024-04-05 09:00")  # I.5 (due 31/03) overdue
    account = await chat.link("le-hong-vinh")
    await chat.text(account, "/capnhat I.5 đang thực hiện 40% đã họp triển khai")  # a history
    await chat.text(account, command)  # statements built and compiled once, connections opened
    with counted(monkeypatch) as seen:
        text = await chat.text(account, command)
    assert "I.5" in text  # a real answer, not a refusal
    assert len(seen) == expected, "\n".join(seen)


async def test_the_sender_is_one_statement(chat: Chat, monkeypatch: pytest.MonkeyPatch) -> None:
    """An account not linked is told so after one statement (who it is, and nothing else)."""
    with counted(monkeypatch) as seen:
        text = await chat.text("tg-nobody", "/nhiemvu cua toi")
    assert "chưa được liên kết" in text, text
    assert len(seen) == 1, seen
