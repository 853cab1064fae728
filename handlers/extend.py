"""/giahan <code> [đợt N] <dd/mm/yyyy> <reason>: the standing office extends a deadline.

The milestone keeps its original date (reports judge against it); reminders follow the new one.
A pending extension request the new deadline meets is approved with it (handlers.met_requests).
"""

from __future__ import annotations

import re
from datetime import date

from chat import texts
from chat.messages import Reply
from db import records
from db.models import Extension, Milestone, Task
from handlers.audit import append_change, record
from handlers.context import Context
from handlers.met_requests import met_note, met_requests, settle_met
from handlers.parse import clean, parse_code
from handlers.preferences import parse_day

LAST_YEAR = 2100  # a new deadline after this, or before the year before the plan's, is a typo
_ARGS = re.compile(r"^(\S+)\s+(?:(?:đợt|dot|Đợt)\s*(\d{1,2})\s+)?(\S+)\s*(.*)$", re.IGNORECASE)


async def extend(ctx: Context, args: str) -> list[Reply]:
    match = _ARGS.match(clean(args))
    code = parse_code(match[1]) if match else None
    new_due = parse_day(match[3]) if match else None
    if match is None or code is None or new_due is None:
        return [Reply(texts.EXTEND_USAGE)]
    if not ctx.plan.year - 1 <= new_due.year <= LAST_YEAR:
        return [
            Reply(
                texts.EXTEND_OUT_OF_RANGE.format(
                    day=match[3], first=ctx.plan.year - 1, last=LAST_YEAR
                )
            )
        ]
    reason = match[4].strip()
    if not reason:
        return [Reply(texts.EXTEND_REASON_MISSING)]
    task = await records.task_by_code(ctx.session, ctx.plan.id, code)
    if task is None:
        return [Reply(texts.TASK_NOT_FOUND.format(code=code, plan=ctx.plan.code))]
    if not task.milestones:
        return [Reply(texts.EXTEND_NO_DATE.format(code=code))]
    batch = int(match[2]) if match[2] else None
    milestone = await choose_milestone(ctx, task, batch)
    if isinstance(milestone, Reply):
        return [milestone]
    label = f" ({milestone.label})" if milestone.label else ""
    if new_due == milestone.current_due:
        return [Reply(texts.EXTEND_SAME_DUE.format(code=code, label=label, due=texts.day(new_due)))]
    if new_due < milestone.current_due:  # as /xingiahan: an extension only moves a date later
        return [
            Reply(
                texts.EXTEND_NOT_LATER.format(
                    code=code,
                    label=label,
                    new=texts.day(new_due),
                    due=texts.day(milestone.current_due),
                    example=earlier_deadline_text(task, milestone, new_due),
                )
            )
        ]
    met = await met_requests(ctx, milestone, new_due)
    old = add_extension(ctx, task, milestone, new_due, reason, detail=met_note(met))
    settled = await settle_met(ctx, task, milestone, met, old, new_due)
    return [
        Reply(
            texts.EXTENDED.format(
                code=code, label=label, old=texts.day(old), new=texts.day(new_due), reason=reason
            )
            + settled,
            task_id=task.id,
        )
    ]


def earlier_deadline_text(task: Task, milestone: Milestone, new_due: date) -> str:
    """What to give /suanv … thoihan to move ``milestone`` to ``new_due`` (an earlier day):
    the day alone, or every batch's plan date with this one changed ("Đợt 1 30/06/2024 -
    Đợt 2 30/11/2024"), which the deadline reader takes back as the same batches."""
    if len(task.milestones) == 1:
        return texts.day(new_due)
    return " - ".join(
        f"{texts.BATCH.format(number=n)} {texts.day(new_due if m.id == milestone.id else m.due_on)}"
        for n, m in enumerate(task.milestones, start=1)
    )


async def choose_milestone(ctx: Context, task: Task, batch: int | None) -> Milestone | Reply:
    """Batch ``batch`` (1-based) of the task, or its first milestone still open; a reply saying
    which batches there are when there is no such batch."""
    if batch is not None and not 1 <= batch <= len(task.milestones):
        labels = ", ".join(m.label or texts.day(m.due_on) for m in task.milestones)
        return Reply(
            texts.MILESTONE_NOT_FOUND.format(
                code=task.code, label=texts.BATCH.format(number=batch), labels=labels
            )
        )
    if batch is not None:
        return task.milestones[batch - 1]
    (view,) = await ctx.views([task])
    open_ids = [m.id for m in view.milestones if not m.done]
    return next((m for m in task.milestones if m.id in open_ids), task.milestones[-1])


def add_extension(
    ctx: Context,
    task: Task,
    milestone: Milestone,
    new_due: date,
    reason: str,
    *,
    action: str = "extend",
    detail: str = "",
) -> date:
    """Extend ``milestone`` to ``new_due`` by the sender (the original date stays on the
    milestone): the extension, a line in the task's history and one in the audit trail.
    Returns the due date it replaces."""
    old = milestone.current_due
    ctx.session.add(
        Extension(
            milestone_id=milestone.id,
            new_due=new_due,
            reason=reason,
            member_id=ctx.member.id,
            at=ctx.now,
        )
    )
    note = texts.EXTENSION_NOTE.format(old=texts.day(old), new=texts.day(new_due), reason=reason)
    append_change(ctx, task, kind="note", milestone_id=milestone.id, note=note + detail)
    record(ctx, action, task.code, f"{texts.day(old)} → {texts.day(new_due)}: {reason}{detail}")
    return old
