"""Where a task stands against its dates, as of a given day."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class MilestoneState:
    id: int
    label: str | None
    due: date  # the current due date (after any extension)
    done: bool
    original: date | None = None  # the plan's date, when an extension moved it


@dataclass(frozen=True)
class Standing:
    """The first open milestone and how far it is: ``days`` < 0 means that many days late."""

    next_open: MilestoneState | None
    days: int | None

    @property
    def overdue(self) -> bool:
        return self.days is not None and self.days < 0


def standing(milestones: Sequence[MilestoneState], *, task_done: bool, today: date) -> Standing:
    if task_done:
        return Standing(None, None)
    open_ = sorted((m for m in milestones if not m.done), key=lambda m: (m.due, m.id))
    if not open_:
        return Standing(None, None)
    first = open_[0]
    return Standing(first, (first.due - today).days)


def sort_key(s: Standing, code_position: int) -> tuple[int, int, int]:
    """Nearest deadline first (overdue, most late first), then tasks with no open date."""
    if s.days is None:
        return (1, 0, code_position)
    return (0, s.days, code_position)
