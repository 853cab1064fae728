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
from enum import StrEnum

from domain.text import fold

_ACK_WORDS = frozenset({
    "da nhan", "nhan", "ok", "oke", "okay", "ro", "da ro", "nhan roi", "da nhan duoc",
    "nhan duoc", "da nhan thong tin", "ro roi",
})  # fmt: skip
_PARTICLES = frozenset({"a", "nhe", "nha", "anh", "chi", "em", "roi", "vang", "da", "dong chi"})
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
    while words and words[0] in {"vang", "da", "ok"} and " ".join(words) not in _ACK_WORDS:
        words = words[1:]
    while words and words[-1] in _PARTICLES and " ".join(words) not in _ACK_WORDS:
        words = words[:-1]
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
