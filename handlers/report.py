"""/baocao: the classified summary with its chart; /xuat: the Excel report (standing office).

Members get the slice of the plan that reaches them; the committee's leadership and admins get
the whole plan. The chart and the workbook are drawn in a worker thread: they take a moment
and must not hold up other members' messages. The report's text goes out first: its chart is
drawn once the text has gone (``Reply.later``), once for what it shows (its title, with the day,
and its counts), and kept for the next asker (``reports.chart_memo``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from chat import texts
from chat.messages import Attachment, Reply
from db.models import Plan
from domain.access import sees_whole_plan
from domain.normalize import fold
from handlers.context import Context
from reports.chart_memo import ChartMemo
from reports.chat_report import render_report
from reports.data import export_filename, member_report, plan_report
from reports.model import Breakdown, Report

BY_DIRECTOR = {"chidao", "lanhdao", "nguoichidao"}


async def _report(ctx: Context) -> Report:
    """A member's slice from lean reads alone; the whole plan (with last week's unacknowledged
    reminders) in a read transaction of its own."""
    if not sees_whole_plan(ctx.who):
        plan_ref, who, name = ctx.plan_ref, ctx.who, ctx.sender.full_name
        return await ctx.read(
            lambda c: member_report(
                c, plan_ref, today=ctx.today, zone=ctx.zone, who=who, member_name=name
            )
        )
    async with ctx.database.transaction() as session:
        plan = await session.get(Plan, ctx.plan_ref.id)
        assert plan is not None  # found a moment ago by the sender's identity; plans stay
        return await plan_report(session, plan, today=ctx.today, zone=ctx.zone)


def _draw(breakdowns: Sequence[Breakdown], title: str) -> bytes:
    from reports.chart import render_chart

    return render_chart(breakdowns, title)


CHARTS = ChartMemo(_draw)  # drawn once for what they show (reports.chart_memo)


async def _chart(report: Report, by_director: bool) -> Attachment | None:
    breakdowns = report.by_director if by_director else report.by_section
    if not breakdowns:
        return None
    template = texts.CHART_TITLE_DIRECTOR if by_director else texts.CHART_TITLE_SECTION
    name = "bieu-do-chi-dao" if by_director else "bieu-do"
    title = template.format(
        code=report.plan_code, year=report.plan_year, today=texts.day(report.today)
    )
    return Attachment(
        "photo",
        f"{name}-{report.plan_year}-{report.today:%d-%m-%Y}.png",
        await CHARTS.png(breakdowns, title),
        texts.REPORT_CHART_CAPTION.format(title=title),
    )


async def report(ctx: Context, args: str) -> list[Reply]:
    by_director = fold(args).replace(" ", "") in BY_DIRECTOR
    data = await _report(ctx)

    async def chart() -> tuple[Attachment, ...]:
        drawn = await _chart(data, by_director)
        return (drawn,) if drawn else ()

    text = render_report(data, office=ctx.who.is_admin, by_director=by_director)
    return [Reply(text, later=chart)]


async def export(ctx: Context, args: str) -> list[Reply]:
    from reports.workbook import build_workbook

    data = await plan_report(ctx.session, ctx.plan, today=ctx.today, zone=ctx.zone)
    workbook = await asyncio.to_thread(
        build_workbook, data, plan_title=ctx.plan.title, zone=ctx.zone
    )
    caption = texts.EXPORT_READY.format(
        code=data.plan_code, year=data.plan_year, today=texts.day(data.today)
    )
    return [Reply(caption, files=(Attachment("document", export_filename(data), workbook),))]
