"""Which files may back a completion: documents and images people send from a phone (PDF,
Word, Excel, OpenDocument, JPEG, PNG, HEIC), within a size cap, and never anything executable,
whatever its name says. Pure."""

from __future__ import annotations

import re
from enum import StrEnum
from pathlib import PurePath

MAX_BYTES = 10 * 1024 * 1024  # below the 20 MB a Telegram bot may download
ALLOWED = frozenset(
    [
        ".pdf",
        ".doc",
        ".docx",
        ".xls",
        ".xlsx",
        ".odt",
        ".ods",
        ".rtf",
        ".jpg",
        ".jpeg",
        ".png",
        ".heic",
        ".webp",
    ]
)
# The first bytes of programs and scripts: refused even under a document's name.
_EXECUTABLE = (b"MZ", b"\x7fELF", b"#!", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"\xfe\xed\xfa")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


class FileRefusal(StrEnum):
    TOO_LARGE = "too_large"
    KIND = "kind"  # not a document or image we keep
    EXECUTABLE = "executable"
    EMPTY = "empty"


def check_file(file_name: str, size: int | None) -> FileRefusal | None:
    """Before downloading: the name's type and the announced size."""
    if size is not None and size > MAX_BYTES:
        return FileRefusal.TOO_LARGE
    if PurePath(file_name.lower()).suffix not in ALLOWED:
        return FileRefusal.KIND
    return None


def check_content(data: bytes) -> FileRefusal | None:
    """After downloading: the real size, and no program hiding under a document's name."""
    if not data:
        return FileRefusal.EMPTY
    if len(data) > MAX_BYTES:
        return FileRefusal.TOO_LARGE
    if data.startswith(_EXECUTABLE):
        return FileRefusal.EXECUTABLE
    return None


def safe_name(file_name: str) -> str:
    """A name safe on any file system (the original is kept in the database)."""
    path = PurePath(file_name.replace("\\", "/")).name
    stem, suffix = PurePath(path).stem, PurePath(path).suffix.lower()
    cleaned = _UNSAFE.sub("_", stem).strip("._")[:80] or "tep"
    return cleaned + _UNSAFE.sub("", suffix)
