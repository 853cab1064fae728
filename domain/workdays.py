"""Vietnamese working days, from the maintained ``holidays`` calendar (Tết, 30/4, 1/5, 2/9,
Giỗ Tổ Hùng Vương, days off in lieu, and the Saturdays worked in exchange)."""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _calendar(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("VN", years=year)


@lru_cache(maxsize=8192)
def is_working_day(day: date) -> bool:
    return bool(_calendar(day.year).is_working_day(day))


def previous_working_day(day: date) -> date:
    """``day`` itself if it is a working day, else the closest working day before it."""
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


def next_working_day(day: date) -> date:
    """``day`` itself if it is a working day, else the closest working day after it."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day
