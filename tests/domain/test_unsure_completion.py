"""``unsure_of_completion``: a message that speaks of completion unsurely is asked back; a plain
note, or a completion said plainly, is not. With and without diacritics, in any case."""

from __future__ import annotations

import pytest

from domain.completion import unsure_of_completion
from domain.normalize import fold

UNSURE = [
    "sắp xong",
    "gần xong",
    "chưa xong",
    "xong một phần",
    "sắp hoàn thành",
    "chưa hoàn thành",
    "gần như hoàn thành",
    "chưa kịp xong ạ",
    "hoàn thành 1 phần",
    "cơ bản hoàn thành, còn chờ ký",
    "dạ sắp xong rồi",
    "mai xong",
    "đã họp, sắp hoàn tất",
    "xong chưa?",
]
NOT_UNSURE = [
    "đã họp với các sở",
    "xong",
    "đã xong",
    "hoàn thành rồi nhé",
    "đã hoàn thành Kế hoạch số 15/KH-UBND",
    "chưa có số liệu của các huyện",
    "đang làm",
    "họp xong rồi",
    "sắp họp Ban",
    "Kế hoạch số 15/KH-UBND",
    "",
    "xongxuôi",
]


@pytest.mark.parametrize("text", UNSURE)
def test_unsure_completion_is_recognised_as_typed_on_a_phone(text: str) -> None:
    for spelled in (text, fold(text), text.upper(), fold(text).upper()):
        assert unsure_of_completion(spelled), spelled


@pytest.mark.parametrize("text", NOT_UNSURE)
def test_a_plain_note_or_a_plain_completion_is_not_unsure(text: str) -> None:
    for spelled in (text, fold(text), text.upper()):
        assert not unsure_of_completion(spelled), spelled
