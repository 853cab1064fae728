"""Read a plan's "Thời gian hoàn thành" cell into milestones.

``read_deadline("Quý II, Quý IV/2024", plan_year=2024)`` gives two milestones, 30/06/2024 and
31/12/2024. The reader is strict on purpose: the whole text must be made of date expressions and
filler words ("và", "trước", "đợt 1", punctuation). Anything else ("Báo cáo kết quả năm 2024",
a product written into the time column) is *unreadable*, so a date is never guessed out of prose.

Choices (documented in docs/FEATURES.md, "How the plan is read"):
- a month, a quarter or a half-year is due on its last day;
- "trong năm", "cuối năm", "năm 2024" are due on 31/12;
- "cuối quý I, đầu quý II" and "đầu quý N" are due at the end of the first month of quarter N;
- a part without a year takes the next year written after it, else the one before, else the
  plan's year ("Quý II, Quý IV/2024", "cuối tháng 6 cuối năm 2024");
- "Theo lộ trình" and "Thường xuyên" have no fixed date: periodic check-ins instead.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from domain.normalize import fold


class Schedule(StrEnum):
    DATED = "dated"  # one or more milestones
    ROADMAP = "roadmap"  # "Theo lộ trình": no fixed date, periodic check-ins
    NONE = "none"  # no date could be read: flagged for the standing office


class Problem(StrEnum):
    EMPTY = "empty"
    UNREADABLE = "unreadable"
    INVALID_DATE = "invalid_date"


@dataclass(frozen=True, order=True)
class Due:
    due: date
    label: str | None = None


@dataclass(frozen=True)
class DeadlineReading:
    schedule: Schedule
    milestones: tuple[Due, ...] = ()
    problem: Problem | None = None


class _Invalid(ValueError):
    """A date expression with impossible numbers (tháng 13, 30/02)."""


@dataclass(frozen=True)
class _Token:
    year: int | None  # the year written in this part, if any
    due: Callable[[int], date] | None  # the milestone, given the year; None for labels
    label: str | None = None


_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_Q = r"(iv|iii|ii|i|[1-4])(?![a-z0-9])"
_YEAR = r"(?:\s*(?:/|nam)\s*(\d{4}))?"
_ROADMAP = re.compile(r"(?:thuc hien\s+)?(?:theo lo trinh|thuong xuyen)(?![a-z])")
_FILLER = re.compile(
    r"[\s,;:.()\-–—+&]+|(?:va|truoc|ngay|han|den|cham nhat|hoan thanh|vao|trong)(?![a-z0-9])"
)


def _month_end(year: int, month: int) -> date:
    if not 1 <= month <= 12:
        raise _Invalid(month)
    return date(year, month, calendar.monthrange(year, month)[1])


def _quarter_end(year: int, quarter: int) -> date:
    return _month_end(year, quarter * 3)


def _first_month_of_quarter_end(year: int, quarter: int) -> date:
    return _month_end(year, quarter * 3 - 2)


def _exact(day: int, month: int) -> Callable[[int], date]:
    def due(year: int) -> date:
        try:
            return date(year, month, day)
        except ValueError as exc:
            raise _Invalid(f"{day}/{month}") from exc

    return due


def _opt_year(text: str | None) -> int | None:
    return int(text) if text else None


def _label(m: re.Match[str]) -> _Token:
    return _Token(None, None, label=f"Đợt {int(m[1])}")


def _early_quarter(m: re.Match[str]) -> _Token:
    quarter = _ROMAN[m[2]]
    return _Token(_opt_year(m[3]), lambda y: _first_month_of_quarter_end(y, quarter))


def _full_date(m: re.Match[str]) -> _Token:
    return _Token(int(m[3]), _exact(int(m[1]), int(m[2])))


def _day_month(m: re.Match[str]) -> _Token:
    return _Token(None, _exact(int(m[1]), int(m[2])))


def _month(m: re.Match[str]) -> _Token:
    month = int(m[1])
    return _Token(_opt_year(m[2]), lambda y: _month_end(y, month))


def _quarter(m: re.Match[str]) -> _Token:
    quarter = _ROMAN[m[1]]
    return _Token(_opt_year(m[2]), lambda y: _quarter_end(y, quarter))


def _half(m: re.Match[str]) -> _Token:
    month = 6 if m[1] == "dau" else 12
    return _Token(_opt_year(m[2]), lambda y: _month_end(y, month))


def _whole_year(m: re.Match[str]) -> _Token:
    return _Token(_opt_year(m[1]), lambda y: date(y, 12, 31))


# Tried in order at each position; the first that matches wins.
_PARTS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], _Token]], ...] = (
    (re.compile(r"dot\s*(\d{1,2})(?![\d/])"), _label),
    (
        re.compile(rf"(?:cuoi\s+quy\s+{_Q}\s*,?\s*(?:va\s+)?)?dau\s+quy\s+{_Q}{_YEAR}"),
        _early_quarter,
    ),
    (re.compile(r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})(?!\d)"), _full_date),
    (re.compile(r"(?:cuoi\s+|het\s+)?thang\s+(\d{1,2})(?![\d.])" + _YEAR), _month),
    (re.compile(r"(\d{1,2})\s*/\s*(\d{4})(?!\d)"), lambda m: _month_from_numbers(m)),
    (re.compile(r"(\d{1,2})\s*/\s*(\d{1,2})(?![\d/])"), _day_month),
    (re.compile(rf"(?:cuoi\s+|het\s+)?quy\s+{_Q}{_YEAR}"), _quarter),
    (re.compile(r"(?:6|sau)\s+thang\s+(dau|cuoi)\s+nam(?:\s+(\d{4}))?"), _half),
    (re.compile(r"nua\s+(dau|cuoi)\s+nam(?:\s+(\d{4}))?"), _half),
    (re.compile(r"(?:trong|cuoi|het|ca)\s+nam(?:\s+(\d{4}))?(?![\d/])"), _whole_year),
    (re.compile(r"nam\s+(\d{4})(?!\d)"), _whole_year),
)


def _month_from_numbers(m: re.Match[str]) -> _Token:
    month = int(m[1])
    return _Token(int(m[2]), lambda y: _month_end(y, month))


def _tokenize(text: str) -> list[_Token] | None:
    """Split folded ``text`` into date parts; None when something else is in it."""
    tokens: list[_Token] = []
    pos = 0
    while pos < len(text):
        for pattern, build in _PARTS:
            match = pattern.match(text, pos)
            if match:
                tokens.append(build(match))
                pos = match.end()
                break
        else:
            filler = _FILLER.match(text, pos)
            if not filler:
                return None
            pos = filler.end()
    return tokens


def _year_for(index: int, tokens: list[_Token], plan_year: int) -> int:
    if tokens[index].year is not None:
        return tokens[index].year  # type: ignore[return-value]
    later = [t.year for t in tokens[index + 1 :] if t.year is not None]
    if later:
        return later[0]
    earlier = [t.year for t in tokens[:index] if t.year is not None]
    return earlier[-1] if earlier else plan_year


def read_deadline(text: str | None, *, plan_year: int) -> DeadlineReading:
    """Read a completion-time cell. Never raises: unreadable text gives ``Schedule.NONE``."""
    folded = fold(text or "").strip(" -–—.,;")
    if not folded:
        return DeadlineReading(Schedule.NONE, problem=Problem.EMPTY)
    if _ROADMAP.match(folded):
        return DeadlineReading(Schedule.ROADMAP)
    tokens = _tokenize(folded)
    if not tokens or all(t.due is None for t in tokens):
        return DeadlineReading(Schedule.NONE, problem=Problem.UNREADABLE)
    dues: dict[date, str | None] = {}
    pending_label: str | None = None
    try:
        for index, token in enumerate(tokens):
            if token.due is None:
                pending_label = token.label
                continue
            year = _year_for(index, tokens, plan_year)
            if not 1900 < year < 2200:
                raise _Invalid(year)
            day = token.due(year)
            dues.setdefault(day, pending_label)
            pending_label = None
    except _Invalid:
        return DeadlineReading(Schedule.NONE, problem=Problem.INVALID_DATE)
    ordered = sorted(dues.items())
    if len(ordered) > 1:
        ordered = [(d, label or f"Đợt {i}") for i, (d, label) in enumerate(ordered, start=1)]
    return DeadlineReading(Schedule.DATED, tuple(Due(d, label) for d, label in ordered))
