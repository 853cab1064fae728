"""Text helpers for Vietnamese input typed on phones: with or without diacritics, NFC or NFD."""

from __future__ import annotations

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


def strip_controls(text: str) -> str:
    """Drop control and format characters (keeping tab and newline) from untrusted input."""
    return "".join(
        ch for ch in text if ch in "\t\n" or unicodedata.category(ch) not in {"Cc", "Cf", "Cs"}
    )


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
