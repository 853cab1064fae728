"""Rules the mutation run (scripts/mutation.sh) found untested: each test below fails for a
one-line change that the other unit tests let through (docs/RELIABILITY.md, "Mutation run")."""

from __future__ import annotations

from datetime import date

import pytest

from domain.classify import Batch, Category, Verdict, batches_done, classify
from domain.deadlines import Problem, Schedule, read_deadline
from domain.people import (
    NamedAgency,
    Person,
    RoleGroup,
    closest_agencies,
    closest_names,
    find_agency,
    resolve_directors,
    slug,
)


def dues(text: str, plan_year: int) -> list[tuple[date, str | None]]:
    reading = read_deadline(text, plan_year=plan_year)
    assert reading.schedule == Schedule.DATED, (text, reading)
    return [(m.due, m.label) for m in reading.milestones]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Tháng 6/2025", date(2025, 6, 30)),
        ("Đầu quý II/2025", date(2025, 4, 30)),
        ("6 tháng đầu năm 2025", date(2025, 6, 30)),
        ("Năm 2025", date(2025, 12, 31)),
        ("15/3/2025", date(2025, 3, 15)),
    ],
)
def test_a_printed_year_wins_over_the_plans(text: str, expected: date) -> None:
    assert dues(text, plan_year=2024) == [(expected, None)]


def test_a_date_without_a_year_takes_the_next_printed_year_else_the_last_one_before() -> None:
    assert dues("Tháng 6/2023, tháng 12, tháng 3/2025", plan_year=2030) == [
        (date(2023, 6, 30), "Đợt 1"),
        (date(2025, 3, 31), "Đợt 2"),
        (date(2025, 12, 31), "Đợt 3"),
    ]
    assert [d for d, _ in dues("Tháng 1/2023, tháng 2/2024, tháng 3/2025, tháng 12", 2030)] == [
        date(2023, 1, 31),
        date(2024, 2, 29),
        date(2025, 3, 31),
        date(2025, 12, 31),
    ]


@pytest.mark.parametrize(
    ("text", "readable"),
    [
        ("Tháng 6/1900", False),
        ("Tháng 6/1901", True),
        ("Tháng 6/2199", True),
        ("Tháng 6/2200", False),
    ],
)
def test_years_out_of_range_are_invalid(text: str, readable: bool) -> None:
    reading = read_deadline(text, plan_year=2024)
    if readable:
        assert reading.schedule == Schedule.DATED
    else:
        assert (reading.schedule, reading.problem) == (Schedule.NONE, Problem.INVALID_DATE)


def test_batches_keep_their_ids_and_extended_dates() -> None:
    batches = batches_done(
        [(7, date(2024, 6, 30), date(2024, 7, 31)), (8, date(2024, 12, 31), date(2024, 12, 31))],
        {8: date(2024, 12, 1)},
        None,
    )
    assert batches == [
        Batch(7, date(2024, 6, 30), date(2024, 7, 31), None),
        Batch(8, date(2024, 12, 31), date(2024, 12, 31), date(2024, 12, 1)),
    ]


def test_a_task_marked_done_with_a_batch_left_open_is_judged_on_today_for_that_batch() -> None:
    # Marked done as a whole while the second batch has no day of its own: done, and late by
    # the days that batch is past its date today.
    batches = [
        Batch(1, date(2024, 6, 30), date(2024, 6, 30), date(2024, 6, 1)),
        Batch(2, date(2024, 9, 30), date(2024, 9, 30), None),
    ]
    assert classify(batches, task_done=True, today=date(2024, 10, 5)) == Verdict(
        Category.DONE_LATE, 5, date(2024, 9, 30), None
    )
    assert classify(batches, task_done=True, today=date(2024, 9, 1)) == Verdict(
        Category.DONE_ON_TIME
    )
    assert classify(batches, task_done=False, today=date(2024, 9, 1)) == Verdict(
        Category.ON_TRACK, None, date(2024, 9, 30), None
    )


GROUPS = [RoleGroup("pct", "Phó Chủ tịch UBND tỉnh", ("Các Phó Chủ tịch",))]
PEOPLE = [Person("le-hong-vinh", "Lê Hồng Vinh"), Person("nguyen-duc-trung", "Nguyễn Đức Trung")]


def test_director_cells_with_stray_punctuation_and_a_role_after_the_name() -> None:
    assert resolve_directors("Đ/c Lê Hồng Vinh.", PEOPLE, GROUPS).members == ("le-hong-vinh",)
    assert resolve_directors("Phó Chủ tịch UBND tỉnh, phụ trách", PEOPLE, GROUPS).groups == ("pct",)
    assert resolve_directors("Các đồng chí Phó Chủ tịch UBND tỉnh", PEOPLE, GROUPS).groups == (
        "pct",
    )
    # An empty part is skipped, and the parts after it are still read.
    assert resolve_directors("; ;Đ/c Nguyễn Đức Trung", PEOPLE, GROUPS).members == (
        "nguyen-duc-trung",
    )
    # A person's name is never taken for a group, even when a group would match the rest.
    assert resolve_directors(
        "Đ/c Lê Hồng Vinh, Phó Chủ tịch UBND tỉnh", PEOPLE, GROUPS
    ) == resolve_directors("Lê Hồng Vinh", PEOPLE, GROUPS)


def test_closest_names_stop_at_the_limit() -> None:
    people = [Person(f"p{n}", f"Nguyễn Văn A{n}") for n in range(6)]
    assert closest_names("Nguyen Van A", people) == [  # difflib's order: best, then last
        "Nguyễn Văn A5",
        "Nguyễn Văn A4",
        "Nguyễn Văn A3",
    ]
    assert len(closest_names("Nguyen Van A", people, limit=5)) == 5
    assert closest_names("Văn", people, limit=2) == ["Nguyễn Văn A0", "Nguyễn Văn A1"]
    assert closest_names("zzzz", people) == []


AGENCIES = [
    NamedAgency("so-noi-vu", "Sở Nội vụ", ("SNV",)),
    NamedAgency("so-tai-chinh", "Sở Tài chính"),
]


def test_find_agency_by_name_alias_or_key() -> None:
    assert find_agency("so noi vu.", AGENCIES) == AGENCIES[0]
    assert find_agency("snv", AGENCIES) == AGENCIES[0]
    assert find_agency("so-tai-chinh", AGENCIES) == AGENCIES[1]
    assert find_agency("Sở Tài", AGENCIES) is None
    assert closest_agencies("So Tai chin", AGENCIES) == ["Sở Tài chính", "Sở Nội vụ"]
    assert closest_agencies("Sở", AGENCIES, limit=1) == ["Sở Nội vụ"]


def test_slug() -> None:
    assert slug("Nguyễn Văn An") == "nguyen-van-an"
    assert slug("  Đ/c  Lê Hồng Vinh (PCT) ") == "d-c-le-hong-vinh-pct"
    assert slug("!!!") == "x"
    assert slug("a" * 80) == "a" * 60
