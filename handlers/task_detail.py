"""/nhiemvu <code>: one task in full, with its latest changes and, for those who may act, the
status choices."""

from __future__ import annotations

from chat import render, texts
from chat.actions import request_extension_action, status_actions
from chat.messages import Action, Reply
from db import queries
from domain.access import may_change_status
from handlers.context import Context
from handlers.parse import parse_code


async def show_task(ctx: Context, args: str) -> list[Reply]:
    code = parse_code(args)
    if code is None:
        return [Reply(texts.TASK_NOT_FOUND.format(code=args.strip()[:40], plan=ctx.plan.code))]
    task = await queries.task_by_code(ctx.session, ctx.plan.id, code)
    if task is None:
        return [Reply(texts.TASK_NOT_FOUND.format(code=code, plan=ctx.plan.code))]
    (view,) = await ctx.views([task])
    actions: tuple[Action, ...] = ()
    if may_change_status(ctx.who, ctx.roles(task)):
        actions = status_actions(code)
        if view.standing.next_open is not None:  # a date still to meet: more time may be asked
            actions += (request_extension_action(code),)
    return [Reply(render.task_detail(view, ctx.zone), actions, task_code=code)]
