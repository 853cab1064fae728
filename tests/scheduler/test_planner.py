"""The planner table: offsets, weekend and holiday moves, merging, quiet hours, the overdue
cadence, escalation, check-ins and digests. Pure functions, times in Vietnam."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain.workdays import is_working_day
from scheduler.planner import (
    Kind,
    MilestonePlan,
    Rules,
    TaskPlan,
    digest_instants,
    plan_task,
    quiet_adjusted,
)

VN = ZoneInfo("Asia/Ho_Chi_Minh")
DAYS = tuple(timedelta(days=d) for d in (7, 3, 1, 0))
RULES = Rules(offsets=DAYS, send_time=time(8, 0), zone=VN)


def vn(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=VN)


def plan(due: date, *, rules: Rules = RULES, done: bool = False, start: str = "2024-01-01 00:00",
         end: str = "2025-01-01 00:00", kinds: tuple[Kind, ...] = (Kind.DEADLINE,)) -> list[str]:  # fmt: skip
    task = TaskPlan(1, milestones=(MilestonePlan(11, due, done),))
    found = plan_task(task, rules, vn(start).astimezone(UTC), vn(end).astimezone(UTC))
    return [o.at.astimezone(VN).strftime("%d/%m %H:%M") for o in found if o.kind in kinds]


def test_each_offset_at_the_reminder_time() -> None:
    # Due Wednesday 15/05/2024: 08/05 (Wed), 12/05 is a Sunday -> Friday 10/05, 14/05, 15/05.
    assert plan(date(2024, 5, 15)) == ["08/05 08:00", "10/05 08:00", "14/05 08:00", "15/05 08:00"]


def test_i10_the_3_day_and_1_day_reminders_merge_on_friday() -> None:
    # I.10 is due Monday 30/09/2024: 3 days before is Friday 27/09, 1 day before is Sunday 29/09
    # which moves back to Friday 27/09: one reminder, not two.
    assert plan(date(2024, 9, 30)) == ["23/09 08:00", "27/09 08:00", "30/09 08:00"]


def test_tet_2024_moves_reminders_before_the_holiday() -> None:
    # Tết 2024: 08-14/02 are days off. Due Thursday 15/02: 7d (08/02), 3d (12/02) and 1d
    # (14/02) all move back to Wednesday 07/02.
    assert [
        d for d in (date(2024, 2, 8) + timedelta(n) for n in range(7)) if is_working_day(d)
    ] == []
    assert plan(date(2024, 2, 15)) == ["07/02 08:00", "15/02 08:00"]


@pytest.mark.parametrize(
    ("due", "expected"),
    [
        (date(2024, 5, 2), ["25/04 08:00", "26/04 08:00", "02/05 08:00"]),  # 29/4, 30/4, 1/5 off
        (date(2024, 9, 4), ["28/08 08:00", "30/08 08:00", "04/09 08:00"]),  # 2/9 and 3/9 off
        (
            date(2024, 4, 19),
            ["12/04 08:00", "16/04 08:00", "17/04 08:00", "19/04 08:00"],
        ),  # Giỗ Tổ 18/4
    ],
)
def test_public_holidays_and_days_in_lieu(due: date, expected: list[str]) -> None:
    assert plan(due) == expected


def test_completed_milestones_and_tasks_get_nothing() -> None:
    assert plan(date(2024, 9, 30), done=True, kinds=tuple(Kind)) == []
    done_task = TaskPlan(1, done=True, milestones=(MilestonePlan(11, date(2024, 9, 30)),))
    assert plan_task(done_task, RULES, vn("2024-01-01 00:00"), vn("2025-01-01 00:00")) == []


def test_coordinating_agencies_are_asked_at_the_first_offset() -> None:
    assert plan(date(2024, 9, 30), kinds=(Kind.COORDINATION,)) == ["23/09 08:00"]


def test_overdue_the_next_working_day_then_weekly_and_escalated_after_14_days() -> None:
    # Due Friday 31/05/2024: overdue Monday 03/06, then 10/06, 17/06 (17 days late: escalated).
    overdue = plan(date(2024, 5, 31), end="2024-06-25 00:00", kinds=(Kind.OVERDUE,))
    escalated = plan(date(2024, 5, 31), end="2024-06-25 00:00", kinds=(Kind.ESCALATION,))
    assert overdue == ["03/06 08:00", "10/06 08:00", "17/06 08:00", "24/06 08:00"]
    assert escalated == ["17/06 08:00", "24/06 08:00"]


def test_a_week_of_tet_does_not_plan_the_same_overdue_reminder_twice() -> None:
    # I.1, due 31/01/2024: overdue 01/02, then 08/02 falls in Tết (08-14/02) and moves to
    # 15/02, where the next week's step lands too: one reminder on 15/02, not two.
    overdue = plan(date(2024, 1, 31), end="2024-02-29 00:00", kinds=(Kind.OVERDUE,))
    escalated = plan(date(2024, 1, 31), end="2024-02-29 00:00", kinds=(Kind.ESCALATION,))
    assert overdue == ["01/02 08:00", "15/02 08:00", "22/02 08:00"]
    assert escalated == ["15/02 08:00", "22/02 08:00"]


def test_escalation_threshold_is_configurable() -> None:
    rules = Rules(offsets=DAYS, send_time=time(8), zone=VN, escalate_after_days=3)
    assert plan(date(2024, 5, 31), rules=rules, end="2024-06-12 00:00", kinds=(Kind.ESCALATION,)) == [
        "03/06 08:00", "10/06 08:00"
    ]  # fmt: skip


def test_roadmap_tasks_get_a_monthly_check_in_on_the_first_working_day() -> None:
    task = TaskPlan(4, roadmap=True)
    found = plan_task(task, RULES, vn("2024-01-01 00:00"), vn("2024-10-01 00:00"))
    days = [o.at.astimezone(VN).strftime("%d/%m") for o in found]
    assert [o.kind for o in found] == [Kind.CHECKIN] * 9
    # 01/01 is New Year's Day; 01/06 is a Saturday; 01/09 a Sunday then 2-3/09 National Day.
    assert days == ["02/01", "01/02", "01/03", "01/04", "02/05", "03/06", "01/07", "01/08", "04/09"]


def test_quiet_hours_push_to_seven_in_the_morning() -> None:
    assert quiet_adjusted(vn("2024-03-20 21:30"), RULES) == vn("2024-03-21 07:00")
    assert quiet_adjusted(vn("2024-03-20 05:00"), RULES) == vn("2024-03-20 07:00")
    assert quiet_adjusted(vn("2024-03-20 20:59"), RULES) == vn("2024-03-20 20:59")
    early = Rules(offsets=DAYS, send_time=time(6, 0), zone=VN)
    assert plan(date(2024, 5, 15), rules=early)[0] == "08/05 07:00"


def test_second_offsets_for_demos_are_not_moved_to_working_days() -> None:
    rules = Rules(offsets=(timedelta(seconds=90), timedelta(0)), send_time=time(8), zone=VN)
    # Due Sunday 29/09/2024: 90 s before 08:00 is 07:58:30 that Sunday (not moved), while the
    # whole-day offset 0d moves back to Friday 27/09.
    assert plan(date(2024, 9, 29), rules=rules) == ["27/09 08:00", "29/09 07:58"]


def test_an_extension_is_planned_from_the_new_date() -> None:
    extended = TaskPlan(1, milestones=(MilestonePlan(11, date(2024, 10, 31)),))
    found = plan_task(extended, RULES, vn("2024-09-01 00:00"), vn("2024-11-01 00:00"))
    assert all(o.due == date(2024, 10, 31) for o in found)
    assert "27/09" not in [o.at.astimezone(VN).strftime("%d/%m") for o in found]


def test_digests_on_monday_or_the_next_working_day() -> None:
    found = digest_instants(RULES, vn("2024-08-26 00:00"), vn("2024-09-17 00:00"))
    assert [d.astimezone(VN).strftime("%a %d/%m %H:%M") for d in found] == [
        "Mon 26/08 08:00", "Wed 04/09 08:00", "Mon 09/09 08:00", "Mon 16/09 08:00"
    ]  # fmt: skip
