"""/nhiemvu (= /nhiemvu cua toi, "nhiệm vụ của tôi"): the member's own tasks by role. Read-only:
answered from a ``Glance``. (``/nhiemvu <code>``, one task in full, is ``task_detail``.)"""

from __future__ import annotations

from collections import defaultdict

from db.facts import reaching
from domain.access import Role, main_role, roles_of
from handlers import render
from handlers.context import Glance
from handlers.types import Reply
from handlers.views import TaskView, view_of


async def my_tasks(ctx: Glance, args: str) -> list[Reply]:
    by_role: dict[Role, list[TaskView]] = defaultdict(list)
    plan_id, who = ctx.plan.id, ctx.who
    for facts in await ctx.read(lambda c: reaching(c, plan_id, who, lean=True)):
        role = main_role(roles_of(ctx.who, facts.seat_list()))
        if role is not None:
            by_role[role].append(view_of(facts, ctx.today))
    text = render.my_tasks(ctx.member.full_name, ctx.plan.code, ctx.plan.year, ctx.today, by_role)
    return [Reply(text)]
