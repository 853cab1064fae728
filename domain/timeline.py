"""Where a task stands against its dates, as of a given day."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from operator import attrgetter
from typing import NamedTuple


class MilestoneState(NamedTuple):  # named tuples: lists build one per task and milestone
    id: int
    label: str | None
    due: date  # the current due date (after any extension)
    done: bool
    original: date | None = None  # the plan's date, when an extension moved it


class Standing(NamedTuple):
    """The first open milestone and how far it is: ``days`` < 0 means that many days late."""

    next_open: MilestoneState | None
    days: int | None

    @property
    def overdue(self) -> bool:
        return self.days is not None and self.days < 0


_EARLIEST = attrgetter("due", "id")


def standing(milestones: Sequence[MilestoneState], *, task_done: bool, today: date) -> Standing:
    if task_done:
        return Standing(None, None)
    first = min((m for m in milestones if not m.done), key=_EARLIEST, default=None)
    if first is None:
        return Standing(None, None)
    return Standing(first, (first.due - today).days)


def sort_key(s: Standing, code_position: int) -> tuple[int, int, int]:
    """Nearest deadline first (overdue, most late first), then tasks with no open date."""
    if s.days is None:
        return (1, 0, code_position)
    return (0, s.days, code_position)
