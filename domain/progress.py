"""A task's current state, derived from its append-only history (nothing is overwritten)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple, Protocol

from domain.status import Status


class ChangeLike(Protocol):
    """What replaying needs of a change: a ``Change``, a row of facts or a stored change."""

    @property
    def kind(self) -> str: ...
    @property
    def milestone_id(self) -> int | None: ...
    @property
    def new_status(self) -> str | None: ...
    @property
    def progress(self) -> int | None: ...
    @property
    def at(self) -> datetime: ...


@dataclass(frozen=True)
class Change:
    kind: str  # "status" | "note"
    milestone_id: int | None
    new_status: str | None
    progress: int | None
    at: datetime


class TaskState(NamedTuple):  # a named tuple: replayed for every task of every list
    status: Status = Status.NOT_STARTED
    progress: int | None = None
    done_milestones: frozenset[int] = frozenset()
    updated_at: datetime | None = None
    done_at: datetime | None = None  # when the task was marked done, if it is done now
    milestone_done_at: tuple[tuple[int, datetime], ...] = ()  # (milestone id, when) if done now


def derive_state(changes: Iterable[ChangeLike]) -> TaskState:
    """Replay the history, oldest first. A milestone-level change touches only that milestone."""
    status: Status = Status.NOT_STARTED
    progress: int | None = None
    done: dict[int, datetime] = {}
    done_at: datetime | None = None
    updated: datetime | None = None
    for change in changes:
        updated = change.at
        if change.kind != "status" or change.new_status is None:
            continue
        new = Status(change.new_status)
        if change.milestone_id is not None:
            if new == Status.DONE:
                done.setdefault(change.milestone_id, change.at)
            else:
                done.pop(change.milestone_id, None)
            continue
        if new == Status.DONE and status != Status.DONE:
            done_at = change.at
        status = new
        if change.progress is not None:
            progress = change.progress
        elif new == Status.DONE:
            progress = 100
        elif new == Status.NOT_STARTED:
            progress = None
    return TaskState(
        status,
        progress,
        frozenset(done),
        updated,
        done_at if status == Status.DONE else None,
        tuple(sorted(done.items())),
    )
