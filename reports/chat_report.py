"""The report as the text a member reads in chat. Pure."""

from __future__ import annotations

from collections.abc import Sequence

from chat import texts
from domain.classify import CATEGORY_ORDER, percentages
from domain.normalize import shorten
from reports.model import Breakdown, Report

CONTENT_CHARS = 90


def percent(value: float) -> str:
    """Vietnamese decimal comma: 33,3%."""
    return f"{value:.1f}".replace(".", ",") + "%"


def _breakdown_lines(title: str, breakdowns: Sequence[Breakdown]) -> list[str]:
    lines = ["", title]
    for b in breakdowns:
        parts = " · ".join(
            f"{texts.CATEGORY_SHORT[c]} {b.counts[c]}" for c in CATEGORY_ORDER if b.counts[c]
        )
        lines.append(texts.REPORT_BREAKDOWN_LINE.format(label=b.label, total=b.total, parts=parts))
    return lines


def render_report(report: Report, *, office: bool = False, by_director: bool = False) -> str:
    """The summary as text. ``office``: the reader may export (/xuat is the office's);
    ``by_director``: its chart is the one by director, so the footer points to the other."""
    scope = (
        texts.REPORT_SCOPE_PLAN
        if report.scope is None
        else texts.REPORT_SCOPE_MINE.format(name=report.scope)
    )
    lines = [
        texts.REPORT_TITLE.format(code=report.plan_code, year=report.plan_year),
        texts.REPORT_AS_OF.format(today=texts.day(report.today), scope=scope),
    ]
    if not report.rows:
        return "\n".join([*lines, "", texts.REPORT_EMPTY])
    shares = percentages(report.totals)
    lines += ["", texts.REPORT_TOTAL.format(total=len(report.rows))]
    lines += [
        texts.REPORT_LINE.format(
            label=texts.CATEGORY[c], count=report.totals[c], percent=percent(shares[c])
        )
        for c in CATEGORY_ORDER
    ]
    if report.awaiting:  # counted apart: reported done, not yet confirmed by the office
        codes = ", ".join(r.view.code for r in report.awaiting)
        lines.append(texts.REPORT_AWAITING.format(count=len(report.awaiting), codes=codes))
    lines += _breakdown_lines(texts.REPORT_BY_SECTION, report.by_section)
    lines += _breakdown_lines(texts.REPORT_BY_DIRECTOR, report.by_director)
    lines += _breakdown_lines(texts.REPORT_BY_LEAD, report.by_lead)
    overdue = report.overdue
    lines += ["", texts.REPORT_OVERDUE.format(count=len(overdue))]
    if not overdue:
        lines.append(texts.REPORT_NONE_OVERDUE)
    for row in overdue:
        v = row.verdict
        assert v.original_due is not None
        extended = (
            texts.REPORT_EXTENDED.format(day=texts.day(v.extended_due)) if v.extended_due else ""
        )
        lines.append(
            texts.REPORT_OVERDUE_LINE.format(
                code=row.view.code,
                content=shorten(row.view.content, CONTENT_CHARS),
                days=v.days_late,
                due=texts.day(v.original_due),
                extended=extended,
                lead=", ".join(row.view.lead) or texts.REPORT_UNASSIGNED,
            )
            + (
                texts.REPORT_PARTS.format(done=row.view.parts_done, total=len(row.view.parts))
                if row.view.collective and row.view.part is None
                else ""
            )
            + "".join(
                texts.REPORT_PENDING.format(day=texts.day(p.new_due), number=p.number)
                for p in row.pending
            )
        )
    export = texts.REPORT_FOOTER_EXPORT if office else ""
    lines += ["", export + texts.REPORT_OTHER_CHART[by_director]]
    return "\n".join(lines)
