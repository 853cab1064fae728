"""/kehoach: which plans (years) exist, and which one this member is looking at.

Members see the current plan (the clock's year, else the latest before it) unless they choose
another here; /kehoach hientai goes back to the current one.
"""

from __future__ import annotations

from sqlalchemy import select

from chat import texts
from chat.messages import Reply
from db import records
from db.models import Plan
from domain.normalize import fold
from handlers.context import Context
from handlers.parse import parse_number

CURRENT_WORDS = {"hien tai", "hientai", "hien hanh", "hienhanh", "mac dinh"}


async def plans(ctx: Context, args: str) -> list[Reply]:
    rows = (await ctx.session.scalars(select(Plan).order_by(Plan.year))).all()
    wanted = fold(args).strip(" .")
    if not wanted:
        lines = [texts.PLANS_TITLE]
        lines += [
            texts.PLAN_CHOICE_LINE.format(
                year=p.year,
                code=p.code,
                current=texts.PLAN_CHOSEN_MARK if p.id == ctx.plan.id else "",
            )
            for p in rows
        ]
        lines.append(texts.PLANS_FOOTER.format(example=rows[-1].year if rows else 2024))
        return [Reply("\n".join(lines))]
    if wanted in CURRENT_WORDS:
        ctx.member.plan_year = None
        current = await records.current_plan(ctx.session, ctx.today.year)
        assert current is not None
        return [Reply(texts.PLAN_RESET.format(code=current.code, year=current.year))]
    year = parse_number(wanted) if len(wanted) == 4 else None
    plan = next((p for p in rows if p.year == year), None)
    if plan is None:
        years = ", ".join(str(p.year) for p in rows)
        return [Reply(texts.PLAN_UNKNOWN.format(year=args.strip()[:20], years=years))]
    ctx.member.plan_year = plan.year
    return [Reply(texts.PLAN_SET.format(code=plan.code, year=plan.year))]
