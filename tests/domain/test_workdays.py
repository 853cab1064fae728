"""The working calendar reminders are placed on: the 2024 plan's year as the government set it."""

from __future__ import annotations

from datetime import date

import pytest

from domain.workdays import is_working_day, next_working_day, previous_working_day

# Tết Giáp Thìn 8–14/2; Giỗ Tổ 18/4; 27/4–1/5 with Saturday 4/5 worked in exchange; 31/8–3/9.
DAYS_OFF_2024 = [
    date(2024, 1, 1),
    *(date(2024, 2, d) for d in range(8, 15)),
    date(2024, 4, 18),
    *(date(2024, 4, d) for d in (27, 28, 29, 30)),
    date(2024, 5, 1),
    *(date(2024, 8, 31), date(2024, 9, 1), date(2024, 9, 2), date(2024, 9, 3)),
    date(2024, 6, 8),  # an ordinary Saturday
    date(2024, 6, 9),  # an ordinary Sunday
]


@pytest.mark.parametrize("day", DAYS_OFF_2024, ids=str)
def test_holidays_and_weekends_are_not_working_days(day: date) -> None:
    assert not is_working_day(day)


@pytest.mark.parametrize(
    "day",
    [date(2024, 2, 7), date(2024, 2, 15), date(2024, 5, 2), date(2024, 9, 4), date(2024, 12, 31)],
    ids=str,
)
def test_the_days_around_the_holidays_are_working_days(day: date) -> None:
    assert is_working_day(day)


def test_the_saturday_worked_in_exchange_for_the_april_bridge_is_a_working_day() -> None:
    assert date(2024, 5, 4).weekday() == 5
    assert is_working_day(date(2024, 5, 4))


@pytest.mark.parametrize(
    ("day", "before", "after"),
    [
        (date(2024, 6, 10), date(2024, 6, 10), date(2024, 6, 10)),  # a working day is itself
        (date(2024, 6, 8), date(2024, 6, 7), date(2024, 6, 10)),  # a weekend
        (date(2024, 2, 10), date(2024, 2, 7), date(2024, 2, 15)),  # inside Tết
        (date(2024, 4, 29), date(2024, 4, 26), date(2024, 5, 2)),  # the 30/4–1/5 bridge
        (date(2024, 9, 2), date(2024, 8, 30), date(2024, 9, 4)),  # National Day
        (date(2025, 1, 1), date(2024, 12, 31), date(2025, 1, 2)),  # across the year's end
    ],
    ids=str,
)
def test_the_closest_working_day_before_and_after(day: date, before: date, after: date) -> None:
    assert previous_working_day(day) == before
    assert next_working_day(day) == after
