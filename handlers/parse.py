"""Read what a person typed into a command. Pure functions, tolerant of phones and habits."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from domain.normalize import fold, nfc, strip_controls
from domain.status import Status, parse_status_prefix

MAX_INPUT_CHARS = 4000

_MY_TASKS = {
    "nhiem vu cua toi",
    "nhiem vu cua minh",
    "nhiem vu",
    "viec cua toi",
    "cong viec cua toi",
}
_MY_TASKS_ARGS = {"", "cua toi", "cua minh", "toi"}
_HELP = {"tro giup", "huong dan", "help", "giup", "menu"}
_CODE = re.compile(r"^(iv|iii|ii|i)\s*[.\-]?\s*(\d{1,2})([a-z]?)$")
_PROGRESS = re.compile(r"^(\d{1,3})\s*%[\s,.:;\-–]*")
_BATCH = re.compile(r"^dot\s*(\d{1,2})(?![\d])[\s,.:;\-–]*")
_NOTE = re.compile(r"^ghi chu(?![a-z])[\s,.:;\-–]*")
# A coordinating agency's input sent: "đã gửi ý kiến [văn bản số …]" (and without diacritics).
# A director or the office closes a collective task as a whole, "kết thúc <lý do>", and reopens
# it, "mở lại [lý do]".
_CLOSE = re.compile(r"^ket thuc(?![a-z])[\s,.:;\-–]*")
_REOPEN = re.compile(r"^mo lai(?![a-z])[\s,.:;\-–]*")
_INPUT = re.compile(r"^(?:da\s+)?gui\s+(?:y\s+kien|gop\s+y)(?![a-z])[\s,.:;\-–]*")
_NUMBER = re.compile(r"[0-9]{1,10}")  # ASCII digits: str.isdigit() also takes "²" and "١"
MAX_ID = 2**31 - 1  # the largest id an INTEGER column holds (PostgreSQL's int4)


@dataclass(frozen=True)
class Command:
    name: str  # folded command name without "/", e.g. "nhiemvu"
    args: str  # NFC text after the name


def clean(text: str) -> str:
    """NFC, no control characters, white space folded."""
    return nfc(strip_controls(text))


def parse_command(text: str) -> Command | None:
    """ "/nhiemvu@bcd_bot I.5" -> Command("nhiemvu", "I.5"); plain phrases map to commands."""
    text = clean(text)
    if text.startswith("/"):
        head, _, rest = text[1:].partition(" ")
        return Command(fold(head.split("@", 1)[0]), rest.strip())
    folded = fold(text).strip(" .!?")
    if folded in _MY_TASKS:
        return Command("nhiemvu", "")
    if folded in _HELP:
        return Command("trogiup", "")
    return None


def parse_number(text: str, limit: int = MAX_ID) -> int | None:
    """ "12" -> 12. None for anything but ASCII digits, or a number over ``limit``: "²",
    "99999999999999999999999" are not ids (int() rejects the one, the database the other)."""
    text = text.strip()
    if not _NUMBER.fullmatch(text):
        return None
    number = int(text)
    return number if number <= limit else None


# A task code written in running text: the section's numeral, a dot or dash, the number.
_CODE_TOKEN = r"(?:iv|iii|ii|i)\s*[.\-]\s*\d{1,2}[a-z]?"
_STARTS_WITH_CODE = re.compile(rf"^({_CODE_TOKEN})(?![a-z0-9])[\s,.:;\-–]*")
_ENDS_WITH_CODE = re.compile(rf"[\s,.:;\-–]+({_CODE_TOKEN})[\s.!?]*$")


def parse_plain(text: str) -> Command | None:
    """Plain text that starts or ends with a task code is about that task: "I.5" alone opens
    it; "I.5 xong", "xong I.5", "I.5 60% đã trình dự thảo", "I.5 vướng: …" update it."""
    text = clean(text)
    folded = fold(text)
    head = _STARTS_WITH_CODE.match(folded)
    if head:
        code = parse_code(folded[head.start(1) : head.end(1)])
        rest = text[head.end() :].strip()
    else:
        tail = _ENDS_WITH_CODE.search(folded)
        if tail is None:
            return None
        code = parse_code(folded[tail.start(1) : tail.end(1)])
        rest = text[: tail.start()].strip()
    if code is None:
        return None
    return Command("capnhat", f"{code} {rest}") if rest else Command("nhiemvu", code)


def is_my_tasks(args: str) -> bool:
    return fold(args).strip(" .!?") in _MY_TASKS_ARGS


def parse_code(text: str) -> str | None:
    """ "iv.4b", "IV 4B", "I5" -> "IV.4b", "I.5"; None if it is not a task code."""
    match = _CODE.match(fold(text).strip(" .,;:"))
    if not match:
        return None
    return f"{match[1].upper()}.{int(match[2])}{match[3]}"


class UpdateError(StrEnum):
    NO_CODE = "no_code"
    NO_STATUS = "no_status"
    BAD_PROGRESS = "bad_progress"
    NO_NOTE = "no_note"


@dataclass(frozen=True)
class UpdateRequest:
    code: str
    status: Status | None  # None: a note only
    progress: int | None = None
    batch: int | None = None  # "đợt 1": a milestone of a multi-milestone task
    text: str = ""  # the note, or the product's reference when done
    # "đã gửi ý kiến": a coordinating agency's input, ``text`` its reference
    input_sent: bool = False
    close: bool = False  # "kết thúc <lý do>": the whole collective task closed, ``text`` the reason
    reopen: bool = False  # "mở lại [lý do]": a closed collective task reopened
    # "ghi chú …" written out: a note, never taken as the document of a task already done
    note_only: bool = False


def _cut(text: str, pattern: re.Pattern[str]) -> tuple[re.Match[str] | None, str]:
    """Match ``pattern`` on the folded text and cut the same span off the NFC original."""
    match = pattern.match(fold(text))
    return (match, text[match.end() :]) if match else (None, text)


def parse_update(args: str) -> UpdateRequest | tuple[UpdateError, str | None]:
    """ "I.5 đang thực hiện 60% đã trình dự thảo" -> UpdateRequest(I.5, IN_PROGRESS, 60, …)."""
    args = clean(args)
    head, _, rest = args.partition(" ")
    code = parse_code(head)
    if code is None:
        return UpdateError.NO_CODE, None
    batch_match, rest = _cut(rest.strip(), _BATCH)
    batch = int(batch_match[1]) if batch_match else None
    note_match, rest = _cut(rest.strip(), _NOTE)
    if note_match:
        note = rest.strip()
        return (
            UpdateRequest(code, None, batch=batch, text=note, note_only=True)
            if note
            else (UpdateError.NO_NOTE, code)
        )
    input_match, rest = _cut(rest.strip(), _INPUT)
    if input_match and batch is None:
        return UpdateRequest(code, None, text=rest.strip(), input_sent=True)
    close_match, rest = _cut(rest.strip(), _CLOSE)
    if close_match and batch is None:
        return UpdateRequest(code, Status.DONE, text=rest.strip(), close=True)
    reopen_match, rest = _cut(rest.strip(), _REOPEN)
    if reopen_match and batch is None:
        return UpdateRequest(code, Status.IN_PROGRESS, text=rest.strip(), reopen=True)
    status_and_rest = parse_status_prefix(rest)
    status, rest = status_and_rest if status_and_rest else (None, rest)
    progress_match, rest = _cut(rest.strip(), _PROGRESS)
    progress = int(progress_match[1]) if progress_match else None
    if progress is not None and progress > 100:
        return UpdateError.BAD_PROGRESS, code
    if status is None:
        if progress is None:
            return UpdateError.NO_STATUS, code
        status = Status.DONE if progress == 100 else Status.IN_PROGRESS
    return UpdateRequest(code, status, progress, batch, rest.strip())
