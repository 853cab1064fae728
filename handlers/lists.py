"""/quahan, /sapden, /tatca: lists across tasks. The member's own tasks, or the whole plan for
those who may see it (Trưởng Ban, Phó Trưởng Ban, admins). Read-only: answered from lean
reads alone (no session)."""

from __future__ import annotations

from collections.abc import Callable

from chat import render, texts
from chat.messages import Reply
from chat.views import TaskView, view_of
from db import facts
from domain.access import sees_whole_plan
from handlers.audit import refused
from handlers.context import Context

UPCOMING_DAYS = 14


async def _views(ctx: Context, whole_plan: bool) -> list[TaskView]:
    plan_id, who = ctx.plan_ref.id, ctx.who
    found = await ctx.read(
        lambda c: (
            facts.whole_plan(c, plan_id, lean=True)
            if whole_plan
            else facts.reaching(c, plan_id, who, lean=True)
        )
    )
    return [view_of(f, ctx.today, None if whole_plan else who) for f in found]


def _header(ctx: Context, title: str, whole_plan: bool) -> str:
    scope = texts.SCOPE_PLAN if whole_plan else texts.SCOPE_MINE.format(name=ctx.sender.full_name)
    return texts.LIST_HEADER.format(
        title=title,
        scope=scope,
        code=ctx.plan_ref.code,
        year=ctx.plan_ref.year,
        today=texts.day(ctx.today),
    )


async def _filtered(
    ctx: Context, title: str, keep: Callable[[TaskView], bool], empty: str
) -> list[Reply]:
    whole = sees_whole_plan(ctx.who)
    views = [v for v in await _views(ctx, whole) if keep(v)]
    lines = [_header(ctx, title, whole), ""]
    lines += render.sorted_lines(views) if views else [empty]
    return [Reply("\n".join(lines))]


async def overdue(ctx: Context, args: str) -> list[Reply]:
    return await _filtered(
        ctx, texts.OVERDUE_TITLE, lambda v: v.standing.overdue, texts.OVERDUE_NONE
    )


async def upcoming(ctx: Context, args: str) -> list[Reply]:
    def soon(v: TaskView) -> bool:
        return v.standing.days is not None and 0 <= v.standing.days <= UPCOMING_DAYS

    return await _filtered(
        ctx,
        texts.UPCOMING_TITLE.format(days=UPCOMING_DAYS),
        soon,
        texts.UPCOMING_NONE.format(days=UPCOMING_DAYS),
    )


async def whole_plan(ctx: Context, args: str) -> list[Reply]:
    if not sees_whole_plan(ctx.who):
        refused(ctx.inbound, "whole plan")
        return [Reply(texts.ALL_FORBIDDEN)]
    views = await _views(ctx, True)
    lines = [_header(ctx, texts.ALL_TITLE, True), render.summary_counts(views)]
    lines += render.by_section(views)
    return [Reply("\n".join(lines))]
