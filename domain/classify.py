"""Classify a task for the report, the way Vietnamese task-tracking systems do.

Five categories: hoàn thành đúng hạn · hoàn thành quá hạn · đang thực hiện trong hạn ·
quá hạn chưa hoàn thành · không có thời hạn. The judgement uses the plan's original dates: a
deadline extension (gia hạn) moves reminders, not the verdict, and the report shows both dates.
A task completed on its due date is on time. A task with several batches (đợt) is on time only
if every batch was; it is overdue while any open batch is past its original date.
A task without a date that has been completed counts as completed on time (it cannot be late).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class Category(StrEnum):
    DONE_ON_TIME = "done_on_time"
    DONE_LATE = "done_late"
    ON_TRACK = "on_track"
    OVERDUE = "overdue"
    NO_DEADLINE = "no_deadline"


CATEGORY_ORDER = (
    Category.DONE_ON_TIME,
    Category.DONE_LATE,
    Category.ON_TRACK,
    Category.OVERDUE,
    Category.NO_DEADLINE,
)


@dataclass(frozen=True)
class Batch:
    """One milestone of a task, as the report judges it."""

    id: int
    original_due: date  # the plan's date
    current_due: date  # after extensions
    done_on: date | None  # local day it was completed, if it is done


@dataclass(frozen=True)
class Verdict:
    category: Category
    days_late: int | None = None  # overdue: days past the original date; done late: days after it
    original_due: date | None = None  # the batch the verdict is about
    extended_due: date | None = None  # its extended date, when an extension moved it


def batches_done(
    batches: Sequence[tuple[int, date, date]],
    milestone_done_on: Mapping[int, date],
    task_done_on: date | None,
) -> list[Batch]:
    """Attach completion days: a batch's own, else the day the whole task was marked done."""
    return [
        Batch(bid, original, current, milestone_done_on.get(bid, task_done_on))
        for bid, original, current in batches
    ]


def classify(batches: Sequence[Batch], *, task_done: bool, today: date) -> Verdict:
    """The category of one task on ``today``."""
    if not batches:
        return Verdict(Category.DONE_ON_TIME if task_done else Category.NO_DEADLINE)
    open_ = [b for b in batches if b.done_on is None]
    if task_done or not open_:
        worst = max(batches, key=lambda b: ((b.done_on or today) - b.original_due).days)
        late = ((worst.done_on or today) - worst.original_due).days
        if late > 0:
            return Verdict(Category.DONE_LATE, late, worst.original_due, _extended(worst))
        return Verdict(Category.DONE_ON_TIME)
    first = min(open_, key=lambda b: (b.original_due, b.id))
    late = (today - first.original_due).days
    if late > 0:
        return Verdict(Category.OVERDUE, late, first.original_due, _extended(first))
    return Verdict(Category.ON_TRACK, None, first.original_due, _extended(first))


def _extended(batch: Batch) -> date | None:
    return batch.current_due if batch.current_due != batch.original_due else None


def percentages(counts: Mapping[Category, int]) -> dict[Category, float]:
    """Each category's share of the total, in percent (0 when there is nothing)."""
    total = sum(counts.values())
    return {c: (100.0 * counts.get(c, 0) / total if total else 0.0) for c in CATEGORY_ORDER}
