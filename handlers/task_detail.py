"""/nhiemvu <code>: one task in full, with its latest changes and, for those who may act, the
status choices."""

from __future__ import annotations

from chat import render, texts
from chat.actions import request_extension_action, status_actions
from chat.messages import Action, Reply
from chat.views import view_of
from db import records
from db.task_detail import task_detail
from domain.access import may_change_status
from domain.status import Status
from handlers.confirm import office_actions
from handlers.context import Context
from handlers.evidence_files import file_lines
from handlers.parse import UpdateRequest, parse_code


async def show_task(ctx: Context, args: str) -> list[Reply]:
    """Read-only and lean (no session): one read for the task, its seats, history and files."""
    code = parse_code(args)
    if code is None:
        return [Reply(texts.TASK_NOT_FOUND.format(code=args.strip()[:40], plan=ctx.plan_ref.code))]
    plan_id = ctx.plan_ref.id
    found = await ctx.read(lambda c: task_detail(c, plan_id, code))
    if found is None:
        return [Reply(texts.TASK_NOT_FOUND.format(code=code, plan=ctx.plan_ref.code))]
    view = view_of(found.task, ctx.today)
    actions: tuple[Action, ...] = ()
    if may_change_status(ctx.who, ctx.roles(view)):
        actions = status_actions(code)
        if view.standing.next_open is not None:  # a date still to meet: more time may be asked
            actions += (request_extension_action(code),)
    if ctx.who.is_admin and view.state.awaiting_confirmation:
        actions = office_actions(code) + actions
    text = "\n".join([render.task_detail(view, ctx.zone), *file_lines(found.files, ctx.zone)])
    return [Reply(text, actions, task_id=found.task.id)]


async def ask_completion(ctx: Context, args: str) -> list[Reply]:
    """After a "Hoàn thành" tap: ask for the day it was done ("Hôm nay" is one tap) and the
    document (optional, by replying)."""
    code = parse_code(args)
    if code is None:
        return [Reply(texts.TASK_CODE_MISSING.format(example="/hoanthanh I.5"))]
    task = await records.task_by_code(ctx.session, ctx.plan.id, code)
    if task is None:
        return [Reply(texts.TASK_NOT_FOUND.format(code=code, plan=ctx.plan.code))]
    (view,) = await ctx.views([task])
    roles = ctx.roles(view)
    if not may_change_status(ctx.who, roles):
        from handlers.update import apply  # the same refusal as a status change

        return await apply(ctx, task, UpdateRequest(code, Status.DONE))
    done = texts.STATUS[Status.DONE]
    actions = (
        Action(texts.ACTION_TODAY, f"/capnhat {code} {done} hôm nay"),
        Action(texts.ACTION_YESTERDAY, f"/capnhat {code} {done} hôm qua"),
    )
    return [Reply(texts.ASK_COMPLETION.format(code=code), actions, task_id=task.id)]
