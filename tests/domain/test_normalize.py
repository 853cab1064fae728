"""Cleaning untrusted text: what is dropped (controls, bidi overrides, invisible characters,
lone surrogates) and what is kept because writing needs it (joiners, variation selectors, the
tags of a flag); typed Vietnamese compared with or without diacritics, NFC or NFD; long text
shortened on a word."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.normalize import clean_input, fold, nfc, shorten, strip_controls

FAMILY = "👨\u200d👩\u200d👧"  # man, ZWJ, woman, ZWJ, girl: one emoji
CODER = "\U0001f9d1\u200d💻"
HEART = "❤\ufe0f"  # variation selector 16: "as emoji"
ENGLAND = "\U0001f3f4\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f"
PERSIAN = "می\u200cخواهم"  # the zero-width non-joiner is part of the spelling


@pytest.mark.parametrize("text", [FAMILY, CODER, HEART, ENGLAND, PERSIAN, "Nguyễn 👍🏽 Lan"])
def test_joiners_variation_selectors_and_flag_tags_are_kept(text: str) -> None:
    assert strip_controls(text) == text
    assert strip_controls(f"Đ/c Lan {text}\n") == f"Đ/c Lan {text}\n"


@pytest.mark.parametrize(
    ("text", "cleaned"),
    [
        ("a\x00b\x01c\x0bd\x1be\x7ff\x85g", "abcdefg"),  # C0, DEL, C1
        ("tab\tand\nnewline", "tab\tand\nnewline"),
        ("r\r\n", "r\n"),
        ("abc\u202edef\u202c", "abcdef"),  # a right-to-left override, and its end
        ("\u2066x\u2069\u200e\u200f\u061c", "x"),  # isolates and direction marks
        ("zero\u200bwidth\u2060joiner\ufeff", "zerowidthjoiner"),
        ("lone\ud800surrogate\udfff", "lonesurrogate"),
        ("non\ufffecharacter\uffff\ufdd0", "noncharacter"),
        ("tag\U000e0067\U000e007fs", "tags"),  # tags outside a flag: invisible text
        ("\U000e0067\U000e007f" + FAMILY, FAMILY),
    ],
)
def test_controls_and_invisible_characters_are_dropped(text: str, cleaned: str) -> None:
    assert strip_controls(text) == cleaned


def test_clean_input_is_nfc_and_keeps_line_breaks() -> None:
    assert clean_input("Nguye\u0302\u0303n\x01\n  Lan") == "Nguyễn\n  Lan"


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
