"""Cutting replies to a channel's message size (bot/outgoing.py): between lines, then between
words, then hard; never more than the limit, and nothing lost but the breaks at the cuts."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.outgoing import split_text


def test_a_text_within_the_limit_is_one_piece() -> None:
    assert split_text("", 10) == [""]
    assert split_text("abc\ndef", 7) == ["abc\ndef"]
    assert split_text("x" * 4096, 4096) == ["x" * 4096]


def test_lines_are_packed_and_cut_between_lines() -> None:
    assert split_text("aaa\nbbb\nccc", 7) == ["aaa\nbbb", "ccc"]
    assert split_text("aaa\nbbb\nccc", 8) == ["aaa\nbbb", "ccc"]
    assert split_text("aa\nbb\ncc\ndd", 5) == ["aa\nbb", "cc\ndd"]


def test_a_long_line_is_cut_between_words() -> None:
    # The last space before the limit, when it is past half the limit; the space goes.
    assert split_text("alpha beta gamma delta", 12) == ["alpha beta", "gamma delta"]
    assert split_text("one two three four five", 10) == ["one two", "three four", "five"]


def test_a_long_line_without_a_late_space_is_cut_hard_and_keeps_every_character() -> None:
    assert split_text("x" * 25, 10) == ["x" * 10, "x" * 10, "x" * 5]
    # A space in the first half of the limit would leave a short piece: cut hard instead.
    assert split_text("ab " + "y" * 20, 10) == ["ab " + "y" * 7, "y" * 10, "y" * 3]
    assert split_text("0123456789abcdefghij!", 10) == ["0123456789", "abcdefghij", "!"]


def test_what_was_gathered_goes_out_before_a_long_line() -> None:
    assert split_text("head\n" + "z" * 23, 10) == ["head", "z" * 10, "z" * 10, "z" * 3]
    assert split_text("a\nb\n" + "z" * 12 + "\nc", 10) == ["a\nb", "z" * 10, "zz\nc"]


def test_blank_pieces_are_dropped() -> None:
    # Blank lines fill a piece up to the limit; a piece of nothing but breaks is not sent.
    assert split_text("abc" + "\n" * 12 + "def", 5) == ["abc\n\n", "def"]
    assert split_text("\n" * 9 + "x" * 7, 5) == ["x" * 5, "xx"]


@given(
    text=st.text(alphabet=st.sampled_from("ab ă\nđ"), max_size=200),
    limit=st.integers(min_value=1, max_value=40),
)
def test_pieces_fit_and_lose_nothing_but_whitespace_at_the_cuts(text: str, limit: int) -> None:
    pieces = split_text(text, limit)
    assert all(len(piece) <= limit for piece in pieces)
    assert "".join("".join(pieces).split()) == "".join(text.split())
    if len(text) > limit:
        assert all(piece.strip() for piece in pieces)
