"""/nhiemvu <code>: one task in full, with its latest changes and, for those who may act, the
status choices."""

from __future__ import annotations

from chat import render, texts
from chat.actions import request_extension_action, status_actions
from chat.messages import Action, Reply
from chat.views import view_of
from db.task_in_full import task_in_full
from domain.access import Role, may_change_status, sees_whole_plan
from domain.status import Status
from handlers.confirm import office_actions
from handlers.context import Context, named_task
from handlers.evidence_files import file_lines
from handlers.parse import UpdateRequest, parse_code


async def show_task(ctx: Context, args: str) -> list[Reply]:
    """Read-only and lean (no session): one read for the task, its seats, history and files."""
    code = parse_code(args)
    if code is None:
        return [Reply(texts.TASK_NOT_FOUND.format(code=args.strip()[:40], plan=ctx.plan_ref.code))]
    plan_id = ctx.plan_ref.id
    found = await ctx.read(lambda c: task_in_full(c, plan_id, code))
    if found is None:
        return [Reply(texts.TASK_NOT_FOUND.format(code=code, plan=ctx.plan_ref.code))]
    view = view_of(found.task, ctx.today, ctx.who)
    actions: tuple[Action, ...] = ()
    roles = ctx.roles(view)
    if may_change_status(ctx.who, roles):
        actions = status_actions(code)
        if view.standing.next_open is not None:  # a date still to meet: more time may be asked
            actions += (request_extension_action(code),)
    if ctx.who.is_admin and view.state.awaiting_confirmation:
        actions = office_actions(code) + actions
    coordinator = any(a_id in ctx.who.agency_ids for a_id, _ in view.facts.coordinators)
    if coordinator and Role.COORDINATING in roles:  # its input: one tap
        actions += (Action(texts.ACTION_INPUT_SENT, f"/capnhat {code} đã gửi ý kiến"),)
    office = sees_whole_plan(ctx.who) or Role.DIRECTOR in roles
    detail = render.task_detail(view, ctx.zone, office=office)
    text = "\n".join([detail, *file_lines(found.files, ctx.zone)])
    return [Reply(text, actions, task_id=found.task.id)]


async def ask_completion(ctx: Context, args: str) -> list[Reply]:
    """After a "Hoàn thành" tap: ask for the day it was done ("Hôm nay" is one tap) and the
    document (optional, by replying)."""
    task = await named_task(ctx, args, "/hoanthanh I.5")
    if isinstance(task, str):
        return [Reply(task)]
    code = task.code
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
