"""Pending extension requests that the office's own extension (/giahan) meets.

A request asking for a day at or before the milestone's new deadline no longer asks for anything:
it is approved in the same transaction (``answer`` says it was met by the office's extension, no
extension of its own is made) and the requester is told as an approval tells them. A request
asking for a later day still asks for more and stays pending.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from chat import texts
from db.models import ExtensionRequest, Milestone, Task
from handlers.context import Context
from handlers.notices import queue_notice


async def met_requests(
    ctx: Context, milestone: Milestone, new_due: date
) -> Sequence[ExtensionRequest]:
    """The milestone's pending requests that a deadline of ``new_due`` meets, oldest first."""
    return (
        await ctx.session.scalars(
            select(ExtensionRequest)
            .where(
                ExtensionRequest.milestone_id == milestone.id,
                ExtensionRequest.state == "pending",
                ExtensionRequest.new_due <= new_due,
            )
            .order_by(ExtensionRequest.id)
            .options(selectinload(ExtensionRequest.member))
        )
    ).all()


def requester(request: ExtensionRequest) -> str:
    return request.member.full_name if request.member else texts.NONE


def met_note(requests: Sequence[ExtensionRequest]) -> str:
    """What the extension's history line and audit entry add: the requests it meets."""
    return "".join(texts.MET_NOTE.format(number=r.id, name=requester(r)) for r in requests)


async def settle_met(
    ctx: Context,
    task: Task,
    milestone: Milestone,
    requests: Sequence[ExtensionRequest],
    old: date,
    new_due: date,
) -> str:
    """Approve ``requests`` (met by extending ``milestone`` from ``old`` to ``new_due``), queue
    the approval notice to each requester but the sender; the lines the sender's answer adds."""
    label = f" ({milestone.label})" if milestone.label and len(task.milestones) > 1 else ""
    for request in requests:
        request.state, request.decided_by, request.decided_at = "approved", ctx.member.id, ctx.now
        request.answer = texts.MET_ANSWER.format(new=texts.day(new_due))
        if request.member_id is not None and request.member_id != ctx.member.id:
            notice = texts.APPROVED_NOTICE.format(
                number=request.id,
                code=task.code,
                label=label,
                old=texts.day(old),
                new=texts.day(new_due),
                name=ctx.member.full_name,
            )
            await queue_notice(ctx, [request.member_id], notice)
    return "".join(texts.EXTEND_MET.format(number=r.id, name=requester(r)) for r in requests)
