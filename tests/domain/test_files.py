"""Which files may back a completion: documents and images within the cap, nothing that runs,
whatever its name; and names made safe for the disk."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.files import MAX_BYTES, FileRefusal, check_content, check_file, safe_name


@pytest.mark.parametrize(
    "name", ["QĐ 45.pdf", "bao-cao.DOCX", "so-lieu.xlsx", "anh.jpg", "anh.PNG", "bb.odt"]
)
def test_documents_and_images_are_taken(name: str) -> None:
    assert check_file(name, 1000) is None


@pytest.mark.parametrize("name", ["setup.exe", "run.sh", "macro.js", "a.bat", "noext", "x.pdf.exe"])
def test_programs_and_unknown_kinds_are_refused_by_name(name: str) -> None:
    assert check_file(name, 10) == FileRefusal.KIND


def test_the_size_cap_holds_before_and_after_download() -> None:
    assert check_file("a.pdf", MAX_BYTES + 1) == FileRefusal.TOO_LARGE
    assert check_content(b"%PDF" + b"0" * MAX_BYTES) == FileRefusal.TOO_LARGE
    assert check_content(b"") == FileRefusal.EMPTY


@pytest.mark.parametrize("head", [b"MZ\x90\x00", b"\x7fELF", b"#!/bin/sh", b"\xca\xfe\xba\xbe"])
def test_a_program_under_a_documents_name_is_refused(head: bytes) -> None:
    assert check_content(head + b"rest") == FileRefusal.EXECUTABLE


@given(st.text(max_size=120))
def test_safe_names_never_leave_their_folder(name: str) -> None:
    safe = safe_name(name)
    assert safe and "/" not in safe and "\\" not in safe and not safe.startswith(".")
    assert safe not in ("..", ".")
