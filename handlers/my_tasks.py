"""/nhiemvu (= /nhiemvu cua toi, "nhiệm vụ của tôi"): the member's own tasks by role. Read-only:
answered from lean reads alone (no session). (``/nhiemvu <code>``, one task in full, is ``handlers.task_detail``.)"""

from __future__ import annotations

from collections import defaultdict

from chat import render
from chat.messages import Reply
from chat.views import TaskView, view_of
from db.facts import reaching
from domain.access import Role, main_role, roles_of
from handlers.context import Context
from handlers.parse import is_my_tasks
from handlers.task_detail import show_task


async def tasks(ctx: Context, args: str) -> list[Reply]:
    """/nhiemvu: the member's own tasks; /nhiemvu <code>: that task in full. Both lean."""
    if is_my_tasks(args):
        return await my_tasks(ctx, args)
    return await show_task(ctx, args)


async def my_tasks(ctx: Context, args: str) -> list[Reply]:
    by_role: dict[Role, list[TaskView]] = defaultdict(list)
    plan_id, who = ctx.plan_ref.id, ctx.who
    for facts in await ctx.read(lambda c: reaching(c, plan_id, who, lean=True)):
        role = main_role(roles_of(ctx.who, facts.seat_list()))
        if role is not None:
            by_role[role].append(view_of(facts, ctx.today, ctx.who))
    text = render.my_tasks(
        ctx.sender.full_name, ctx.plan_ref.code, ctx.plan_ref.year, ctx.today, by_role
    )
    return [Reply(text)]
