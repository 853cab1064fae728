"""Text helpers (domain/text.py): typed Vietnamese compared with or without diacritics, NFC or
NFD; untrusted input stripped of control characters; long text shortened on a word."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from domain.text import fold, nfc, shorten, strip_controls


def test_fold_drops_diacritics_and_case_and_reads_dd_as_d() -> None:
    assert fold("Đ/c Lê Hồng Vinh") == "d/c le hong vinh"
    assert fold("ĐỒNG CHÍ") == "dong chi"
    assert fold("Qu\u0079\u0301 II") == "quy ii"  # NFD input
    assert fold("X") == "x" and fold("D") == "d"


@given(st.text())
def test_fold_keeps_one_character_per_character_of_nfc(text: str) -> None:
    assert len(fold(text)) == len(nfc(text))


def test_nfc_composes_and_folds_white_space() -> None:
    assert nfc("  Qu\u0079\u0301\t\n II  ") == "Quý II"


def test_strip_controls_keeps_tab_and_newline_only() -> None:
    assert strip_controls("a\tb\nc\x00d\x1be\u200bf\u202eg\x7f") == "a\tb\ncdefg"
    assert strip_controls("Hoàn thành ✅") == "Hoàn thành ✅"


def test_shorten_on_a_word_with_an_ellipsis() -> None:
    assert shorten("một hai ba", 10) == "một hai ba"
    assert shorten("một hai ba bốn năm sáu bảy", 12) == "một hai ba…"
    assert shorten("abcdefghijklmnop", 8) == "abcdefg…"  # no space: cut hard
    assert shorten("ab cdefghijklmnop", 8) == "ab cdef…"  # a space too early: cut hard
    assert shorten("ab, cd, efghijklmnop", 9) == "ab, cd…"  # no punctuation before the ellipsis
    assert len(shorten("x " * 50, 20)) <= 20
