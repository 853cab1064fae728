"""A task's current state, derived from its append-only history (nothing is overwritten)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
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
    @property
    def completed_on(self) -> date | None: ...
    @property
    def confirmation(self) -> str | None: ...


PENDING = "pending"  # a completion the office has yet to confirm
RETURNED = "returned"  # the office sent a completion back
CONFIRM = "confirm"  # the kind of the change by which the office confirms a completion
# A part's status carried over from the whole task's status when parts began (migration 0011):
# replayed as a status change, not shown as a line of history.
CARRIED = "carried"
STATUS_KINDS = frozenset({"status", CARRIED})


@dataclass(frozen=True)
class Change:
    kind: str  # "status" | "note" | "confirm"
    milestone_id: int | None
    new_status: str | None
    progress: int | None
    at: datetime
    completed_on: date | None = None
    confirmation: str | None = None
    agency_id: int | None = None  # a collective task's part (domain.parts)


class TaskState(NamedTuple):  # a named tuple: replayed for every task of every list
    status: Status = Status.NOT_STARTED
    progress: int | None = None
    done_milestones: frozenset[int] = frozenset()
    updated_at: datetime | None = None
    done_at: datetime | None = None  # when the task was marked done, if it is done now
    milestone_done_at: tuple[tuple[int, datetime], ...] = ()  # (milestone id, when) if done now
    done_on: date | None = None  # the day it was really done, when one was recorded
    milestone_done_on: tuple[tuple[int, date], ...] = ()  # (milestone id, day done) if recorded
    awaiting_confirmation: bool = False  # done, but the office has yet to confirm it


def derive_state(changes: Iterable[ChangeLike]) -> TaskState:
    """Replay the history, oldest first. A milestone-level change touches only that milestone.
    A completion given again (the office correcting the day) keeps the first report instant and
    takes the newest day; the office's confirmation clears a pending completion."""
    status: Status = Status.NOT_STARTED
    progress: int | None = None
    done: dict[int, datetime] = {}
    done_on: dict[int, date] = {}
    done_at: datetime | None = None
    task_done_on: date | None = None
    pending = False
    updated: datetime | None = None
    for change in changes:
        updated = change.at
        if change.kind == CONFIRM:
            pending = False
            continue
        if change.kind not in STATUS_KINDS or change.new_status is None:
            continue
        new = Status(change.new_status)
        if change.milestone_id is not None:
            if new == Status.DONE:
                done.setdefault(change.milestone_id, change.at)
                if change.completed_on is not None:
                    done_on[change.milestone_id] = change.completed_on
            else:
                done.pop(change.milestone_id, None)
                done_on.pop(change.milestone_id, None)
            continue
        if new == Status.DONE:
            if status != Status.DONE:
                done_at = change.at
                task_done_on = None
            if change.completed_on is not None:
                task_done_on = change.completed_on
            if change.confirmation == PENDING:
                pending = True
        else:
            pending = False
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
        task_done_on if status == Status.DONE else None,
        tuple(sorted(done_on.items())),
        pending and status == Status.DONE,
    )
