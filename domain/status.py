"""Task statuses a person can set, and reading them from what people type."""

from __future__ import annotations

import re
from enum import StrEnum

from domain.normalize import fold, nfc


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
    ("da xong", Status.DONE),
    ("hoan thanh", Status.DONE),
    ("xong", Status.DONE),
)
_PHRASE_RE = re.compile(
    r"^(" + "|".join(re.escape(p) for p, _ in _PHRASES) + r")(?![a-z0-9])[\s,.:;\-–]*"
)


# Words a phone message may open with before the status: "ok xong ạ", "dạ hoàn thành rồi".
_LEAD_IN = re.compile(
    r"^(?:(?:ok|oke|okay|okie|vang|da|roi|bao cao|em|anh|chi)(?![a-z0-9])[\s,.!:;\-–]*){1,3}"
)


def parse_status_prefix(text: str) -> tuple[Status, str] | None:
    """Read a status at the start of ``text``; return it and the rest of the text (original case).

    "Đang thực hiện 60% đã trình dự thảo" -> (IN_PROGRESS, "60% đã trình dự thảo");
    "ok xong ạ" -> (DONE, "ạ").
    """
    text = nfc(text)
    folded = fold(text)
    lead = _LEAD_IN.match(folded)
    for start in (0, lead.end()) if lead else (0,):
        match = _PHRASE_RE.match(folded[start:])
        if match:
            return dict(_PHRASES)[match[1]], text[start + match.end() :].strip()
    return None
