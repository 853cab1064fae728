"""A task's current state, derived from its append-only history (nothing is overwritten)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from domain.status import Status


@dataclass(frozen=True)
class Change:
    kind: str  # "status" | "note"
    milestone_id: int | None
    new_status: str | None
    progress: int | None
    at: datetime


@dataclass(frozen=True)
class TaskState:
    status: Status = Status.NOT_STARTED
    progress: int | None = None
    done_milestones: frozenset[int] = frozenset()
    updated_at: datetime | None = None


def derive_state(changes: Iterable[Change]) -> TaskState:
    """Replay the history, oldest first. A milestone-level change touches only that milestone."""
    status: Status = Status.NOT_STARTED
    progress: int | None = None
    done: set[int] = set()
    updated: datetime | None = None
    for change in changes:
        updated = change.at
        if change.kind != "status" or change.new_status is None:
            continue
        new = Status(change.new_status)
        if change.milestone_id is not None:
            (done.add if new == Status.DONE else done.discard)(change.milestone_id)
            continue
        status = new
        if change.progress is not None:
            progress = change.progress
        elif new == Status.DONE:
            progress = 100
        elif new == Status.NOT_STARTED:
            progress = None
    return TaskState(status, progress, frozenset(done), updated)
