"""Files that back a completion: a photo or document sent in reply to a task's message, or
right after completing it, is kept under the data directory with its platform file id and a
SHA-256 checksum, and listed in the task's detail; /tailieu <mã> sends a task's files back to
its directors and the standing office."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from chat import texts
from chat.messages import Attachment, InboundFile, Reply
from db import records
from db.models import EvidenceFile, StatusChange, Task
from db.task_in_full import FileFacts
from domain.access import Role, may_change_status
from domain.files import check_content, safe_name
from domain.status import Status
from handlers.audit import append_change, refused
from handlers.context import Context, named_task

RIGHT_AFTER = timedelta(minutes=30)  # a file this soon after a completion backs that completion
SHOWN = 10


async def _recently_completed(ctx: Context) -> Task | None:
    """The task the sender marked done in the last minutes, if any."""
    task_id = await ctx.session.scalar(
        select(StatusChange.task_id)
        .where(
            StatusChange.member_id == ctx.member.id,
            StatusChange.kind == "status",
            StatusChange.new_status == Status.DONE.value,
            StatusChange.at >= ctx.now - RIGHT_AFTER,
        )
        .order_by(StatusChange.id.desc())
        .limit(1)
    )
    if task_id is None:
        return None
    return await records.task_by_id(ctx.session, task_id, milestones_only=True)


async def receive(ctx: Context, file: InboundFile, replied: Task | None) -> list[Reply]:
    """Keep a file for the task it answers (or the one just completed)."""
    task = replied or await _recently_completed(ctx)
    if task is None:
        return [Reply(texts.FILE_NO_TASK)]
    (view,) = await ctx.views([task])
    if not may_change_status(ctx.who, ctx.roles(view)):
        refused(ctx.inbound, f"file for {task.code}")
        return [Reply(texts.FILE_REFUSED.format(code=task.code))]
    problem = check_content(file.data)
    if problem is not None:
        return [Reply(texts.FILE_REFUSALS[problem])]
    digest = hashlib.sha256(file.data).hexdigest()
    relative = Path(str(ctx.plan.year)) / task.code / f"{digest[:16]}-{safe_name(file.file_name)}"
    target = ctx.files_dir / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        target.write_bytes(file.data)
    ctx.session.add(
        EvidenceFile(
            task_id=task.id,
            member_id=ctx.member.id,
            channel=ctx.inbound.channel,
            file_id=file.file_id,
            file_name=file.file_name[:256],
            mime_type=(file.mime_type or "")[:128] or None,
            size=len(file.data),
            sha256=digest,
            path=relative.as_posix(),
            at=ctx.now,
        )
    )
    append_change(ctx, task, kind="note", note=texts.FILE_NOTE.format(name=file.file_name))
    return [
        Reply(
            texts.FILE_SAVED.format(
                code=task.code, name=file.file_name, size=_size(len(file.data))
            ),
            task_id=task.id,
        )
    ]


def _size(size: int) -> str:
    return f"{size / 1024:.0f} KB" if size < 1024 * 1024 else f"{size / 1024 / 1024:.1f} MB"


async def task_files(ctx: Context, task: Task) -> Sequence[EvidenceFile]:
    return (
        await ctx.session.scalars(
            select(EvidenceFile)
            .where(EvidenceFile.task_id == task.id)
            .options(selectinload(EvidenceFile.member))
            .order_by(EvidenceFile.id)
        )
    ).all()


def file_lines(files: Sequence[FileFacts], zone: ZoneInfo) -> list[str]:
    """The files' lines for the task's detail."""
    if not files:
        return []
    lines = [texts.DETAIL_FILES.format(count=len(files))]
    for f in files[-SHOWN:]:
        lines.append(
            texts.DETAIL_FILE_LINE.format(
                name=f.file_name,
                size=_size(f.size),
                at=texts.moment(f.at, zone),
                who=f.who or texts.SOMEONE,
            )
        )
    return lines


async def send_back(ctx: Context, args: str) -> list[Reply]:
    """/tailieu <mã>: a task's files, for its directors and the standing office."""
    task = await named_task(ctx, args, "/tailieu I.5")
    if isinstance(task, str):
        return [Reply(task)]
    code = task.code
    (view,) = await ctx.views([task])
    if not (ctx.who.is_admin or Role.DIRECTOR in ctx.roles(view)):
        refused(ctx.inbound, f"files of {code}")
        return [Reply(texts.FILES_REFUSED.format(code=code))]
    files = await task_files(ctx, task)
    if not files:
        return [Reply(texts.FILES_NONE.format(code=code))]
    attachments = []
    for f in files[-SHOWN:]:
        path = ctx.files_dir / f.path
        data = path.read_bytes() if path.is_file() else b""
        same_channel = f.channel == ctx.inbound.channel
        if not data and not same_channel:
            continue
        attachments.append(
            Attachment(
                "document",
                f.file_name,
                data,
                caption=texts.FILE_CAPTION.format(code=code, name=f.file_name),
                file_id=f.file_id if same_channel else None,
            )
        )
    text = texts.FILES_SENT.format(code=code, count=len(attachments))
    return [Reply(text, files=tuple(attachments), task_id=task.id)]
