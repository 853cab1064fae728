"""What a member answers to a reminder: "đã nhận" in its many spellings, a button's target, and
when a snoozed reminder comes back (pure)."""

from __future__ import annotations

from datetime import date, time
from zoneinfo import ZoneInfo

import pytest

from domain.receipts import (
    Snooze,
    SnoozeRefused,
    Target,
    TargetKind,
    is_acknowledgement,
    parse_snooze,
    parse_target,
    snooze_at,
)
from tests.conftest import local

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.mark.parametrize(
    "text",
    [
        "Đã nhận",
        "đã nhận ạ",
        "Da nhan",
        "DA NHAN.",
        "nhận",
        "OK",
        "ok ạ",
        "Rõ",
        "ro a",
        "đã rõ",
        "Vâng, đã nhận ạ!",
        "Dạ rõ",
        "Đã nhận 👍",
        "đã nhận nhé",
        "Nhận rồi",
    ],
)
def test_received_in_its_spellings_is_an_acknowledgement(text: str) -> None:
    assert is_acknowledgement(text)


@pytest.mark.parametrize(
    "text",
    [
        "xong",
        "60%",
        "đã nhận được hồ sơ của sở tư pháp và đang xử lý",
        "nhận xét: chậm",
        "/danhan r1",
        "không rõ",
        "chưa nhận",
        "ok xong rồi",
        "",
    ],
)
def test_anything_else_is_not(text: str) -> None:
    assert not is_acknowledgement(text)


def test_button_targets_and_snooze_choices() -> None:
    assert parse_target("r12") == Target(TargetKind.REMINDER, 12)
    assert parse_target("a7") == Target(TargetKind.ANNOUNCEMENT, 7)
    for bad in ("r", "x12", "r1 2", "r-1", "r1234567890123", "r١٢"):
        assert parse_target(bad) is None
    assert parse_snooze("r5 chieu") == (Target(TargetKind.REMINDER, 5), Snooze.AFTERNOON)
    assert parse_snooze("r5 3ngay") == (Target(TargetKind.REMINDER, 5), Snooze.THREE_DAYS)
    assert parse_snooze("a5 mai") is None  # an announcement is not snoozed
    assert parse_snooze("r5 sau") is None and parse_snooze("r5") is None


def _local(value: object) -> str:
    assert not isinstance(value, SnoozeRefused), value
    return value.astimezone(ZONE).strftime("%d/%m/%Y %H:%M")  # type: ignore[attr-defined]


def test_this_afternoon_tomorrow_and_three_days_on_the_working_calendar() -> None:
    friday = local("2024-09-27 08:05")  # due Monday 30/09
    due = date(2024, 9, 30)
    assert _local(snooze_at(Snooze.AFTERNOON, friday, ZONE, due)) == "27/09/2024 14:00"
    assert _local(snooze_at(Snooze.TOMORROW, friday, ZONE, due)) == "30/09/2024 08:00"
    assert _local(snooze_at(Snooze.THREE_DAYS, friday, ZONE, due)) == "30/09/2024 08:00"
    # 2/9 and 3/9/2024 are public holidays: "tomorrow" from Friday 30/08 is Wednesday 04/09
    assert _local(snooze_at(Snooze.TOMORROW, local("2024-08-30 09:00"), ZONE, None)) == (
        "04/09/2024 08:00"
    )
    assert _local(snooze_at(Snooze.THREE_DAYS, local("2024-10-01 09:00"), ZONE, None)) == (
        "04/10/2024 08:00"
    )


def test_never_past_the_deadlines_day() -> None:
    due_today = date(2024, 9, 30)
    morning = local("2024-09-30 09:00")
    assert _local(snooze_at(Snooze.TOMORROW, morning, ZONE, due_today)) == "30/09/2024 14:00"
    assert _local(snooze_at(Snooze.THREE_DAYS, local("2024-09-26 09:00"), ZONE, due_today)) == (
        "30/09/2024 08:00"
    )
    evening = local("2024-09-30 15:00")
    assert snooze_at(Snooze.TOMORROW, evening, ZONE, due_today) == SnoozeRefused.PAST_DEADLINE
    assert snooze_at(Snooze.AFTERNOON, evening, ZONE, due_today) == SnoozeRefused.TOO_LATE
    # overdue: no deadline left to keep
    assert _local(snooze_at(Snooze.TOMORROW, evening, ZONE, date(2024, 9, 20))) == (
        "01/10/2024 08:00"
    )


@pytest.mark.parametrize("hour", range(0, 24))
@pytest.mark.parametrize("choice", list(Snooze))
def test_never_in_quiet_hours_and_always_ahead(hour: int, choice: Snooze) -> None:
    now = local(f"2024-10-02 {hour:02d}:30")
    at = snooze_at(choice, now, ZONE, date(2024, 10, 10))
    if isinstance(at, SnoozeRefused):
        assert choice == Snooze.AFTERNOON and hour >= 14
        return
    assert at > now and time(7) <= at.astimezone(ZONE).time() < time(21)
