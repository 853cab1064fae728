"""Text helpers for Vietnamese input typed on phones: with or without diacritics, NFC or NFD."""

from __future__ import annotations

import re
import unicodedata


def nfc(text: str) -> str:
    """Return ``text`` in NFC form with runs of white space folded to one space."""
    # split() and a regex's \s+ know the same white space (str.isspace); split is ~4x faster.
    return " ".join(unicodedata.normalize("NFC", text).split())


def _fold_char(ch: str) -> str:
    if ch in "Đđ":
        return "d"
    base = unicodedata.normalize("NFD", ch)[0]
    lower = base.lower()
    return lower if len(lower) == 1 else base


def fold(text: str) -> str:
    """Lower-case skeleton of Vietnamese text: "Đ/c Lê Hồng Vinh" -> "d/c le hong vinh".

    Used to compare what people type (often without diacritics) with what is stored. The result
    has exactly one character per character of ``nfc(text)``, so a match found in the folded
    text can be cut out of the NFC original at the same offsets.
    """
    return "".join(_fold_char(ch) for ch in nfc(text))


# Format characters that are part of how text is written, kept: the zero-width non-joiner and
# joiner (emoji sequences such as 👨‍👩‍👧, Indic and Persian spelling). Variation selectors
# (U+FE0F: "as emoji") are marks, not format characters, and are kept anyway.
_KEPT_FORMAT = frozenset("\u200c\u200d")
# An emoji tag sequence (the flags of England, Scotland, Wales): tag characters after a black
# flag, closed by the cancel tag. Tag characters anywhere else are invisible text: dropped.
_EMOJI_TAGS = re.compile("\U0001f3f4[\U000e0020-\U000e007e]+\U000e007f")


def _kept(ch: str) -> bool:
    if ch in "\t\n" or ch in _KEPT_FORMAT:
        return True
    code = ord(ch)
    if 0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE:  # noncharacters: not valid in XML
        return False
    return unicodedata.category(ch) not in {"Cc", "Cf", "Cs"}


def strip_controls(text: str) -> str:
    """Drop what untrusted input must not carry into storage, chat or a workbook: control
    characters (tab and newline kept), lone surrogates, noncharacters, and invisible format
    characters such as bidi overrides, zero-width spaces and stray tags. Keeps the joiners
    and tags that emoji sequences are made of."""
    if text.isascii():
        return "".join(ch for ch in text if ch in "\t\n" or " " <= ch < "\x7f")
    kept: list[str] = []
    start = 0
    for match in _EMOJI_TAGS.finditer(text):
        kept += (ch for ch in text[start : match.start()] if _kept(ch))
        kept.append(match[0])
        start = match.end()
    kept += (ch for ch in text[start:] if _kept(ch))
    return "".join(kept)


def clean_input(text: str) -> str:
    """What every text from a person becomes at the engine's entry (typed text, button data,
    display names): no control or stray format characters, NFC. Line breaks are kept."""
    return unicodedata.normalize("NFC", strip_controls(text))


def shorten(text: str, limit: int) -> str:
    """Cut ``text`` to at most ``limit`` characters on a word boundary, with an ellipsis."""
    text = nfc(text)
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:-") + "…"
