"""/capnhat <code> <status> [n%] [note]: change a task's status, complete one batch (đợt) of
it, or add a note. Every change is appended to the history; nothing is overwritten."""

from __future__ import annotations

from datetime import date
from typing import Any

from chat import texts
from chat.actions import status_actions
from chat.messages import Action, Reply
from chat.views import TaskView
from db import records
from db.models import Milestone, StatusChange, Task
from domain.access import Role, may_add_note, may_change_status
from domain.completion import (
    Completion,
    CompletionError,
    Evidence,
    check_day,
    parse_completion,
    sounds_unsure,
    starts_with_day,
    unsure_of_completion,
)
from domain.parts import CLOSE, INPUT
from domain.progress import PENDING
from domain.status import Status
from handlers.audit import append_change, refused
from handlers.confirm import tell_office
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


def _ask(code: str, task_id: int | None = None) -> Reply:
    """Not sure what the person meant: ask with the status choices instead of guessing."""
    return Reply(texts.STATUS_MISSING.format(code=code), status_actions(code), task_id=task_id)


def _ask_done(code: str, note: str, task_id: int) -> Reply:
    done = texts.STATUS[Status.DONE]
    actions = (
        Action(texts.ACTION_DONE_TODAY, f"/capnhat {code} {done} hôm nay"),
        Action(
            texts.ACTION_IN_PROGRESS_ONLY, f"/capnhat {code} {texts.STATUS[Status.IN_PROGRESS]}"
        ),
    )
    return Reply(texts.DONE_UNSURE.format(code=code, note=note), actions, task_id=task_id)


async def update(ctx: Context, args: str) -> list[Reply]:
    parsed = parse_update(args)
    if not isinstance(parsed, UpdateRequest):
        if parsed[0] == UpdateError.NO_STATUS and parsed[1] is not None:
            return [_ask(parsed[1])]
        return [Reply(_error(*parsed))]
    task = await records.task_by_code(ctx.session, ctx.plan.id, parsed.code, milestones_only=True)
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
    if unsure_of_completion(text):  # "sắp xong", "chưa xong": ask, never a note nor a document
        return [await _ask_unsure(ctx, task, clean(text))]
    if _answers_which_day(ctx, text):  # "hoàn thành ngày nào?" -> "ngày 25/01/2024 QĐ số …"
        return await apply(ctx, task, UpdateRequest(task.code, Status.DONE, text=clean(text)))
    return await apply(ctx, task, UpdateRequest(task.code, None, text=clean(text)))


async def _ask_unsure(ctx: Context, task: Task, text: str) -> Reply:
    """A reply unsure of completion: whoever may change the status is asked whether the task is
    done (a task already done: which status it is in now); anyone else is told why not."""
    (view,) = await ctx.views([task])
    roles = ctx.roles(view)
    if not may_change_status(ctx.who, roles):
        refused(ctx.inbound, f"status of {task.code}")
        return Reply(_refusal(ctx, task, view, roles))
    if view.state.status == Status.DONE:
        return _ask(task.code, task.id)
    return _ask_done(task.code, text, task.id)


def _answers_which_day(ctx: Context, text: str) -> bool:
    """A reply that is only a day (and perhaps a document) answers "hoàn thành ngày nào?";
    a day followed by anything else ("ngày 25/06/2024 họp Ban") is a note, never a guess."""
    if not starts_with_day(text):
        return False
    found = parse_completion(text, today=ctx.today)
    return not isinstance(found, Completion) or not found.note


def _completion(ctx: Context, text: str) -> Completion | str:
    """The completion day and document in ``text``, or why they cannot be taken."""
    found = parse_completion(text, today=ctx.today)
    if isinstance(found, CompletionError):
        return texts.COMPLETION_ERRORS[found].format(year=ctx.plan.year, today=texts.day(ctx.today))
    if found.day is not None:
        error = check_day(found.day, today=ctx.today, plan_year=ctx.plan.year)
        if error is not None:
            return texts.COMPLETION_ERRORS[error].format(
                year=ctx.plan.year, today=texts.day(ctx.today)
            )
    return found


def evidence_fields(evidence: Evidence | None) -> dict[str, Any]:
    if evidence is None:
        return {}
    return {
        "evidence": evidence.text,
        "evidence_kind": evidence.kind,
        "evidence_number": evidence.number[:64] if evidence.number else None,  # the column's size
        "evidence_date": evidence.on,
    }


async def _ask_office(ctx: Context, task: Task, reply: Reply) -> None:
    """When the completion just recorded awaits confirmation, the office is asked."""
    if texts.AWAITING_CONFIRMATION not in reply.text:
        return
    (view,) = await ctx.views([task])
    if view.state.awaiting_confirmation:
        day = texts.day(view.state.done_on) if view.state.done_on else texts.NONE
        await tell_office(ctx, task, day, view.evidence)


def _awaits_confirmation(ctx: Context) -> bool:
    return ctx.confirm_completion and not ctx.who.is_admin


def _done_lines(completion: Completion, day: date, pending: bool) -> str:
    return texts.COMPLETED_ON.format(day=texts.day(day)) + _backing_lines(completion, pending)


def _backing_lines(completion: Completion, pending: bool) -> str:
    """What backs a completion (its document, its note) and whether it awaits the office."""
    text = ""
    if completion.evidence is not None:
        text += texts.WITH_EVIDENCE.format(evidence=completion.evidence.text)
    if completion.note:
        text += texts.WITH_NOTE.format(note=completion.note)
    if pending:
        text += texts.AWAITING_CONFIRMATION
    return text


async def apply(ctx: Context, task: Task, parsed: UpdateRequest) -> list[Reply]:
    if len(parsed.text) > MAX_NOTE_CHARS:
        return [Reply(texts.TOO_LONG.format(limit=MAX_NOTE_CHARS))]
    (view,) = await ctx.views([task])
    roles = ctx.roles(view)
    if parsed.input_sent:
        return [await _input(ctx, task, view, parsed.text)]
    if parsed.status is None:
        # Only whoever may change the status gives a done task its document by a plain text.
        document = not parsed.note_only and may_change_status(ctx.who, roles)
        return [_note(ctx, task, view, roles, parsed.text, document=document)]
    if not may_change_status(ctx.who, roles):
        refused(ctx.inbound, f"status of {task.code}")
        return [Reply(_refusal(ctx, task, view, roles))]
    if (parsed.close or parsed.reopen) and view.collective:
        if not (ctx.who.is_admin or Role.DIRECTOR in roles):
            refused(ctx.inbound, f"close of {task.code}")
            refusal = texts.REOPEN_REFUSED if parsed.reopen else texts.CLOSE_REFUSED
            return [Reply(refusal.format(code=task.code))]
        if parsed.reopen and view.closed is None:
            return [Reply(texts.NOT_CLOSED.format(code=task.code), task_id=task.id)]
        return [await _close(ctx, task, view, parsed)]
    if view.collective and view.part is None:  # a director or the office, without a part
        return [await _close(ctx, task, view, parsed)]
    completion = None
    if parsed.status == Status.DONE:
        found = _completion(ctx, parsed.text)
        if isinstance(found, str):
            return [Reply(found, task_id=task.id)]
        if sounds_unsure(found.note):  # "xong một phần", "sắp xong": ask, never guess
            return [_ask_done(task.code, found.note, task.id)]
        completion = found
    if parsed.batch is not None:
        reply = await _complete_batch(ctx, task, view, parsed, completion)
        await _ask_office(ctx, task, reply)
        return [reply]
    if completion is not None:
        reply = await _complete(ctx, task, view, parsed, completion)
        await _ask_office(ctx, task, reply)
        return [reply]
    return [await _change_status(ctx, task, view, parsed)]


def _note(
    ctx: Context,
    task: Task,
    view: TaskView,
    roles: frozenset[Role],
    text: str,
    *,
    document: bool,
) -> Reply:
    """A note on the task; after "Hoàn thành", when ``document``, the text is its document."""
    if not may_add_note(ctx.who, roles):
        refused(ctx.inbound, f"note on {task.code}")
        return Reply(texts.REFUSED_NOTE.format(code=task.code))
    if document and view.state.status == Status.DONE:
        found = parse_completion(text, today=ctx.today)
        if isinstance(found, Completion) and found.evidence is None and found.note:
            found = Completion(found.day, Evidence(found.note), "")
        if isinstance(found, Completion) and found.evidence is not None:
            append_change(
                ctx,
                task,
                kind="note",
                milestone_id=None,
                agency_id=_part_id(view),
                **evidence_fields(found.evidence),
            )
            return Reply(
                texts.REFERENCE_SAVED.format(code=task.code, reference=found.evidence.text),
                task_id=task.id,
            )
    append_change(ctx, task, kind="note", milestone_id=None, note=text, agency_id=_part_id(view))
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
    change = _status_change(ctx, task, view, req.status, progress=progress, note=req.text or None)
    if (
        req.status == state.status
    ):  # a new % or a note: "Đang thực hiện → Đang thực hiện" says nothing
        text = texts.UPDATED_SAME_STATUS.format(
            code=task.code, status=texts.STATUS[req.status], progress=texts.percent(progress)
        )
    else:
        text = texts.UPDATED.format(
            code=task.code,
            old=texts.STATUS[state.status],
            new=texts.STATUS[req.status],
            progress=texts.percent(progress),
        )
    if req.text:
        text += texts.WITH_NOTE.format(note=req.text)
    text += _part_line(view, req.status)
    return await _confirm(ctx, task, text, change)


async def _complete(
    ctx: Context, task: Task, view: TaskView, req: UpdateRequest, completion: Completion
) -> Reply:
    """Mark the task done on the day it was done, with its document. Given again for a task
    already done, it corrects the day or adds the document (the day: the office only)."""
    state = view.state
    day = completion.day or ctx.today
    if state.status == Status.DONE:
        if completion.day is None or completion.day == state.done_on:
            if completion.evidence is None and not completion.note:
                return Reply(
                    texts.UNCHANGED.format(
                        code=task.code, status=texts.STATUS[Status.DONE], progress=""
                    ),
                    task_id=task.id,
                )
            day = state.done_on or ctx.today
        elif not ctx.who.is_admin:
            refused(ctx.inbound, f"completion day of {task.code}")
            return Reply(texts.COMPLETION_DAY_OFFICE_ONLY.format(code=task.code))
    pending = _awaits_confirmation(ctx) and state.status != Status.DONE
    change = _status_change(
        ctx,
        task,
        view,
        Status.DONE,
        progress=100,
        note=completion.note or None,
        completed_on=day,
        confirmation=PENDING if pending else None,
        **evidence_fields(completion.evidence),
    )
    if state.status == Status.DONE and completion.day not in (None, state.done_on):
        text = texts.COMPLETION_DAY_CORRECTED.format(
            code=task.code,
            old=texts.day(state.done_on) if state.done_on else texts.NONE,
            new=texts.day(day),
        )
    else:
        text = texts.UPDATED.format(
            code=task.code,
            old=texts.STATUS[state.status],
            new=texts.STATUS[Status.DONE],
            progress=texts.percent(100),
        )
    text += _done_lines(completion, day, pending) + _part_line(view, Status.DONE)
    return await _confirm(ctx, task, text, change)


def _milestone(task: Task, batch: int) -> Milestone | None:
    label = texts.BATCH.format(number=batch)
    by_label = next((m for m in task.milestones if m.label == label), None)
    if by_label is not None:
        return by_label
    return task.milestones[batch - 1] if 1 <= batch <= len(task.milestones) else None


async def _complete_batch(
    ctx: Context,
    task: Task,
    view: TaskView,
    req: UpdateRequest,
    completion: Completion | None,
) -> Reply:
    label = texts.BATCH.format(number=req.batch)
    milestone = _milestone(task, req.batch or 0) if len(task.milestones) > 1 else None
    if milestone is None:
        labels = ", ".join(m.label or texts.day(m.due_on) for m in task.milestones) or texts.NONE
        return Reply(texts.MILESTONE_NOT_FOUND.format(code=task.code, label=label, labels=labels))
    if req.status != Status.DONE or completion is None:
        return Reply(texts.MILESTONE_ONLY_DONE.format(code=task.code))
    day = completion.day or ctx.today
    change = _status_change(
        ctx,
        task,
        view,
        Status.DONE,
        milestone_id=milestone.id,
        completed_on=day,
        note=completion.note or None,
        **evidence_fields(completion.evidence),
    )
    open_left = [m for m in view.milestones if not m.done and m.id != milestone.id]
    text = texts.UPDATED_MILESTONE.format(
        label=milestone.label or label,
        code=task.code,
        day=texts.day(day),
        due=texts.day(milestone.due_on),
    )
    pending = False
    if not open_left and view.state.status != Status.DONE:
        pending = _awaits_confirmation(ctx)
        _status_change(
            ctx,
            task,
            view,
            Status.DONE,
            progress=100,
            completed_on=day,
            confirmation=PENDING if pending else None,
        )
        text += "\n" + texts.UPDATED.format(
            code=task.code,
            old=texts.STATUS[view.state.status],
            new=texts.STATUS[Status.DONE],
            progress=texts.percent(100),
        )
    text += _backing_lines(completion, pending)
    return await _confirm(ctx, task, text, change)


def _status_change(
    ctx: Context,
    task: Task,
    view: TaskView,
    new: Status,
    *,
    milestone_id: int | None = None,
    **fields: Any,
) -> StatusChange:
    """A status change by the sender from the state they see: on their agency's part of a
    collective task, else on the task (or one of its milestones)."""
    return append_change(
        ctx,
        task,
        kind="status",
        milestone_id=milestone_id,
        agency_id=_part_id(view),
        old_status=view.state.status.value,
        new_status=new.value,
        **fields,
    )


def _part_id(view: TaskView) -> int | None:
    """The part a change by this viewer belongs to (None: the task itself)."""
    return view.part.agency_id if view.part is not None else None


def _part_line(view: TaskView, new: Status) -> str:
    """For a part: whose part it is, and how many parts are done after this change."""
    if view.part is None:
        return ""
    was_done = view.part.state.status == Status.DONE
    done = view.parts_done + (new == Status.DONE) - was_done
    return texts.PART_UPDATED.format(agency=view.part.name, done=done, total=len(view.parts))


async def _close(ctx: Context, task: Task, view: TaskView, req: UpdateRequest) -> Reply:
    """A director or the office on a collective task: "hoàn thành <lý do>" closes the whole task
    (the reason required unless every part is done); another status reopens a closed task.
    Otherwise the status is the parts': each agency updates its own."""
    assert req.status is not None
    done, total = view.parts_done, len(view.parts)
    whole = view.whole or view.state
    if req.status == Status.DONE:
        if view.closed is not None:
            return Reply(texts.ALREADY_CLOSED.format(code=task.code), task_id=task.id)
        if whole.status == Status.DONE:  # every part is done
            unchanged = texts.UNCHANGED.format(
                code=task.code, status=texts.STATUS[Status.DONE], progress=""
            )
            return Reply(unchanged, task_id=task.id)
        reason = req.text.strip()
        if not reason:
            return Reply(
                texts.CLOSE_REASON_MISSING.format(code=task.code, done=done, total=total),
                task_id=task.id,
            )
        _close_line(
            ctx,
            task,
            whole.status,
            Status.DONE,
            progress=req.progress,
            note=reason,
            completed_on=ctx.today,
        )
        text = texts.CLOSED.format(code=task.code, done=done, total=total, reason=reason)
        return Reply(text, task_id=task.id)
    if view.closed is not None:
        _close_line(ctx, task, Status.DONE, req.status, note=req.text or None)
        return Reply(texts.REOPENED.format(code=task.code, done=done, total=total), task_id=task.id)
    return Reply(texts.PARTS_ONLY.format(code=task.code, done=done, total=total), task_id=task.id)


def _close_line(ctx: Context, task: Task, old: Status, new: Status, **fields: Any) -> None:
    """A director's or the office's close (or reopening) of a whole collective task."""
    append_change(
        ctx,
        task,
        kind=CLOSE,
        milestone_id=None,
        old_status=old.value,
        new_status=new.value,
        **fields,
    )


async def _input(ctx: Context, task: Task, view: TaskView, reference: str) -> Reply:
    """A coordinating agency's officer: its input is sent (with the document, if given)."""
    agency = next(
        ((a_id, name) for a_id, name in view.facts.coordinators if a_id in ctx.who.agency_ids),
        None,
    )
    if agency is None:
        refused(ctx.inbound, f"input on {task.code}")
        return Reply(texts.INPUT_REFUSED.format(code=task.code), task_id=task.id)
    append_change(
        ctx,
        task,
        kind=INPUT,
        milestone_id=None,
        agency_id=agency[0],
        reference=reference or None,
    )
    text = texts.INPUT_SAVED.format(agency=agency[1], code=task.code)
    if reference:
        text += texts.INPUT_REFERENCE.format(reference=reference)
    return Reply(text, task_id=task.id)
