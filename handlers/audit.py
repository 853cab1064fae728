"""Accountability: every refusal is logged (what, on which channel and chat — never the message
itself, which may hold an invite code, and never a secret); every admin action is recorded in
the database (``admin_actions``), and /nhatky shows the latest."""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from chat import texts
from chat.messages import Inbound, Reply
from db.models import AdminAction, StatusChange, Task
from domain.normalize import shorten
from handlers.context import Context

SHOWN = 20
log = logging.getLogger("handlers.access")


def refused(inbound: Inbound, reason: str) -> None:
    log.warning("refused: %s", reason, extra={"channel": inbound.channel, "chat": inbound.chat_id})


def append_change(ctx: Context, task: Task, **fields: object) -> StatusChange:
    """Add one line to the task's history, by the sender, from this chat, now."""
    change = StatusChange(
        task_id=task.id,
        member_id=ctx.member.id,
        channel=ctx.inbound.channel,
        chat_id=ctx.inbound.chat_id,
        at=ctx.now,
        **fields,
    )
    ctx.session.add(change)
    return change


def record(
    ctx: Context, action: str, target: str, detail: str | None = None, *, task: Task | None = None
) -> None:
    """Add one line to the audit trail, by the sender, now (inside the command's transaction);
    an action on a task is also a note in that task's history."""
    if task is not None:
        note = texts.ADMIN_NOTE.format(action=texts.AUDIT_ACTIONS[action], detail=detail or "")
        append_change(ctx, task, kind="note", note=note)
    ctx.session.add(
        AdminAction(
            member_id=ctx.member.id,
            channel=ctx.inbound.channel,
            at=ctx.now,
            action=action,
            target=target,
            detail=detail,
        )
    )


async def show_audit(ctx: Context, args: str) -> list[Reply]:
    rows = (
        await ctx.session.scalars(
            select(AdminAction)
            .options(selectinload(AdminAction.member))
            .order_by(AdminAction.id.desc())
            .limit(SHOWN)
        )
    ).all()
    if not rows:
        return [Reply(texts.AUDIT_NONE)]
    lines = [texts.AUDIT_TITLE]
    for row in rows:
        detail = f" — {shorten(row.detail, 120)}" if row.detail else ""
        lines.append(
            texts.AUDIT_LINE.format(
                at=texts.moment(row.at, ctx.zone),
                who=row.member.full_name if row.member else row.channel,
                action=texts.AUDIT_ACTIONS.get(row.action, row.action),
                target=row.target,
                detail=detail,
            )
        )
    return [Reply("\n".join(lines))]
