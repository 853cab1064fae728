"""What a member answers to a reminder or an announcement, read from what they typed or tapped.
Pure: no database, no clock.

- "Đã nhận" (with or without diacritics, "nhận", "ok", "rõ", "đã rõ", with a polite particle such
  as "ạ"): an acknowledgement of the message it answers.
- A button's target: ``r<ledger row id>`` (a reminder or digest) or ``a<announcement id>``.
- A snooze choice: this afternoon, the next working day, in three days.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from domain.normalize import fold
from domain.workdays import next_working_day

_ACK_WORDS = frozenset(
    {
        "da nhan",
        "nhan",
        "ok",
        "oke",
        "okay",
        "ro",
        "da ro",
        "nhan roi",
        "da nhan duoc",
        "nhan duoc",
        "da nhan thong tin",
        "ro roi",
    }
)
_PARTICLES = frozenset({"a", "nhe", "nha", "anh", "chi", "em", "roi", "vang", "da", "dong chi"})
_LEADING = frozenset({"vang", "da", "ok", "dong chi"})
_PUNCTUATION = re.compile(r"[\s.,!?;:…~\-–—👍🙏✅]+")
_TARGET = re.compile(r"([ra])([0-9]{1,12})")
MAX_ACK_CHARS = 40


def is_acknowledgement(text: str) -> bool:
    """Whether ``text`` is an answer "received": "Đã nhận ạ", "da nhan", "OK", "Rõ.", "vâng, đã
    nhận". Anything longer or with other words is not (it may be a note or an update)."""
    if len(text) > MAX_ACK_CHARS or text.lstrip().startswith("/"):
        return False
    words = [w for w in _PUNCTUATION.split(fold(text)) if w]
    # polite particles around the words: "vâng đã nhận ạ", "ok nhé", "dạ rõ"
    while len(words) > 1 and words[-1] in _PARTICLES and " ".join(words) not in _ACK_WORDS:
        words = words[:-1]
    while len(words) > 1 and words[0] in _LEADING and " ".join(words) not in _ACK_WORDS:
        words = words[1:]
    return " ".join(words) in _ACK_WORDS


class TargetKind(StrEnum):
    REMINDER = "r"
    ANNOUNCEMENT = "a"


@dataclass(frozen=True)
class Target:
    kind: TargetKind
    id: int

    def __str__(self) -> str:
        return f"{self.kind.value}{self.id}"


def parse_target(text: str) -> Target | None:
    """ "r123" -> a reminder's ledger row, "a7" -> an announcement; None for anything else."""
    match = _TARGET.fullmatch(text.strip().lower())
    if match is None:
        return None
    return Target(TargetKind(match.group(1)), int(match.group(2)))


class Snooze(StrEnum):
    AFTERNOON = "chieu"
    TOMORROW = "mai"
    THREE_DAYS = "3ngay"


def parse_snooze(args: str) -> tuple[Target, Snooze] | None:
    """ "r123 chieu" -> (reminder 123, this afternoon); None for anything else."""
    parts = args.split()
    if len(parts) != 2:
        return None
    target = parse_target(parts[0])
    choice = fold(parts[1])
    if target is None or target.kind != TargetKind.REMINDER:
        return None
    try:
        return target, Snooze(choice)
    except ValueError:
        return None


AFTERNOON = time(14, 0)
MORNING = time(8, 0)


class SnoozeRefused(StrEnum):
    TOO_LATE = "too_late"  # "this afternoon" asked after 14:00
    PAST_DEADLINE = "past_deadline"  # nothing left before the deadline's day ends


def snooze_at(
    choice: Snooze, now: datetime, zone: ZoneInfo, due: date | None
) -> datetime | SnoozeRefused:
    """When a snoozed reminder comes back (UTC): this afternoon at 14:00, the next working day
    at 08:00, or three days later (the next working day from then) at 08:00. Never after the
    deadline's day (a later choice comes back on that day, at 08:00 or 14:00, whichever is still
    ahead), never in quiet hours (21:00-07:00). An overdue task has no deadline left to keep."""
    local = now.astimezone(zone)
    today = local.date()
    if choice == Snooze.AFTERNOON:
        at = datetime.combine(today, AFTERNOON, zone)
        if at <= local:
            return SnoozeRefused.TOO_LATE
    elif choice == Snooze.TOMORROW:
        at = datetime.combine(next_working_day(today + timedelta(days=1)), MORNING, zone)
    else:
        at = datetime.combine(next_working_day(today + timedelta(days=3)), MORNING, zone)
    if due is not None and due >= today and at.date() > due:
        ahead = [
            datetime.combine(due, t, zone)
            for t in (MORNING, AFTERNOON)
            if datetime.combine(due, t, zone) > local
        ]
        if not ahead:
            return SnoozeRefused.PAST_DEADLINE
        at = ahead[0]
    return at.astimezone(UTC)  # 08:00 and 14:00 both lie outside quiet hours (21:00-07:00)


RECEIPTS_AFTER = timedelta(hours=1)
QUIET_START, QUIET_END = time(21, 0), time(7, 0)


def receipts_at(sent: datetime, zone: ZoneInfo) -> datetime:
    """When the sender of an announcement hears how many acknowledged it: an hour later, or at
    07:00 if that falls in quiet hours (21:00-07:00)."""
    local = (sent + RECEIPTS_AFTER).astimezone(zone)
    if local.time() >= QUIET_START:
        local = datetime.combine(local.date() + timedelta(days=1), QUIET_END, zone)
    elif local.time() < QUIET_END:
        local = datetime.combine(local.date(), QUIET_END, zone)
    return local.astimezone(UTC)
