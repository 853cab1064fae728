"""The deadline reader: every form printed in the annex, what people type, and what it refuses."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.deadlines import Due, Problem, Schedule, read_deadline


def dues(text: str, year: int = 2024) -> list[tuple[date, str | None]]:
    reading = read_deadline(text, plan_year=year)
    assert reading.schedule == Schedule.DATED, (text, reading)
    return [(m.due, m.label) for m in reading.milestones]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Every form printed in the 2024 annex.
        ("Tháng 1/2024", [(date(2024, 1, 31), None)]),
        ("Tháng 2/2024", [(date(2024, 2, 29), None)]),  # 2024 is a leap year
        ("Tháng 5/2024", [(date(2024, 5, 31), None)]),
        ("Tháng 6/2024", [(date(2024, 6, 30), None)]),
        ("Tháng 7/2024", [(date(2024, 7, 31), None)]),
        ("Tháng 9/2024", [(date(2024, 9, 30), None)]),
        ("Quý I/2024", [(date(2024, 3, 31), None)]),
        ("Quý II/2024", [(date(2024, 6, 30), None)]),
        ("Quý III/2024", [(date(2024, 9, 30), None)]),
        ("Quý IV/2024", [(date(2024, 12, 31), None)]),
        ("Trong năm", [(date(2024, 12, 31), None)]),
        (
            "Cuối tháng 6 cuối năm 2024",
            [(date(2024, 6, 30), "Đợt 1"), (date(2024, 12, 31), "Đợt 2")],
        ),
        (
            "- Đợt 1 tháng 6/2024 - Đợt 2 tháng 12/2024",
            [(date(2024, 6, 30), "Đợt 1"), (date(2024, 12, 31), "Đợt 2")],
        ),
        ("Quý II, Quý IV/2024", [(date(2024, 6, 30), "Đợt 1"), (date(2024, 12, 31), "Đợt 2")]),
        # Documented choice: "đầu quý II" = the first month of Q2, due on its last day.
        ("Cuối quý I, đầu quý II/2024", [(date(2024, 4, 30), None)]),
        # Variants people type.
        ("Quý 2/2024", [(date(2024, 6, 30), None)]),
        ("quý II năm 2024", [(date(2024, 6, 30), None)]),
        ("quy ii nam 2024", [(date(2024, 6, 30), None)]),
        ("QUÝ IV/2024", [(date(2024, 12, 31), None)]),
        ("tháng 12/2024", [(date(2024, 12, 31), None)]),
        ("thang 12 nam 2024", [(date(2024, 12, 31), None)]),
        ("6 tháng đầu năm 2024", [(date(2024, 6, 30), None)]),
        ("6 thang cuoi nam 2024", [(date(2024, 12, 31), None)]),
        ("trước 15/3/2024", [(date(2024, 3, 15), None)]),
        ("truoc ngay 15-03-2024", [(date(2024, 3, 15), None)]),
        ("15/3", [(date(2024, 3, 15), None)]),
        ("Năm 2024", [(date(2024, 12, 31), None)]),
        ("cuối năm", [(date(2024, 12, 31), None)]),
        ("Tháng 2", [(date(2024, 2, 29), None)]),  # no year: the plan's year
        ("Quý I và Quý III/2024", [(date(2024, 3, 31), "Đợt 1"), (date(2024, 9, 30), "Đợt 2")]),
        # NFD input (decomposed diacritics) reads the same.
        ("Qu\u0079\u0301 II/2024", [(date(2024, 6, 30), None)]),
    ],
)
def test_reads_printed_and_typed_forms(text: str, expected: list[tuple[date, str | None]]) -> None:
    assert dues(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # An explicit "Đợt" label is kept, not replaced by the position.
        ("Đợt 2 tháng 6/2024", [(date(2024, 6, 30), "Đợt 2")]),
        (
            "Đợt 2 tháng 6/2024 - Đợt 3 tháng 12/2024",
            [(date(2024, 6, 30), "Đợt 2"), (date(2024, 12, 31), "Đợt 3")],
        ),
        # Labels follow their dates when the text is not in date order.
        (
            "Đợt 2 tháng 12/2024, Đợt 1 tháng 6/2024",
            [(date(2024, 6, 30), "Đợt 1"), (date(2024, 12, 31), "Đợt 2")],
        ),
        # A label names the next date only: the one after it is numbered by its position.
        (
            "Đợt 1 tháng 6/2024 và tháng 12/2024",
            [(date(2024, 6, 30), "Đợt 1"), (date(2024, 12, 31), "Đợt 2")],
        ),
    ],
)
def test_batch_labels_belong_to_the_next_date(
    text: str, expected: list[tuple[date, str | None]]
) -> None:
    assert dues(text) == expected


def test_leap_year_february_depends_on_the_year() -> None:
    assert dues("Tháng 2/2023", 2023) == [(date(2023, 2, 28), None)]
    assert dues("Tháng 2/2028", 2028) == [(date(2028, 2, 29), None)]
    assert dues("29/2/2024") == [(date(2024, 2, 29), None)]
    assert read_deadline("29/2/2023", plan_year=2023).problem == Problem.INVALID_DATE


def test_a_part_without_a_year_takes_the_year_written_after_it() -> None:
    assert dues("Quý IV, Quý I/2025", 2024) == [
        (date(2025, 3, 31), "Đợt 1"),
        (date(2025, 12, 31), "Đợt 2"),
    ]
    assert dues("Trong năm", 2025) == [(date(2025, 12, 31), None)]


def test_theo_lo_trinh_has_no_fixed_date() -> None:
    for text in ("Theo lộ trình", "theo lo trinh", "Thường xuyên"):
        reading = read_deadline(text, plan_year=2024)
        assert reading == read_deadline("Theo lộ trình", plan_year=2024)
        assert reading.schedule == Schedule.ROADMAP and reading.milestones == ()


@pytest.mark.parametrize(
    "text",
    [
        # Products that the scan pushed into the time column: never read a date out of them.
        "Báo cáo Kết quả chuyển đổi số năm 2024",
        "Kết quả chuyển đổi số của tỉnh",
        "Sau khi TW công bố các chỉ số năm 2023",
        "Hội nghị đối thoại",
        "và",
        "đợt 1",
        "Tháng",
        "Quý V/2024",
    ],
)
def test_prose_is_unreadable_and_flagged(text: str) -> None:
    reading = read_deadline(text, plan_year=2024)
    assert reading.schedule == Schedule.NONE
    assert reading.milestones == ()
    assert reading.problem == Problem.UNREADABLE


@pytest.mark.parametrize("text", ["tháng 13/2024", "30/2/2024", "32/1/2024", "Tháng 0/2024"])
def test_impossible_dates_are_flagged(text: str) -> None:
    reading = read_deadline(text, plan_year=2024)
    assert (reading.schedule, reading.problem) == (Schedule.NONE, Problem.INVALID_DATE)


@pytest.mark.parametrize("text", [None, "", "   ", " - "])
def test_an_empty_cell_is_flagged(text: str | None) -> None:
    reading = read_deadline(text, plan_year=2024)
    assert (reading.schedule, reading.problem) == (Schedule.NONE, Problem.EMPTY)


def test_milestones_are_sorted_and_deduplicated() -> None:
    assert dues("Quý IV, Quý II, Quý IV/2024") == [
        (date(2024, 6, 30), "Đợt 1"),
        (date(2024, 12, 31), "Đợt 2"),
    ]


@given(st.text(max_size=300))
def test_never_raises_on_arbitrary_text(text: str) -> None:
    reading = read_deadline(text, plan_year=2024)
    assert (reading.schedule == Schedule.DATED) == bool(reading.milestones)
    assert all(isinstance(m, Due) for m in reading.milestones)
