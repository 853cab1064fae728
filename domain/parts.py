"""Parts of a collective task: when a task's lead is a collective ("Các sở, ban, ngành"), every
concrete agency it reaches does its own part, with its own status, %, note, document and
completion day. Pure: the caller gives the agencies the task reaches and its history.

A part's state is replayed from the changes recorded for that agency (``agency_id``). The whole
task's state is derived: done when every part is done, or when a director or the office closed
it explicitly with a reason (a ``CLOSE`` change; a later ``CLOSE`` to another status reopens it);
its progress is the share of parts done. Coordination input ("đã gửi ý kiến") is an ``INPUT``
change of the coordinating agency."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import NamedTuple, Protocol

from domain.progress import ChangeLike, TaskState, derive_state
from domain.status import Status

CLOSE = "close"  # a director or the office closes (or reopens) a collective task as a whole
INPUT = "input"  # a coordinating agency sent its input (đã gửi ý kiến)


class PartChangeLike(ChangeLike, Protocol):
    @property
    def agency_id(self) -> int | None: ...


class Part(NamedTuple):
    agency_id: int
    name: str
    state: TaskState


class Closing(NamedTuple):
    """The explicit close in force: when, and the reason given."""

    at: datetime
    reason: str | None
    done_on: date | None


def parts_of(
    changes: Iterable[PartChangeLike], agencies: Sequence[tuple[int, str]]
) -> tuple[Part, ...]:
    """Every agency's part, in the order given; an agency without changes has not started."""
    by_agency: dict[int, list[PartChangeLike]] = defaultdict(list)
    for change in changes:
        if change.agency_id is not None:
            by_agency[change.agency_id].append(change)
    untouched = derive_state(())
    return tuple(
        Part(
            agency_id,
            name,
            derive_state(by_agency[agency_id]) if agency_id in by_agency else untouched,
        )
        for agency_id, name in agencies
    )


class _Note(Protocol):
    @property
    def note(self) -> str | None: ...


def closing(changes: Iterable[PartChangeLike]) -> Closing | None:
    """The latest task-level close, if it is in force (not reopened since)."""
    found: Closing | None = None
    for change in changes:
        if change.kind != CLOSE or change.agency_id is not None:
            continue
        if change.new_status == Status.DONE.value:
            found = Closing(change.at, getattr(change, "note", None), change.completed_on)
        else:
            found = None
    return found


def done_count(parts: Sequence[Part]) -> int:
    return sum(1 for p in parts if p.state.status == Status.DONE)


def whole_state(parts: Sequence[Part], changes: Iterable[PartChangeLike]) -> TaskState:
    """The whole task's state from its parts and an explicit close.

    Done: every part done, or closed. Blocked: a part is blocked. In progress: a part has begun.
    Progress: the share of parts done. A batch (đợt) is done when every part has done it."""
    changes = list(changes)
    closed = closing(changes)
    states = [p.state for p in parts]
    done = done_count(parts)
    progress = round(100 * done / len(parts)) if parts else None
    updated = max((s.updated_at for s in states if s.updated_at), default=None)
    if closed is not None:
        updated = max(updated, closed.at) if updated else closed.at
    all_done = bool(parts) and done == len(parts)
    if closed is not None or all_done:
        status = Status.DONE
    elif any(s.status == Status.BLOCKED for s in states):
        status = Status.BLOCKED
    elif any(s.status != Status.NOT_STARTED for s in states):
        status = Status.IN_PROGRESS
    else:
        status = Status.NOT_STARTED
    milestones: frozenset[int] = (
        frozenset.intersection(*(s.done_milestones for s in states)) if states else frozenset()
    )
    milestone_at: dict[int, datetime] = {}
    milestone_on: dict[int, date] = {}
    for s in states:
        for milestone_id, at in s.milestone_done_at:
            if milestone_id in milestones:
                milestone_at[milestone_id] = max(at, milestone_at.get(milestone_id, at))
        for milestone_id, on in s.milestone_done_on:
            if milestone_id in milestones:
                milestone_on[milestone_id] = max(on, milestone_on.get(milestone_id, on))
    done_at: datetime | None = None
    done_on: date | None = None
    if closed is not None:
        done_at, done_on = closed.at, closed.done_on
    elif all_done:
        done_at = max((s.done_at for s in states if s.done_at), default=None)
        done_on = max((s.done_on for s in states if s.done_on), default=None)
    return TaskState(
        status,
        progress,
        milestones,
        updated,
        done_at,
        tuple(sorted(milestone_at.items())),
        done_on,
        tuple(sorted(milestone_on.items())),
        all_done and closed is None and any(s.awaiting_confirmation for s in states),
    )


class InputSent(NamedTuple):
    agency_id: int
    at: datetime
    reference: str | None


def inputs_sent(changes: Iterable[PartChangeLike]) -> dict[int, InputSent]:
    """The coordinating agencies that have sent their input: the latest sending, with the latest
    document given (a sending again without one keeps the earlier document)."""
    found: dict[int, InputSent] = {}
    for change in changes:
        if change.kind == INPUT and change.agency_id is not None:
            earlier = found.get(change.agency_id)
            reference = getattr(change, "reference", None) or (earlier and earlier.reference)
            found[change.agency_id] = InputSent(change.agency_id, change.at, reference or None)
    return found


def task_state(changes: Sequence[PartChangeLike], agencies: Sequence[tuple[int, str]]) -> TaskState:
    """The task's state: a collective task's (``agencies``: its parts) derived from its parts,
    any other task's replayed from its history."""
    if not agencies:
        return derive_state(changes)
    return whole_state(parts_of(changes, agencies), changes)
