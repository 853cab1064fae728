"""/hoantac <id>: undo one's own status change within 10 minutes, if nothing came after it.

Undoing appends the reverse change: the history keeps both."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from chat import texts
from chat.messages import Reply
from db import records
from db.models import StatusChange
from domain.access import may_change_status
from domain.progress import PENDING, derive_state
from domain.status import Status
from handlers.audit import append_change, refused
from handlers.context import Context
from handlers.parse import parse_number

UNDO_WINDOW = timedelta(minutes=10)


def _same_part(agency_id: int | None) -> Any:
    """The changes of the same part of a collective task (or of the task itself)."""
    if agency_id is None:
        return StatusChange.agency_id.is_(None)
    return StatusChange.agency_id == agency_id


async def undo(ctx: Context, args: str) -> list[Reply]:
    change_id = parse_number(args)
    target = await ctx.session.get(StatusChange, change_id) if change_id is not None else None
    if target is None or target.kind != "status":
        return [Reply(texts.UNDO_UNKNOWN)]
    if target.member_id != ctx.member.id:
        refused(ctx.inbound, "undo of another member's change")
        return [Reply(texts.UNDO_NOT_YOURS)]
    expired = texts.UNDO_EXPIRED.format(minutes=int(UNDO_WINDOW.total_seconds() // 60))
    if ctx.now - target.at > UNDO_WINDOW:
        refused(ctx.inbound, "undo expired")
        return [Reply(expired)]
    # One command may have written two changes (a batch, then the task done): undo both.
    group = (
        await ctx.session.scalars(
            select(StatusChange)
            .where(
                StatusChange.task_id == target.task_id,
                StatusChange.member_id == target.member_id,
                StatusChange.at == target.at,
                StatusChange.kind == "status",
                StatusChange.id >= target.id,
                _same_part(target.agency_id),
            )
            .order_by(StatusChange.id)
        )
    ).all()
    latest = await ctx.session.scalar(
        select(func.max(StatusChange.id)).where(
            StatusChange.task_id == target.task_id,
            StatusChange.kind == "status",
            _same_part(target.agency_id),
        )
    )
    if latest != group[-1].id:
        refused(ctx.inbound, "undo: a newer change exists")
        return [Reply(expired)]
    task = await records.task_by_id(ctx.session, target.task_id)
    assert task is not None
    (view,) = await ctx.views([task])
    if not may_change_status(ctx.who, ctx.roles(view)):
        refused(ctx.inbound, f"undo on {task.code}: no longer allowed")
        return [Reply(texts.UNDO_NOT_YOURS)]
    earlier = await ctx.session.scalars(
        select(StatusChange)
        .where(
            StatusChange.task_id == task.id,
            StatusChange.id < target.id,
            _same_part(target.agency_id),
        )
        .order_by(StatusChange.id)
    )
    before = derive_state(earlier)
    lines = []
    for change in reversed(group):
        revert = append_change(
            ctx,
            task,
            kind="status",
            milestone_id=change.milestone_id,
            old_status=change.new_status,
            note=texts.ACTION_UNDO,
            agency_id=change.agency_id,
        )
        if change.milestone_id is not None:
            revert.new_status = (
                before.status.value if before.status != Status.DONE else Status.IN_PROGRESS.value
            )
            label = next((m.label for m in task.milestones if m.id == change.milestone_id), None)
            lines.append(texts.UNDONE_MILESTONE.format(label=label or "", code=task.code))
        else:
            revert.new_status = before.status.value
            revert.progress = before.progress
            if before.status == Status.DONE:  # done again as it was: its day, its confirmation
                revert.completed_on = before.done_on
                revert.confirmation = PENDING if before.awaiting_confirmation else None
            lines.append(
                texts.UNDONE.format(
                    code=task.code,
                    status=texts.STATUS[before.status],
                    progress=texts.percent(before.progress),
                )
            )
    return [Reply("\n".join(reversed(lines)), task_id=task.id)]
