"""standing and sort_key: where a task stands against its dates, and the order of a list."""

from __future__ import annotations

from datetime import date

from domain.timeline import MilestoneState, Standing, sort_key, standing

TODAY = date(2024, 6, 10)


def m(id: int, due: date, *, done: bool = False) -> MilestoneState:
    return MilestoneState(id, None, due, done)


def test_the_first_open_milestone_by_date_sets_the_days_left() -> None:
    later, sooner = m(1, date(2024, 6, 30)), m(2, date(2024, 6, 15))
    assert standing([later, sooner], task_done=False, today=TODAY) == Standing(sooner, 5)


def test_done_milestones_are_skipped_and_a_late_one_counts_negative() -> None:
    done, late = m(1, date(2024, 5, 1), done=True), m(2, date(2024, 6, 7))
    result = standing([done, late], task_done=False, today=TODAY)
    assert result == Standing(late, -3)
    assert result.overdue


def test_due_today_is_not_overdue() -> None:
    result = standing([m(1, TODAY)], task_done=False, today=TODAY)
    assert result.days == 0 and not result.overdue


def test_same_date_ties_break_on_the_milestone_id() -> None:
    a, b = m(5, date(2024, 7, 1)), m(3, date(2024, 7, 1))
    assert standing([a, b], task_done=False, today=TODAY).next_open == b


def test_a_done_task_or_all_milestones_done_or_none_has_no_standing() -> None:
    assert standing([m(1, date(2024, 6, 1))], task_done=True, today=TODAY) == Standing(None, None)
    all_done = [m(1, date(2024, 6, 1), done=True)]
    assert standing(all_done, task_done=False, today=TODAY) == Standing(None, None)
    assert standing([], task_done=False, today=TODAY) == Standing(None, None)
    assert not Standing(None, None).overdue


def test_sort_key_puts_the_most_late_first_and_undated_last() -> None:
    late = Standing(m(1, date(2024, 6, 1)), -9)
    soon = Standing(m(2, date(2024, 6, 12)), 2)
    undated = Standing(None, None)
    assert sort_key(late, 3) == (0, -9, 3)
    assert sort_key(undated, 0) == (1, 0, 0)
    ordered = sorted([(undated, 0), (soon, 1), (late, 2)], key=lambda p: sort_key(*p))
    assert [s for s, _ in ordered] == [late, soon, undated]
    # Same standing: the plan's order of codes decides.
    assert sort_key(soon, 1) < sort_key(soon, 4)
