"""The standing office confirms a completion or returns it (setting CONFIRM_COMPLETION).

With the setting on, a completion reported by anyone but the office awaits confirmation: it
shows "chờ xác nhận" and reports count it apart. /xacnhan lists what awaits (one tap each),
/xacnhan <mã> confirms, /tralai <mã> <lý do> sends it back to "đang thực hiện" and tells the
reporter why. Both are kept in the history. Notices to the office and to the reporter go on
the announcements' ledger (``handlers.notices``), sent once each after the commit."""

from __future__ import annotations

from chat import texts
from chat.messages import Action, Reply
from chat.views import TaskView, view_of
from db import facts, records
from db.models import StatusChange, Task
from domain.progress import CONFIRM, PENDING, RETURNED, derive_state
from domain.status import Status
from handlers.audit import append_change
from handlers.context import Context, named_task
from handlers.notices import office_ids, queue_notice

MAX_REASON_CHARS = 500


def office_actions(code: str) -> tuple[Action, ...]:
    return (
        Action(texts.ACTION_CONFIRM, f"/xacnhan {code}"),
        Action(texts.ACTION_RETURN, f"/tralai {code}"),
    )


async def _awaiting(ctx: Context) -> list[TaskView]:
    plan_id = ctx.plan.id
    found = await ctx.session.run_sync(lambda s: facts.whole_plan(s.connection(), plan_id))
    views = [view_of(f, ctx.today) for f in found]
    return [
        v
        for v in views
        if v.state.awaiting_confirmation or any(p.state.awaiting_confirmation for p in v.parts)
    ]


def _part_changes(changes: list[StatusChange], agency_id: int | None) -> list[StatusChange]:
    return [c for c in changes if c.agency_id == agency_id]


async def _pending(ctx: Context, task: Task) -> StatusChange | None:
    """The completion awaiting confirmation, if the task's latest state is one (for a collective
    task: the earliest part whose latest state is one)."""
    changes = await records.task_changes(ctx.session, task.id)
    found = []
    for agency_id in dict.fromkeys(c.agency_id for c in changes):
        part = _part_changes(changes, agency_id)
        if derive_state(part).awaiting_confirmation:
            found.append(
                next(
                    c
                    for c in reversed(part)
                    if c.confirmation == PENDING and c.milestone_id is None
                )
            )
    return min(found, key=lambda c: c.id) if found else None


async def tell_reporter(
    ctx: Context, member_id: int | None, text: str, actions: tuple[Action, ...] = ()
) -> None:
    """Queue a notice for whoever reported the completion (not when it is the office itself)."""
    if member_id is not None and member_id != ctx.member.id:
        await queue_notice(ctx, [member_id], text, actions)


async def tell_office(ctx: Context, task: Task, day: str, evidence: str | None) -> None:
    """A completion now awaits confirmation: each admin is sent it with the two choices."""
    text = texts.PENDING_NOTICE.format(
        code=task.code,
        day=day,
        who=ctx.member.full_name,
        evidence=f" — {evidence}" if evidence else "",
    )
    await queue_notice(ctx, await office_ids(ctx), text, office_actions(task.code))


async def confirm(ctx: Context, args: str) -> list[Reply]:
    """/xacnhan: what awaits confirmation; /xacnhan <mã>: confirm it."""
    if not args.strip():
        views = await _awaiting(ctx)
        if not views:
            return [Reply(texts.CONFIRM_NONE)]
        lines = [texts.CONFIRM_LIST.format(count=len(views))]
        actions: list[Action] = []
        for v in views:
            day = texts.day(v.state.done_on) if v.state.done_on else texts.NONE
            lines.append(texts.CONFIRM_LINE.format(code=v.code, day=day, evidence=v.evidence or ""))
            actions += office_actions(v.code)
        return [Reply("\n".join(lines), tuple(actions))]
    task = await named_task(ctx, args, "/xacnhan I.5")
    if isinstance(task, str):
        return [Reply(task)]
    pending = await _pending(ctx, task)
    if pending is None:
        return [Reply(texts.CONFIRM_NOT_AWAITING.format(code=task.code))]
    append_change(ctx, task, kind=CONFIRM, milestone_id=None, agency_id=pending.agency_id)
    day = texts.day(pending.completed_on) if pending.completed_on else texts.NONE
    text = texts.CONFIRMED.format(code=task.code, day=day)
    await tell_reporter(
        ctx, pending.member_id, texts.CONFIRMED_NOTICE.format(code=task.code, day=day)
    )
    return [Reply(text, task_id=task.id)]


async def give_back(ctx: Context, args: str) -> list[Reply]:
    """/tralai <mã> <lý do>: the completion goes back to "đang thực hiện", the reporter is told."""
    task = await named_task(ctx, args, "/tralai I.5 <lý do>")
    if isinstance(task, str):
        return [Reply(task)]
    reason = args.strip().partition(" ")[2].strip()
    pending = await _pending(ctx, task)
    if pending is None:
        return [Reply(texts.CONFIRM_NOT_AWAITING.format(code=task.code))]
    if not reason:
        return [Reply(texts.RETURN_REASON_MISSING.format(code=task.code))]
    if len(reason) > MAX_REASON_CHARS:
        return [Reply(texts.TOO_LONG.format(limit=MAX_REASON_CHARS))]
    changes = await records.task_changes(ctx.session, task.id)
    before = derive_state(c for c in _part_changes(changes, pending.agency_id) if c.id < pending.id)
    append_change(
        ctx,
        task,
        kind="status",
        milestone_id=None,
        old_status=Status.DONE.value,
        new_status=Status.IN_PROGRESS.value,
        progress=before.progress if before.progress != 100 else None,
        note=reason,
        confirmation=RETURNED,
        agency_id=pending.agency_id,
    )
    text = texts.RETURNED.format(code=task.code, reason=reason)
    await tell_reporter(
        ctx,
        pending.member_id,
        texts.RETURNED_NOTICE.format(code=task.code, reason=reason),
        (Action(texts.ACTION_DONE, f"/hoanthanh {task.code}"),),  # to report it done again
    )
    return [Reply(text, task_id=task.id)]
