"""Filters in the URL (bookmarkable): what a list shows, and the day the figures are as of.
Pure: a query string in, a ``Filters`` out, or ``BadFilter`` with the Vietnamese reason.

Keys: ``loai`` (a category), ``muc`` (a section code), ``lanhdao`` (a directing leader as the
report labels them), ``coquan`` (a lead agency), ``ngay`` (as of that day), ``trang`` (page)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from domain.classify import Category
from reports.model import Row
from web import texts

MAX_VALUE_CHARS = 300
PAGE_SIZE = 200
_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_CATEGORIES = {c.value: c for c in Category}


class BadFilter(ValueError):
    """A filter the desk cannot apply; the message is for the person."""


@dataclass(frozen=True)
class Filters:
    category: Category | None = None
    section: str | None = None
    director: str | None = None
    agency: str | None = None
    as_of: date | None = None  # None: today
    page: int = 1

    def _values(self) -> dict[str, object]:
        """Every key of the query string, None where the filter is not set."""
        return {
            "loai": self.category.value if self.category else None,
            "muc": self.section,
            "lanhdao": self.director,
            "coquan": self.agency,
            "ngay": self.as_of.isoformat() if self.as_of else None,
        }

    def query(self, **changes: object) -> str:
        """This view's query string (``?…`` or ""), with some keys changed (None drops one)."""
        values = self._values()
        values.update(changes)
        pairs = [(k, str(v)) for k, v in values.items() if v not in (None, "")]
        return "?" + urlencode(pairs) if pairs else ""

    def narrowing(self) -> list[tuple[str, str]]:
        """The filters that narrow the list (all but the as-of day), as query-string pairs."""
        return [(k, str(v)) for k, v in self._values().items() if k != "ngay" and v]

    def day_only(self) -> str:
        """The query string keeping only the as-of day (for links between pages)."""
        return self.query(loai=None, muc=None, lanhdao=None, coquan=None)


def parse_day(text: str) -> date:
    value = text.strip()
    for pattern, order in ((_ISO, (0, 1, 2)), (_DMY, (2, 1, 0))):
        match = pattern.match(value)
        if match:
            parts = match.groups()
            try:
                return date(*(int(parts[i]) for i in order))
            except ValueError:
                break
    raise BadFilter(texts.BAD_FILTER.format(reason=texts.BAD_DATE.format(value=value[:40])))


def parse_filters(params: Mapping[str, str], *, today: date) -> Filters:
    """The filters of a query string; unknown keys are ignored, known ones must be right."""

    def get(key: str) -> str | None:
        value = params.get(key)
        if value is None or not value.strip():
            return None
        if len(value) > MAX_VALUE_CHARS:
            raise BadFilter(texts.BAD_FILTER.format(reason=texts.BAD_PAGE.format(value="…")))
        return value.strip()

    category = None
    if (raw := get("loai")) is not None:
        category = _CATEGORIES.get(raw)
        if category is None:
            raise BadFilter(texts.BAD_FILTER.format(reason=texts.BAD_CATEGORY.format(value=raw)))
    as_of = None
    if (raw := get("ngay")) is not None:
        as_of = parse_day(raw)
        if as_of > today:
            day = f"{as_of:%d/%m/%Y}"
            raise BadFilter(texts.BAD_FILTER.format(reason=texts.FUTURE_DATE.format(value=day)))
        if as_of == today:
            as_of = None
    page = 1
    if (raw := get("trang")) is not None:
        if not raw.isdigit() or not 1 <= int(raw) <= 100_000:
            raise BadFilter(texts.BAD_FILTER.format(reason=texts.BAD_PAGE.format(value=raw)))
        page = int(raw)
    return Filters(category, get("muc"), get("lanhdao"), get("coquan"), as_of, page)


def apply(rows: Sequence[Row], filters: Filters, *, unassigned: str) -> list[Row]:
    """The rows the filters keep. A section, leader or agency that no row has is a bad filter
    (a mistyped or stale bookmark), not an empty list."""
    kept = list(rows)
    if filters.section is not None:
        kept = [r for r in kept if r.view.section_code == filters.section]
        if not kept and not any(r.view.section_code == filters.section for r in rows):
            raise BadFilter(
                texts.BAD_FILTER.format(reason=texts.BAD_SECTION.format(value=filters.section))
            )
    if filters.director is not None:
        wanted = filters.director
        if not any(wanted in (r.view.directors or (unassigned,)) for r in rows):
            raise BadFilter(texts.BAD_FILTER.format(reason=texts.BAD_DIRECTOR.format(value=wanted)))
        kept = [r for r in kept if wanted in (r.view.directors or (unassigned,))]
    if filters.agency is not None:
        wanted = filters.agency
        if not any(wanted in (r.view.lead or (unassigned,)) for r in rows):
            raise BadFilter(texts.BAD_FILTER.format(reason=texts.BAD_AGENCY.format(value=wanted)))
        kept = [r for r in kept if wanted in (r.view.lead or (unassigned,))]
    if filters.category is not None:
        kept = [r for r in kept if r.verdict.category == filters.category]
    return kept
