"""/nhiemvu <code>: one task in full, with its latest changes and, for those who may act, the
status choices."""

from __future__ import annotations

from chat import render, texts
from chat.actions import status_actions
from chat.messages import Reply
from db import records
from domain.access import may_change_status
from handlers.context import Context
from handlers.parse import parse_code


async def show_task(ctx: Context, args: str) -> list[Reply]:
    code = parse_code(args)
    if code is None:
        return [Reply(texts.TASK_NOT_FOUND.format(code=args.strip()[:40], plan=ctx.plan.code))]
    task = await records.task_by_code(ctx.session, ctx.plan.id, code)
    if task is None:
        return [Reply(texts.TASK_NOT_FOUND.format(code=code, plan=ctx.plan.code))]
    (view,) = await ctx.views([task])
    actions = status_actions(code) if may_change_status(ctx.who, ctx.roles(view)) else ()
    return [Reply(render.task_detail(view, ctx.zone), actions, task_id=task.id)]
