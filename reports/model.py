"""The report as data: every task's verdict, totals, breakdowns and the overdue list. Pure."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from chat.views import TaskView
from domain.classify import Category, Verdict, batches_done, classify
from domain.progress import TaskState
from domain.status import Status


@dataclass(frozen=True)
class Pending:
    """An extension request waiting for the standing office."""

    number: int
    new_due: date


@dataclass(frozen=True)
class Row:
    view: TaskView
    verdict: Verdict
    pending: tuple[Pending, ...] = ()  # extension requests waiting for the office


@dataclass(frozen=True)
class Breakdown:
    label: str
    counts: Counter[Category]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class Report:
    plan_code: str
    plan_year: int
    today: date
    scope: str | None  # None: the whole plan; else whose slice it is
    rows: tuple[Row, ...]
    totals: Counter[Category]
    by_section: tuple[Breakdown, ...]
    by_director: tuple[Breakdown, ...]
    by_lead: tuple[Breakdown, ...]
    awaiting: tuple[Row, ...] = ()  # completions the office has yet to confirm, counted apart
    # last week's reminders never acknowledged ("Đã nhận"), by the recipient's agency
    unacknowledged: tuple[tuple[str, int], ...] = ()

    @property
    def overdue(self) -> list[Row]:
        """Overdue tasks, most days late first."""
        late = [r for r in self.rows if r.verdict.category == Category.OVERDUE]
        return sorted(late, key=lambda r: (-(r.verdict.days_late or 0), r.view.position))


def verdict_for(view: TaskView, today: date, zone: ZoneInfo) -> Verdict:
    """The verdict by the day the task was really done (the recorded day, else the day it was
    reported). A completion still awaiting the office's confirmation is not counted as done."""
    return verdict_from(
        view.state, [(m.id, m.original or m.due, m.due) for m in view.milestones], today, zone
    )


def verdict_from(
    state: TaskState,
    milestones: Sequence[tuple[int, date, date]],
    today: date,
    zone: ZoneInfo,
) -> Verdict:
    """The verdict from a task's replayed state and its milestones as (id, the plan's date,
    the current date): what ``verdict_for`` judges, without building a whole view."""
    recorded = dict(state.milestone_done_on)
    done_on = {
        mid: recorded.get(mid, at.astimezone(zone).date()) for mid, at in state.milestone_done_at
    }
    task_done = state.status == Status.DONE and not state.awaiting_confirmation
    task_done_on = state.done_on or (
        state.done_at.astimezone(zone).date() if state.done_at else None
    )
    if not task_done:
        task_done_on = None
    batches = batches_done(milestones, done_on, task_done_on)
    return classify(batches, task_done=task_done, today=today)


def _group(labels: Iterable[tuple[Row, Iterable[str]]]) -> tuple[Breakdown, ...]:
    """Count categories per label, in order of first appearance (plan order)."""
    counts: dict[str, Counter[Category]] = {}
    for row, names in labels:
        for name in names:
            counts.setdefault(name, Counter())[row.verdict.category] += 1
    return tuple(Breakdown(label, c) for label, c in counts.items())


def build_report(
    views: Sequence[TaskView],
    *,
    plan_code: str,
    plan_year: int,
    today: date,
    zone: ZoneInfo,
    scope: str | None = None,
    unassigned: str = "—",
    pending: Mapping[str, Sequence[Pending]] = {},  # by task code
) -> Report:
    rows = tuple(Row(v, verdict_for(v, today, zone), tuple(pending.get(v.code, ()))) for v in views)
    ordered = sorted(rows, key=lambda r: r.view.position)
    return Report(
        plan_code=plan_code,
        plan_year=plan_year,
        today=today,
        scope=scope,
        rows=tuple(ordered),
        totals=Counter(r.verdict.category for r in rows),
        by_section=_group((r, [f"{r.view.section_code}. {r.view.section_title}"]) for r in ordered),
        by_director=_group((r, r.view.directors or (unassigned,)) for r in ordered),
        by_lead=_group((r, r.view.lead or (unassigned,)) for r in ordered),
        awaiting=tuple(r for r in ordered if r.view.state.awaiting_confirmation),
    )
