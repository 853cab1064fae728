"""``web.filters``: the query string a list's links carry and the filters its form keeps."""

from __future__ import annotations

from datetime import date

from domain.classify import Category
from web.filters import Filters, parse_filters


def test_narrowing_is_the_set_filters_in_query_order_without_the_day() -> None:
    filters = Filters(
        category=Category.OVERDUE, director="Chủ tịch", agency="Sở Nội vụ", as_of=date(2024, 3, 1)
    )
    assert filters.narrowing() == [
        ("loai", Category.OVERDUE.value),
        ("lanhdao", "Chủ tịch"),
        ("coquan", "Sở Nội vụ"),
    ]
    assert Filters(as_of=date(2024, 3, 1)).narrowing() == []


def test_the_query_keeps_its_order_when_a_key_is_changed_and_the_day_alone_drops_the_rest() -> None:
    filters = parse_filters({"muc": "II", "ngay": "2024-03-01"}, today=date(2024, 3, 20))
    assert filters.query(loai="overdue") == "?loai=overdue&muc=II&ngay=2024-03-01"
    assert filters.day_only() == "?ngay=2024-03-01"
    assert filters.narrowing() == [("muc", "II")]
