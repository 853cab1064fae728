"""/capnhat <code> <status> [n%] [note]: change a task's status, complete one batch (đợt) of
it, or add a note. Every change is appended to the history; nothing is overwritten."""

from __future__ import annotations

from chat import texts
from chat.messages import Action, Reply
from chat.views import TaskView
from db import records
from db.models import Milestone, StatusChange, Task
from domain.access import Role, may_add_note, may_change_status
from domain.status import Status
from handlers.audit import append_change, refused
from handlers.context import Context
from handlers.parse import UpdateError, UpdateRequest, clean, parse_update

MAX_NOTE_CHARS = 1000


def _error(error: UpdateError, code: str | None) -> str:
    example = code or "I.5"
    return {
        UpdateError.NO_CODE: texts.TASK_CODE_MISSING.format(example=texts.UPDATE_EXAMPLE),
        UpdateError.NO_STATUS: texts.STATUS_MISSING.format(code=example),
        UpdateError.BAD_PROGRESS: texts.PROGRESS_INVALID,
        UpdateError.NO_NOTE: texts.NOTE_MISSING.format(code=example),
    }[error]


def _refusal(ctx: Context, task: Task, view: TaskView, roles: frozenset[Role]) -> str:
    text = texts.REFUSED_STATUS.format(code=task.code, lead="; ".join(view.lead) or texts.NONE)
    if Role.COORDINATING in roles:
        text += texts.REFUSED_STATUS_COORDINATING.format(code=task.code)
    return text


async def update(ctx: Context, args: str) -> list[Reply]:
    parsed = parse_update(args)
    if not isinstance(parsed, UpdateRequest):
        return [Reply(_error(*parsed))]
    task = await records.task_by_code(ctx.session, ctx.plan.id, parsed.code)
    if task is None:
        return [Reply(texts.TASK_NOT_FOUND.format(code=parsed.code, plan=ctx.plan.code))]
    return await apply(ctx, task, parsed)


async def reply_update(ctx: Context, task: Task, text: str) -> list[Reply]:
    """Plain text in reply to a bot message about ``task``: "xong", "60%", "vướng: …", or a note."""
    parsed = parse_update(f"{task.code} {text}")
    if isinstance(parsed, UpdateRequest):
        return await apply(ctx, task, parsed)
    if parsed[0] != UpdateError.NO_STATUS:
        return [Reply(_error(*parsed))]
    return await apply(ctx, task, UpdateRequest(task.code, None, text=clean(text)))


async def apply(ctx: Context, task: Task, parsed: UpdateRequest) -> list[Reply]:
    if len(parsed.text) > MAX_NOTE_CHARS:
        return [Reply(texts.TOO_LONG.format(limit=MAX_NOTE_CHARS))]
    (view,) = await ctx.views([task])
    roles = ctx.roles(view)
    if parsed.status is None:
        return [_note(ctx, task, view, roles, parsed.text)]
    if not may_change_status(ctx.who, roles):
        refused(ctx.inbound, f"status of {task.code}")
        return [Reply(_refusal(ctx, task, view, roles))]
    if parsed.batch is not None:
        return [await _complete_batch(ctx, task, view, parsed)]
    return [await _change_status(ctx, task, view, parsed)]


def _note(ctx: Context, task: Task, view: TaskView, roles: frozenset[Role], text: str) -> Reply:
    if not may_add_note(ctx.who, roles):
        refused(ctx.inbound, f"note on {task.code}")
        return Reply(texts.REFUSED_NOTE.format(code=task.code))
    if view.state.status == Status.DONE:  # after "Hoàn thành", the text is the product's reference
        append_change(ctx, task, kind="note", milestone_id=None, reference=text)
        return Reply(texts.REFERENCE_SAVED.format(code=task.code, reference=text), task_id=task.id)
    append_change(ctx, task, kind="note", milestone_id=None, note=text)
    return Reply(texts.NOTE_SAVED.format(code=task.code, note=text), task_id=task.id)


async def _confirm(ctx: Context, task: Task, text: str, change: StatusChange) -> Reply:
    await ctx.session.flush()  # the change's id, for the undo choice
    return Reply(
        text + texts.UPDATE_HINT.format(code=task.code),
        (Action(texts.ACTION_UNDO, f"/hoantac {change.id}"),),
        task_id=task.id,
    )


async def _change_status(ctx: Context, task: Task, view: TaskView, req: UpdateRequest) -> Reply:
    assert req.status is not None
    state = view.state
    progress = (
        req.progress if req.progress is not None else (100 if req.status == Status.DONE else None)
    )
    if req.status == state.status and progress in (None, state.progress) and not req.text:
        return Reply(
            texts.UNCHANGED.format(
                code=task.code,
                status=texts.STATUS[state.status],
                progress=texts.percent(state.progress),
            ),
            task_id=task.id,
        )
    done = req.status == Status.DONE
    change = append_change(
        ctx,
        task,
        kind="status",
        milestone_id=None,
        old_status=state.status.value,
        new_status=req.status.value,
        progress=progress,
        note=None if done else (req.text or None),
        reference=(req.text or None) if done else None,
    )
    text = texts.UPDATED.format(
        code=task.code,
        old=texts.STATUS[state.status],
        new=texts.STATUS[req.status],
        progress=texts.percent(progress),
    )
    if req.text:
        text += (texts.WITH_REFERENCE if done else texts.WITH_NOTE).format(
            reference=req.text, note=req.text
        )
    return await _confirm(ctx, task, text, change)


def _milestone(task: Task, batch: int) -> Milestone | None:
    label = texts.BATCH.format(number=batch)
    by_label = next((m for m in task.milestones if m.label == label), None)
    if by_label is not None:
        return by_label
    return task.milestones[batch - 1] if 1 <= batch <= len(task.milestones) else None


async def _complete_batch(ctx: Context, task: Task, view: TaskView, req: UpdateRequest) -> Reply:
    label = texts.BATCH.format(number=req.batch)
    milestone = _milestone(task, req.batch or 0) if len(task.milestones) > 1 else None
    if milestone is None:
        labels = ", ".join(m.label or texts.day(m.due_on) for m in task.milestones) or texts.NONE
        return Reply(texts.MILESTONE_NOT_FOUND.format(code=task.code, label=label, labels=labels))
    if req.status != Status.DONE:
        return Reply(texts.MILESTONE_ONLY_DONE.format(code=task.code))
    change = append_change(
        ctx,
        task,
        kind="status",
        milestone_id=milestone.id,
        old_status=view.state.status.value,
        new_status=Status.DONE.value,
        reference=req.text or None,
    )
    open_left = [m for m in view.milestones if not m.done and m.id != milestone.id]
    text = texts.UPDATED_MILESTONE.format(
        label=milestone.label or label, code=task.code, due=texts.day(milestone.due_on)
    )
    if not open_left and view.state.status != Status.DONE:
        append_change(
            ctx,
            task,
            kind="status",
            milestone_id=None,
            old_status=view.state.status.value,
            new_status=Status.DONE.value,
            progress=100,
        )
        text += "\n" + texts.UPDATED.format(
            code=task.code,
            old=texts.STATUS[view.state.status],
            new=texts.STATUS[Status.DONE],
            progress=texts.percent(100),
        )
    if req.text:
        text += texts.WITH_REFERENCE.format(reference=req.text)
    return await _confirm(ctx, task, text, change)
