"""Task statuses a person can set, and reading them from what people type."""

from __future__ import annotations

import re
from enum import StrEnum

from domain.text import fold, nfc


class Status(StrEnum):
    NOT_STARTED = "chua_trien_khai"
    IN_PROGRESS = "dang_thuc_hien"
    BLOCKED = "gap_vuong_mac"
    DONE = "hoan_thanh"


# Folded phrases people type for each status, longest first so "chua hoan thanh" is not "done".
_PHRASES: tuple[tuple[str, Status], ...] = (
    ("chua trien khai", Status.NOT_STARTED),
    ("chua thuc hien", Status.NOT_STARTED),
    ("chua bat dau", Status.NOT_STARTED),
    ("dang thuc hien", Status.IN_PROGRESS),
    ("dang trien khai", Status.IN_PROGRESS),
    ("dang lam", Status.IN_PROGRESS),
    ("gap vuong mac", Status.BLOCKED),
    ("vuong mac", Status.BLOCKED),
    ("vuong", Status.BLOCKED),
    ("da hoan thanh", Status.DONE),
    ("hoan thanh", Status.DONE),
    ("xong", Status.DONE),
)
_PHRASE_RE = re.compile(
    r"^(" + "|".join(re.escape(p) for p, _ in _PHRASES) + r")(?![a-z0-9])[\s,.:;\-–]*"
)


def parse_status_prefix(text: str) -> tuple[Status, str] | None:
    """Read a status at the start of ``text``; return it and the rest of the text (original case).

    "Đang thực hiện 60% đã trình dự thảo" -> (IN_PROGRESS, "60% đã trình dự thảo").
    """
    folded = fold(text)
    match = _PHRASE_RE.match(folded)
    if not match:
        return None
    status = dict(_PHRASES)[match[1]]
    return status, nfc(text)[match.end() :].strip()
