"""parse_status_prefix: a status read from the start of what a person typed."""

from __future__ import annotations

import pytest

from domain.status import Status, parse_status_prefix


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Đang thực hiện 60% đã trình dự thảo", (Status.IN_PROGRESS, "60% đã trình dự thảo")),
        ("hoàn thành", (Status.DONE, "")),
        ("Đã hoàn thành: gửi báo cáo", (Status.DONE, "gửi báo cáo")),
        ("xong.", (Status.DONE, "")),
        ("Gặp vướng mắc - chờ kinh phí", (Status.BLOCKED, "chờ kinh phí")),
        ("vuong mac thieu nguoi", (Status.BLOCKED, "thieu nguoi")),
        ("CHƯA TRIỂN KHAI", (Status.NOT_STARTED, "")),
        ("chưa bắt đầu vì chờ hướng dẫn", (Status.NOT_STARTED, "vì chờ hướng dẫn")),
    ],
)
def test_a_status_at_the_start_and_the_rest_in_its_original_case(
    typed: str, expected: tuple[Status, str]
) -> None:
    assert parse_status_prefix(typed) == expected


def test_chua_hoan_thanh_is_not_done() -> None:
    # "chưa hoàn thành" (not finished) must not read as "hoàn thành" (done).
    assert parse_status_prefix("chưa hoàn thành") is None


@pytest.mark.parametrize("typed", ["", "báo cáo tiến độ", "xongxuôi", "hoàn thànhxong", "60%"])
def test_no_status_word_at_the_start_reads_nothing(typed: str) -> None:
    assert parse_status_prefix(typed) is None


def test_status_values_are_the_stored_strings() -> None:
    assert [s.value for s in Status] == [
        "chua_trien_khai",
        "dang_thuc_hien",
        "gap_vuong_mac",
        "hoan_thanh",
    ]
