"""The report's classification: the five categories and their boundaries."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime

import pytest

from domain.classify import Batch, Category, Verdict, batches_done, classify, percentages
from domain.progress import Change, derive_state

DUE = date(2024, 3, 31)


def one(done_on: date | None = None, *, due: date = DUE, extended: date | None = None) -> Batch:
    return Batch(1, due, extended or due, done_on)


@pytest.mark.parametrize(
    ("batches", "task_done", "today", "expected"),
    [
        # Done on the due date: on time. A day later: late by one day.
        ([one(DUE)], True, date(2024, 4, 10), Verdict(Category.DONE_ON_TIME)),
        ([one(date(2024, 4, 1))], True, date(2024, 4, 10), Verdict(Category.DONE_LATE, 1, DUE)),
        # Open on the due date: still in time; the day after: overdue by one day.
        ([one()], False, DUE, Verdict(Category.ON_TRACK, None, DUE)),
        ([one()], False, date(2024, 4, 1), Verdict(Category.OVERDUE, 1, DUE)),
        # An extension keeps the original date for the verdict, and shows both.
        (
            [one(extended=date(2024, 4, 30))],
            False,
            date(2024, 4, 5),
            Verdict(Category.OVERDUE, 5, DUE, date(2024, 4, 30)),
        ),
        (
            [one(date(2024, 4, 20), extended=date(2024, 4, 30))],
            True,
            date(2024, 5, 1),
            Verdict(Category.DONE_LATE, 20, DUE, date(2024, 4, 30)),
        ),
        (
            [one(extended=date(2024, 4, 30))],
            False,
            date(2024, 3, 1),
            Verdict(Category.ON_TRACK, None, DUE, date(2024, 4, 30)),
        ),
        # No date: không có thời hạn while open; done, it cannot have been late.
        ([], False, date(2024, 4, 1), Verdict(Category.NO_DEADLINE)),
        ([], True, date(2024, 4, 1), Verdict(Category.DONE_ON_TIME)),
    ],
    ids=[
        "done-on-due-date",
        "done-a-day-late",
        "open-on-due-date",
        "open-a-day-after",
        "extended-but-past-original",
        "done-after-original-before-extension",
        "extended-not-yet-due",
        "no-date-open",
        "no-date-done",
    ],
)
def test_classify_boundaries(
    batches: list[Batch], task_done: bool, today: date, expected: Verdict
) -> None:
    assert classify(batches, task_done=task_done, today=today) == expected


def test_several_batches_are_on_time_only_if_every_batch_was() -> None:
    june, december = date(2024, 6, 30), date(2024, 12, 31)
    on_time = [Batch(1, june, june, june), Batch(2, december, december, date(2024, 12, 20))]
    first_late = [Batch(1, june, june, date(2024, 7, 3)), Batch(2, december, december, december)]
    assert classify(on_time, task_done=True, today=date(2025, 1, 5)).category == (
        Category.DONE_ON_TIME
    )
    assert classify(first_late, task_done=True, today=date(2025, 1, 5)) == Verdict(
        Category.DONE_LATE, 3, june
    )


def test_several_batches_are_overdue_while_an_open_batch_is_past_its_date() -> None:
    june, december = date(2024, 6, 30), date(2024, 12, 31)
    first_done = [Batch(1, june, june, june), Batch(2, december, december, None)]
    none_done = [Batch(1, june, june, None), Batch(2, december, december, None)]
    assert classify(first_done, task_done=False, today=date(2024, 8, 1)) == Verdict(
        Category.ON_TRACK, None, december
    )
    assert classify(none_done, task_done=False, today=date(2024, 8, 1)) == Verdict(
        Category.OVERDUE, 32, june
    )


def test_a_task_marked_done_completes_its_open_batches_that_day() -> None:
    june, december = date(2024, 6, 30), date(2024, 12, 31)
    batches = batches_done([(1, june, june), (2, december, december)], {1: june}, date(2024, 11, 2))
    assert [b.done_on for b in batches] == [june, date(2024, 11, 2)]
    assert classify(batches, task_done=True, today=date(2024, 11, 5)).category == (
        Category.DONE_ON_TIME
    )


def test_percentages_cover_every_category_and_sum_to_100() -> None:
    shares = percentages(Counter({Category.DONE_ON_TIME: 1, Category.OVERDUE: 2}))
    assert shares[Category.OVERDUE] == pytest.approx(200 / 3)
    assert shares[Category.NO_DEADLINE] == 0
    assert sum(shares.values()) == pytest.approx(100)
    assert set(percentages(Counter()).values()) == {0.0}


def _at(day: int) -> datetime:
    return datetime(2024, 4, day, 3, tzinfo=UTC)


def test_history_gives_when_the_task_and_each_batch_were_completed() -> None:
    state = derive_state(
        [
            Change("status", 7, "hoan_thanh", None, _at(1)),
            Change("status", 8, "hoan_thanh", None, _at(2)),
            Change("status", 8, "dang_thuc_hien", None, _at(3)),  # batch 8 reopened
            Change("status", None, "hoan_thanh", None, _at(4)),
            Change("note", None, None, None, _at(5)),
            Change("status", None, "hoan_thanh", None, _at(6)),  # done again: first day counts
        ]
    )
    assert state.done_at == _at(4)
    assert state.milestone_done_at == ((7, _at(1)),)


def test_a_reopened_task_has_no_completion_day() -> None:
    state = derive_state(
        [
            Change("status", None, "hoan_thanh", None, _at(1)),
            Change("status", None, "dang_thuc_hien", 50, _at(2)),
        ]
    )
    assert state.done_at is None
