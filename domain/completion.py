"""Read what follows "hoàn thành" in a phone message: the day it was done, the document or
result that shows it, and what is left (a note). Pure.

"hoàn thành ngày 25/01/2024 Quyết định số 45/QĐ-UBND" -> done on 25/01/2024, document
Quyết định 45/QĐ-UBND. "QĐ số 45/QĐ-UBND ngày 25/01/2024" -> the document's date is the day.
Particles people end a message with ("rồi", "nhé", "ạ", "nha", "á") are not a product: a result
is recognised only when it looks like a document (a kind such as Quyết định, a number such as
45/QĐ-UBND) or is introduced by "sản phẩm:" / "kết quả:".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from domain.normalize import fold, nfc

# Folded words that carry no content at either end of a message.
PARTICLES = frozenset(
    [
        "roi",
        "r",
        "nhe",
        "nha",
        "nhen",
        "nhi",
        "a",
        "ah",
        "ak",
        "ha",
        "hen",
        "ok",
        "oke",
        "okay",
        "okie",
        "vang",
        "day",
        "luon",
        "xong",
        "thoi",
        "ma",
        "em",
        "anh",
        "chi",
        "oi",
    ]
)
# Words that only lead into a document ("theo Công văn …"): alone, they are not a note.
_CONNECTORS = frozenset(["theo", "tai", "bang", "kem", "voi", "la", "co"])
_KINDS: tuple[tuple[str, str], ...] = (
    ("quyet dinh", "Quyết định"),
    ("ke hoach", "Kế hoạch"),
    ("bao cao", "Báo cáo"),
    ("cong van", "Công văn"),
    ("van ban", "Văn bản"),
    ("thong bao", "Thông báo"),
    ("chi thi", "Chỉ thị"),
    ("nghi quyet", "Nghị quyết"),
    ("to trinh", "Tờ trình"),
    ("huong dan", "Hướng dẫn"),
    ("de an", "Đề án"),
    ("chuong trinh", "Chương trình"),
    ("ket luan", "Kết luận"),
)
_SHORT_KINDS = {
    "qd": "Quyết định",
    "kh": "Kế hoạch",
    "bc": "Báo cáo",
    "cv": "Công văn",
    "tb": "Thông báo",
    "ttr": "Tờ trình",
    "hd": "Hướng dẫn",
    "nq": "Nghị quyết",
    "ct": "Chỉ thị",
}
_KIND_NAMES = dict(_KINDS) | _SHORT_KINDS
_DATE = r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})"
_NUMBER = r"\d+[a-z0-9.]*/[a-z0-9./\-]*[a-z0-9]"
_SEP = r"[\s,.:;\-–]*"
_DAY_FIRST = re.compile(
    rf"^(?:ngay hoan thanh|hoan thanh ngay|ngay|vao ngay|tu ngay)?\s*{_DATE}{_SEP}"
)
_DAY_LATER = re.compile(rf"(?:^|[\s,;(])(?:ngay hoan thanh|hoan thanh ngay|vao ngay)\s*{_DATE}")
_TODAY = re.compile(rf"^(?:ngay )?hom nay(?![a-z]){_SEP}")
_YESTERDAY = re.compile(rf"^(?:ngay )?hom qua(?![a-z]){_SEP}")
_RESULT = re.compile(rf"^(?:san pham|ket qua|van ban|tai lieu)\s*:{_SEP}")
_FULL_KIND = re.compile(r"(?:^|(?<=[\s,;(]))(" + "|".join(k for k, _ in _KINDS) + r")(?![a-z])")
_SHORT_KIND = re.compile(
    r"(?:^|(?<=[\s,;(]))(" + "|".join(_SHORT_KINDS) + r")(?![a-z])\s*(?:so\s*)?(?=\d)"
)
_SO_NUMBER = re.compile(rf"(?:^|(?<=[\s,;(]))(?:so\s*)?({_NUMBER})")
_NUMBER_IN = re.compile(rf"(?:so\s*)?({_NUMBER})")
_DOC_DATE = re.compile(rf"ngay\s*{_DATE}")
_WORD = re.compile(r"[a-z0-9]+")


class CompletionError(StrEnum):
    BAD_DATE = "bad_date"  # not a calendar day
    FUTURE = "future"
    BEFORE_PLAN = "before_plan"


@dataclass(frozen=True)
class Evidence:
    """The document or result that shows a task done, as written, with what could be read."""

    text: str
    kind: str | None = None  # "Quyết định"
    number: str | None = None  # "45/QĐ-UBND"
    on: date | None = None  # the document's date


@dataclass(frozen=True)
class Completion:
    day: date | None  # the day it was done, when the message gives one (else: today)
    evidence: Evidence | None
    note: str  # anything else, as written ("" when nothing but particles)


def _day(match: re.Match[str], first: int) -> date | None:
    try:
        return date(int(match[first + 2]), int(match[first + 1]), int(match[first]))
    except ValueError:
        return None


def only_particles(text: str) -> bool:
    """True when ``text`` holds nothing but particles and punctuation ("rồi nhé!", "ạ")."""
    return all(w in PARTICLES for w in _WORD.findall(fold(text)))


def _trim(text: str) -> str:
    """Drop particles and punctuation at both ends of ``text`` (kept as written otherwise)."""
    words = text.split()
    while words and only_particles(words[-1]):
        words.pop()
    while words and only_particles(words[0]):
        words.pop(0)
    return " ".join(words).strip(" ,.;:-–!?")


def read_evidence(text: str) -> Evidence:
    """Kind, number and date of a document written by a person, as far as they can be read."""
    text = nfc(text)
    folded = fold(text)
    kind = None
    full = _FULL_KIND.search(folded)
    short = _SHORT_KIND.search(folded)
    if full and (not short or full.start() <= short.start()):
        kind = _KIND_NAMES[full[1]]
    elif short:
        kind = _KIND_NAMES[short[1]]
    number_match = _NUMBER_IN.search(folded)
    number = text[number_match.start(1) : number_match.end(1)] if number_match else None
    date_match = _DOC_DATE.search(folded)
    on = _day(date_match, 1) if date_match else None
    return Evidence(text, kind, number, on)


def _document_start(folded: str) -> int | None:
    """Where a document begins in the folded text, if something there looks like one."""
    result = _RESULT.match(folded)
    if result:
        return result.end()
    starts = []
    full = _FULL_KIND.search(folded)
    if full and (full.start() == 0 or _NUMBER_IN.search(folded, full.end())):
        starts.append(full.start())
    short = _SHORT_KIND.search(folded)
    if short:
        starts.append(short.start())
    number = _SO_NUMBER.search(folded)
    if number:
        starts.append(number.start() + (len(number[0]) - len(number[0].lstrip())))
    return min(starts) if starts else None


def _take_day(text: str, today: date) -> tuple[date | None, str] | CompletionError:
    """The day the text says the task was done ("hôm nay", "hôm qua", a date first or later
    on), and the text without it; BAD_DATE for a date that is not a calendar day."""
    folded = fold(text)
    for pattern, value in ((_TODAY, today), (_YESTERDAY, today - timedelta(days=1))):
        found = pattern.match(folded)
        if found:
            return value, _trim(text[found.end() :])
    first = _DAY_FIRST.match(folded)
    found = first or _DAY_LATER.search(folded)
    if found is None:
        return None, text
    day = _day(found, 1)
    if day is None:
        return CompletionError.BAD_DATE
    if first:
        return day, _trim(text[found.end() :])
    cut = found.start() + (1 if folded[found.start()] in " ,;(" else 0)
    return day, _trim(text[:cut] + " " + text[found.end() :])


def parse_completion(text: str, *, today: date) -> Completion | CompletionError:
    """What follows "hoàn thành": the day it was done, the document, a note. The day is never
    checked against the plan here (see ``check_day``); a date that is not a calendar day is."""
    text = nfc(text)
    text = _trim(text)
    taken = _take_day(text, today)
    if isinstance(taken, CompletionError):
        return taken
    day, text = taken
    folded = fold(text)
    begins = _document_start(folded)
    evidence = None
    note = text
    if begins is not None:
        document = _trim(text[begins:])
        note = _trim(text[:begins] if not _RESULT.match(folded) else "")
        if document:
            evidence = read_evidence(document)
            if evidence.on is None and _DOC_DATE.search(fold(document)):
                return CompletionError.BAD_DATE
    if day is None and evidence is not None and evidence.on is not None:
        day = evidence.on
    empty = all(w in PARTICLES | _CONNECTORS for w in _WORD.findall(fold(note)))
    return Completion(day, evidence, "" if empty else note)


_UNSURE = re.compile(r"(?:^|\s)(chua|mot phan|khong|gan|sap|mai|dang)(?![a-z])")


def sounds_unsure(note: str) -> bool:
    """A note that takes the completion back ("xong một phần", "chưa ký", "sắp xong"): the
    bot asks instead of recording the task done."""
    return bool(_UNSURE.search(fold(note)))


_DONE_WORDS = r"(?:xong|hoan thanh|hoan tat)"
# An unsure word before the completion word, at most one word apart ("sắp xong", "chưa kịp
# xong", "gần như hoàn thành"), or a part of it after ("xong một phần", "hoàn thành chưa").
_UNSURE_BEFORE = re.compile(
    r"(?:^|\s)(?:sap|gan|chua|dang|se|mai|co ban|khong)\s+(?:[a-z0-9]+\s+)?"
    + _DONE_WORDS
    + r"(?![a-z])"
)
_UNSURE_AFTER = re.compile(
    r"(?:^|\s)" + _DONE_WORDS + r"\s+(?:duoc\s+)?(?:mot phan|1 phan|phan lon|chua|mot nua)(?![a-z])"
)


def unsure_of_completion(text: str) -> bool:
    """Whether ``text`` speaks of completion in an unsure way ("sắp xong", "gần xong", "chưa
    xong", "xong một phần", "sắp hoàn thành"): not a note to record, nor a completion, but a
    question to ask back. Plain notes ("đã họp với các sở") and "đã xong" are not."""
    folded = fold(nfc(text))
    return bool(_UNSURE_BEFORE.search(folded) or _UNSURE_AFTER.search(folded))


def starts_with_day(text: str) -> bool:
    """True when ``text`` opens with a completion day ("hôm nay", "ngày 25/01/2024", a date)."""
    folded = fold(nfc(text))
    return bool(_TODAY.match(folded) or _YESTERDAY.match(folded) or _DAY_FIRST.match(folded))


def check_day(day: date, *, today: date, plan_year: int) -> CompletionError | None:
    """A completion day is never in the future, and never before the plan's year."""
    if day > today:
        return CompletionError.FUTURE
    if day.year < plan_year:
        return CompletionError.BEFORE_PLAN
    return None
