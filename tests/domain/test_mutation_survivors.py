"""Rules the mutation run (scripts/mutation.sh) found untested: each test below fails for a
one-line change that the other unit tests let through (docs/RELIABILITY.md, "Mutation run")."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from domain import access, people
from domain.classify import Batch, Category, Verdict, batches_done, classify
from domain.deadlines import Problem, Schedule, read_deadline
from domain.normalize import shorten, strip_controls
from domain.progress import Change, TaskState, derive_state
from domain.status import Status, parse_status_prefix
from domain.timeline import MilestoneState, Standing, sort_key, standing


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


GROUPS = [people.RoleGroup("pct", "Phó Chủ tịch UBND tỉnh", ("Các Phó Chủ tịch",))]
PEOPLE = [
    people.Person("le-hong-vinh", "Lê Hồng Vinh"),
    people.Person("nguyen-duc-trung", "Nguyễn Đức Trung"),
]


def test_director_cells_with_stray_punctuation_and_a_role_after_the_name() -> None:
    assert people.resolve_directors("Đ/c Lê Hồng Vinh.", PEOPLE, GROUPS).members == (
        "le-hong-vinh",
    )
    assert people.resolve_directors("Phó Chủ tịch UBND tỉnh, phụ trách", PEOPLE, GROUPS).groups == (
        "pct",
    )
    assert people.resolve_directors(
        "Các đồng chí Phó Chủ tịch UBND tỉnh", PEOPLE, GROUPS
    ).groups == ("pct",)
    # An empty part is skipped, and the parts after it are still read.
    assert people.resolve_directors("; ;Đ/c Nguyễn Đức Trung", PEOPLE, GROUPS).members == (
        "nguyen-duc-trung",
    )
    # A person's name is never taken for a group, even when a group would match the rest.
    assert people.resolve_directors(
        "Đ/c Lê Hồng Vinh, Phó Chủ tịch UBND tỉnh", PEOPLE, GROUPS
    ) == people.resolve_directors("Lê Hồng Vinh", PEOPLE, GROUPS)


def test_closest_names_stop_at_the_limit() -> None:
    named = [people.Person(f"p{n}", f"Nguyễn Văn A{n}") for n in range(6)]
    assert people.closest_names("Nguyen Van A", named) == [  # difflib's order: best, then last
        "Nguyễn Văn A5",
        "Nguyễn Văn A4",
        "Nguyễn Văn A3",
    ]
    assert len(people.closest_names("Nguyen Van A", named, limit=5)) == 5
    assert people.closest_names("Văn", named, limit=2) == ["Nguyễn Văn A0", "Nguyễn Văn A1"]
    assert people.closest_names("zzzz", named) == []


AGENCIES = [
    people.NamedAgency("so-noi-vu", "Sở Nội vụ", ("SNV",)),
    people.NamedAgency("so-tai-chinh", "Sở Tài chính"),
]


def test_find_agency_by_name_alias_or_key() -> None:
    assert people.find_agency("so noi vu.", AGENCIES) == AGENCIES[0]
    assert people.find_agency("snv", AGENCIES) == AGENCIES[0]
    assert people.find_agency("so-tai-chinh", AGENCIES) == AGENCIES[1]
    assert people.find_agency("Sở Tài", AGENCIES) is None
    assert people.closest_agencies("So Tai chin", AGENCIES) == ["Sở Tài chính", "Sở Nội vụ"]
    assert people.closest_agencies("Sở", AGENCIES, limit=1) == ["Sở Nội vụ"]


def test_slug() -> None:
    assert people.slug("Nguyễn Văn An") == "nguyen-van-an"
    assert people.slug("  Đ/c  Lê Hồng Vinh (PCT) ") == "d-c-le-hong-vinh-pct"
    assert people.slug("!!!") == "x"
    assert people.slug("a" * 80) == "a" * 60


def test_a_month_and_year_in_numbers() -> None:
    assert dues("6/2025", plan_year=2024) == [(date(2025, 6, 30), None)]
    assert dues("02/2024", plan_year=2030) == [(date(2024, 2, 29), None)]


def test_text_helpers_at_their_edges() -> None:
    assert strip_controls("a\ud800b") == "ab"  # a lone surrogate (category Cs) is dropped
    assert shorten("one two three four five", 16) == "one two three…"  # the last space
    assert shorten("abcde fghijklm", 10) == "abcde fgh…"  # a space at half the limit: hard
    assert shorten("abcd efghijklm", 10) == "abcd efgh…"
    assert shorten("abcdefgX yz", 9) == "abcdefgX…"


def test_closest_agencies_offer_three_by_default() -> None:
    agencies = [people.NamedAgency(f"so-{n}", f"Sở Số {n}") for n in range(5)]
    assert len(people.closest_agencies("So So", agencies)) == 3


AT = [datetime(2024, 3, day, 9, 0, tzinfo=UTC) for day in range(1, 10)]


def status(at: datetime, new: Status | None, progress: int | None = None) -> Change:
    return Change("status", None, new, progress, at)


def test_replaying_an_empty_history_is_not_started() -> None:
    assert derive_state([]) == TaskState(Status.NOT_STARTED, None, frozenset(), None, None, ())


def test_replaying_task_level_changes() -> None:
    history = [
        status(AT[0], Status.IN_PROGRESS, 40),
        Change("note", None, None, None, AT[1]),  # a note: the last update, not a status
        status(AT[2], Status.BLOCKED),  # no progress given: the 40% stays
    ]
    assert derive_state(history) == TaskState(Status.BLOCKED, 40, frozenset(), AT[2], None, ())
    history += [status(AT[3], Status.DONE), status(AT[4], Status.DONE, 90)]
    # Done: 100% unless given; done since the first of the two, with the later progress.
    assert derive_state(history) == TaskState(Status.DONE, 90, frozenset(), AT[4], AT[3], ())
    history += [status(AT[5], Status.NOT_STARTED)]
    assert derive_state(history) == TaskState(
        Status.NOT_STARTED, None, frozenset(), AT[5], None, ()
    )
    assert derive_state([status(AT[0], Status.DONE)]).progress == 100
    assert derive_state([status(AT[0], None, 50)]) == TaskState(updated_at=AT[0])


def test_replaying_milestone_changes_touches_only_that_milestone() -> None:
    history = [
        Change("status", 8, Status.DONE, None, AT[0]),
        Change("status", 7, Status.DONE, None, AT[1]),
        Change("status", 8, Status.DONE, None, AT[2]),  # again: done since the first time
        Change("status", 9, Status.DONE, None, AT[3]),
        Change("status", 9, Status.IN_PROGRESS, None, AT[4]),  # reopened
        Change("status", 6, Status.IN_PROGRESS, None, AT[4]),  # never done: nothing to reopen
    ]
    assert derive_state(history) == TaskState(
        Status.NOT_STARTED, None, frozenset({7, 8}), AT[4], None, ((7, AT[1]), (8, AT[0]))
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Đang thực hiện 60% đã trình dự thảo", (Status.IN_PROGRESS, "60% đã trình dự thảo")),
        ("chua hoan thanh", None),  # not "done"
        ("Chưa triển khai", (Status.NOT_STARTED, "")),
        ("xong: đã ban hành", (Status.DONE, "đã ban hành")),
        ("xongxuoi", None),
        ("vướng mắc - chờ kinh phí", (Status.BLOCKED, "chờ kinh phí")),
        ("ghi chú", None),
    ],
)
def test_reading_a_status_at_the_start(text: str, expected: tuple[Status, str] | None) -> None:
    assert parse_status_prefix(text) == expected


def test_standing_is_the_earliest_open_milestone() -> None:
    today = date(2024, 6, 10)
    milestones = [
        MilestoneState(3, "Đợt 2", date(2024, 12, 31), False),
        MilestoneState(2, "Đợt 1", date(2024, 6, 30), True),
        MilestoneState(5, None, date(2024, 6, 5), False),
        MilestoneState(4, None, date(2024, 6, 5), False),
    ]
    late = standing(milestones, task_done=False, today=today)
    assert late == Standing(milestones[3], -5) and late.overdue
    assert standing(milestones, task_done=True, today=today) == Standing(None, None)
    assert standing(milestones[1:2], task_done=False, today=today) == Standing(None, None)
    due_today = standing(milestones[2:3], task_done=False, today=date(2024, 6, 5))
    assert due_today.days == 0 and not due_today.overdue
    assert not Standing(None, None).overdue
    assert sort_key(late, 7) == (0, -5, 7)
    assert sort_key(Standing(None, None), 7) == (1, 0, 7)


def test_who_holds_which_role_and_what_they_may_do() -> None:
    who = access.Who(member_id=1, group_ids=frozenset({10}), agency_ids=frozenset({20}))
    seats = [
        access.Seat(access.Role.DIRECTOR, member_id=2),
        access.Seat(access.Role.LEAD, group_id=11),
        access.Seat(access.Role.COORDINATING, agency_id=20),
        access.Seat(access.Role.LEAD),  # a seat naming nobody reaches nobody
    ]
    assert access.roles_of(who, seats) == {access.Role.COORDINATING}
    assert access.roles_of(who, [access.Seat(access.Role.DIRECTOR, member_id=1)]) == {
        access.Role.DIRECTOR
    }
    assert access.roles_of(who, [access.Seat(access.Role.LEAD, group_id=10)]) == {access.Role.LEAD}
    assert access.roles_of(access.Who(member_id=3), seats) == frozenset()
    assert (
        access.main_role([access.Role.COORDINATING, access.Role.LEAD, access.Role.DIRECTOR])
        == access.Role.DIRECTOR
    )
    assert access.main_role([access.Role.COORDINATING, access.Role.LEAD]) == access.Role.LEAD
    assert access.main_role([access.Role.COORDINATING]) == access.Role.COORDINATING
    assert access.main_role([]) is None
    member = access.Who(member_id=1)
    assert [access.may_change_status(member, frozenset({r})) for r in access.ROLE_ORDER] == [
        True,
        True,
        False,
    ]
    assert [access.may_add_note(member, frozenset({r})) for r in access.ROLE_ORDER] == [
        True,
        True,
        True,
    ]
    assert not access.may_change_status(member, frozenset()) and not access.may_add_note(
        member, frozenset()
    )
    admin = access.Who(member_id=1, is_admin=True)
    assert access.may_change_status(admin, frozenset()) and access.may_add_note(admin, frozenset())
    assert access.sees_whole_plan(admin) and not access.sees_whole_plan(member)
    assert all(
        access.sees_whole_plan(access.Who(member_id=1, committee_role=r)) for r in access.LEADERSHIP
    )
    assert not access.sees_whole_plan(access.Who(member_id=1, committee_role="uy_vien"))


def test_an_officer_is_reached_through_the_collectives_of_their_category() -> None:
    own = [(1, "so_nganh"), (2, None)]
    collectives = [(90, ["so_nganh", "ban"]), (91, ["huyen"]), (92, [])]
    assert access.reaching_agencies(own, collectives) == {1, 2, 90}
    assert access.reaching_agencies([(2, None)], collectives) == {2}
    assert access.reaching_agencies([], collectives) == frozenset()
