"""/nhiemvu (= /nhiemvu cua toi, "nhiệm vụ của tôi"): the member's own tasks by role."""

from __future__ import annotations

from collections import defaultdict

from db.facts import reaching
from domain.access import Role, main_role, roles_of
from handlers import render
from handlers.context import Context
from handlers.parse import is_my_tasks
from handlers.task_detail import show_task
from handlers.types import Reply
from handlers.views import TaskView, view_of


async def my_tasks(ctx: Context, args: str) -> list[Reply]:
    if not is_my_tasks(args):
        return await show_task(ctx, args)
    by_role: dict[Role, list[TaskView]] = defaultdict(list)
    for facts in await reaching(ctx.session, ctx.plan.id, ctx.who):
        role = main_role(roles_of(ctx.who, facts.seat_list()))
        if role is not None:
            by_role[role].append(view_of(facts, ctx.today))
    text = render.my_tasks(ctx.member.full_name, ctx.plan.code, ctx.plan.year, ctx.today, by_role)
    return [Reply(text)]
