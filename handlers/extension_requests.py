"""Extension requests (xin gia hạn): whoever may change a task's status asks, the standing office
approves or refuses.

/xingiahan <code> [đợt N] <dd/mm/yyyy> <reason> asks; without the date and reason (the "Xin gia
hạn" button) the bot asks for them and the next message answers. The office is told of each
request with Duyệt / Từ chối buttons; /duyet lists pending requests, /duyet <n> approves (an
extension as /giahan makes one, the original date kept), /tuchoi <n> <reason> refuses. The
requester is told either way. Notices go through the announcements' ledger, sent after the
transaction commits. A newer request for the same milestone replaces a pending one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from chat import texts
from chat.messages import Action, Reply
from db import records
from db.models import ExtensionRequest, Milestone, Task
from domain.access import may_change_status
from domain.normalize import fold, shorten
from handlers.audit import append_change, record, refused
from handlers.context import Context
from handlers.extend import add_extension, choose_milestone
from handlers.notices import office_ids, queue_notice
from handlers.parse import clean, parse_code
from handlers.preferences import parse_day
from handlers.prompts import ask, settle

CANCEL = {"huy", "thoi", "huy bo"}
MAX_REASON_CHARS = 500
LISTED_BUTTONS = 4  # requests whose Duyệt / Từ chối buttons the /duyet list carries
CONTENT_CHARS = 160


@dataclass(frozen=True)
class Asked:
    code: str
    batch: int | None
    rest: str  # what follows the code and batch: the date and the reason


def parse_request(args: str) -> Asked | None:
    """ "III.5 đợt 2 31/03/2025 lý do" -> Asked("III.5", 2, "31/03/2025 lý do")."""
    words = clean(args).split(" ")
    code = parse_code(words[0]) if words and words[0] else None
    if code is None:
        return None
    rest = words[1:]
    batch = None
    if rest and fold(rest[0]) == "dot" and len(rest) > 1 and rest[1].isdigit():
        batch, rest = int(rest[1]), rest[2:]
    elif rest and fold(rest[0]).startswith("dot") and fold(rest[0])[3:].isdigit():
        batch, rest = int(fold(rest[0])[3:]), rest[1:]
    return Asked(code, batch, " ".join(rest).strip())


def _label(milestone: Milestone, task: Task) -> str:
    return f" ({milestone.label})" if milestone.label and len(task.milestones) > 1 else ""


def _command(asked: Asked) -> str:
    batch = f" đợt {asked.batch}" if asked.batch is not None else ""
    return f"/xingiahan {asked.code}{batch}"


def _cancelled(text: str) -> bool:
    return fold(text).strip(" .!") in CANCEL


async def request_extension(ctx: Context, args: str) -> list[Reply]:
    asked = parse_request(args)
    if asked is None:
        return [Reply(texts.REQUEST_USAGE)]
    task = await records.task_by_code(ctx.session, ctx.plan.id, asked.code)
    if task is None:
        await settle(ctx)
        return [Reply(texts.TASK_NOT_FOUND.format(code=asked.code, plan=ctx.plan.code))]
    (view,) = await ctx.views([task])
    if not may_change_status(ctx.who, ctx.roles(view)):
        await settle(ctx)
        refused(ctx.inbound, f"extension request on {task.code}")
        return [
            Reply(
                texts.REQUEST_REFUSED.format(
                    code=task.code, lead="; ".join(view.lead) or texts.NONE
                )
            )
        ]
    if not task.milestones:
        await settle(ctx)
        return [Reply(texts.EXTEND_NO_DATE.format(code=task.code))]
    milestone = await choose_milestone(ctx, task, asked.batch)
    if isinstance(milestone, Reply):
        await settle(ctx)
        return [milestone]
    if _cancelled(asked.rest):
        await settle(ctx)
        return [Reply(texts.REQUEST_CANCELLED)]
    due, label = milestone.current_due, _label(milestone, task)
    first, _, reason = asked.rest.partition(" ")
    new_due = parse_day(first) if first else None
    if new_due is None:  # the button, or an answer without a readable date: ask (again)
        await ask(ctx, _command(asked))
        example = texts.day(date(due.year + (due.month == 12), due.month % 12 + 1, 1))
        question = texts.REQUEST_ASK.format(
            code=task.code, label=label, due=texts.day(due), example=example
        )
        return [Reply((texts.REQUEST_ASK_AGAIN if first else "") + question)]
    await settle(ctx)
    reason = reason.strip()
    if not reason:
        return [Reply(texts.REQUEST_REASON_MISSING.format(code=task.code, day=texts.day(new_due)))]
    if len(reason) > MAX_REASON_CHARS:
        return [Reply(texts.TOO_LONG.format(limit=MAX_REASON_CHARS))]
    if new_due <= due:
        return [
            Reply(
                texts.REQUEST_NOT_LATER.format(
                    code=task.code, label=label, new=texts.day(new_due), due=texts.day(due)
                )
            )
        ]
    return await _file(ctx, task, milestone, new_due, reason)


async def _file(
    ctx: Context, task: Task, milestone: Milestone, new_due: date, reason: str
) -> list[Reply]:
    replaced = (
        await ctx.session.scalars(
            select(ExtensionRequest).where(
                ExtensionRequest.milestone_id == milestone.id,
                ExtensionRequest.state == "pending",
            )
        )
    ).all()
    for old_request in replaced:
        old_request.state, old_request.decided_at = "replaced", ctx.now
    request = ExtensionRequest(
        task_id=task.id,
        milestone_id=milestone.id,
        member_id=ctx.member.id,
        new_due=new_due,
        reason=reason,
        state="pending",
        channel=ctx.inbound.channel,
        at=ctx.now,
    )
    ctx.session.add(request)
    await ctx.session.flush()
    due, label, number = milestone.current_due, _label(milestone, task), request.id
    append_change(
        ctx,
        task,
        kind="note",
        milestone_id=milestone.id,
        note=texts.REQUEST_NOTE.format(
            old=texts.day(due), new=texts.day(new_due), number=number, reason=reason
        ),
    )
    detail = texts.REQUEST_DETAIL.format(
        number=number, old=texts.day(due), new=texts.day(new_due), reason=reason
    )
    record(ctx, "extension_request", task.code, detail)
    original = (
        texts.REQUEST_ORIGINAL.format(day=texts.day(milestone.due_on))
        if milestone.due_on != due
        else ""
    )
    notice = texts.REQUEST_NOTICE.format(
        number=number,
        code=task.code,
        label=label,
        content=shorten(task.content, CONTENT_CHARS),
        name=ctx.member.full_name,
        due=texts.day(due),
        original=original,
        new=texts.day(new_due),
        reason=reason,
    )
    office = await office_ids(ctx) - {ctx.member.id}
    await queue_notice(ctx, office, notice, _decide_actions(number))
    text = texts.REQUEST_SENT.format(
        number=number,
        code=task.code,
        label=label,
        due=texts.day(due),
        new=texts.day(new_due),
        reason=reason,
    )
    text += "".join(texts.REQUEST_REPLACES.format(number=r.id) for r in replaced)
    return [Reply(text, task_id=task.id)]


def _decide_actions(number: int) -> tuple[Action, ...]:
    return (
        Action(texts.ACTION_APPROVE, f"/duyet {number}"),
        Action(texts.ACTION_REFUSE, f"/tuchoi {number}"),
    )


# What a request is shown and decided with: the requester, the task's batches, the milestone's
# extensions (its current date).
WITH_PARTS = (
    selectinload(ExtensionRequest.member),
    selectinload(ExtensionRequest.task).selectinload(Task.milestones),
    selectinload(ExtensionRequest.milestone).selectinload(Milestone.extensions),
)


async def approve(ctx: Context, args: str) -> list[Reply]:
    """/duyet: the pending requests; /duyet <n>: approve request n."""
    if not args.strip():
        return await _pending(ctx)
    request = await _find(ctx, args.split(" ", 1)[0])
    if isinstance(request, Reply):
        return [request]
    await settle(ctx)
    task = await records.task_by_id(ctx.session, request.task_id)
    assert task is not None  # the request's foreign key cascades
    milestone = next(m for m in task.milestones if m.id == request.milestone_id)
    label, number = _label(milestone, task), request.id
    due = milestone.current_due
    if request.new_due <= due:
        return [
            Reply(
                texts.DECIDE_NOT_LATER.format(
                    code=task.code,
                    label=label,
                    due=texts.day(due),
                    new=texts.day(request.new_due),
                    number=number,
                )
            )
        ]
    name = request.member.full_name if request.member else texts.NONE
    request.state, request.decided_by, request.decided_at = "approved", ctx.member.id, ctx.now
    old = add_extension(
        ctx,
        task,
        milestone,
        request.new_due,
        request.reason,
        action="extension_approve",
        detail=texts.APPROVED_NOTE.format(number=number, name=name),
    )
    if request.member_id is not None and request.member_id != ctx.member.id:
        notice = texts.APPROVED_NOTICE.format(
            number=number,
            code=task.code,
            label=label,
            old=texts.day(old),
            new=texts.day(request.new_due),
            name=ctx.member.full_name,
        )
        await queue_notice(ctx, [request.member_id], notice)
    text = texts.APPROVED.format(
        number=number,
        name=name,
        code=task.code,
        label=label,
        old=texts.day(old),
        new=texts.day(request.new_due),
        reason=request.reason,
    )
    return [Reply(text, task_id=task.id)]


async def refuse(ctx: Context, args: str) -> list[Reply]:
    """/tuchoi <n> <reason>; without the reason (the "Từ chối" button) the bot asks for it."""
    head, _, reason = clean(args).partition(" ")
    if not head:
        return [Reply(texts.DECIDE_USAGE.format(example=1))]
    request = await _find(ctx, head)
    if isinstance(request, Reply):
        await settle(ctx)
        return [request]
    number = request.id
    reason = reason.strip()
    if _cancelled(reason):
        await settle(ctx)
        return [Reply(texts.REQUEST_CANCELLED)]
    if not reason:
        await ask(ctx, f"/tuchoi {number}")
        return [Reply(texts.REFUSE_ASK.format(number=number))]
    await settle(ctx)
    if len(reason) > MAX_REASON_CHARS:
        return [Reply(texts.TOO_LONG.format(limit=MAX_REASON_CHARS))]
    task, milestone = request.task, request.milestone
    label, name = (
        _label(milestone, task),
        request.member.full_name if request.member else texts.NONE,
    )
    request.state, request.decided_by, request.decided_at = "refused", ctx.member.id, ctx.now
    request.answer = reason
    note = texts.EXT_REFUSED_NOTE.format(
        new=texts.day(request.new_due), number=number, name=name, reason=reason
    )
    append_change(ctx, task, kind="note", milestone_id=milestone.id, note=note)
    record(ctx, "extension_refuse", task.code, note)
    if request.member_id is not None and request.member_id != ctx.member.id:
        notice = texts.REFUSED_NOTICE.format(
            number=number,
            code=task.code,
            label=label,
            new=texts.day(request.new_due),
            reason=reason,
            name=ctx.member.full_name,
            due=texts.day(milestone.current_due),
        )
        await queue_notice(ctx, [request.member_id], notice)
    text = texts.REFUSED.format(
        number=number, name=name, code=task.code, label=label, reason=reason
    )
    return [Reply(text, task_id=task.id)]


async def _find(ctx: Context, word: str) -> ExtensionRequest | Reply:
    """Pending request number ``word``, or why not."""
    digits = word.strip().lstrip("#").removeprefix("số")
    if not digits.isdigit() or len(digits) > 9:
        return Reply(texts.DECIDE_USAGE.format(example=1))
    request = await ctx.session.scalar(
        select(ExtensionRequest).where(ExtensionRequest.id == int(digits)).options(*WITH_PARTS)
    )
    if request is None:
        return Reply(texts.DECIDE_NOT_FOUND.format(number=digits))
    if request.state != "pending":
        state = texts.REQUEST_STATES.get(request.state, request.state)
        return Reply(texts.DECIDE_NOT_PENDING.format(number=request.id, state=state))
    return request


async def _pending(ctx: Context) -> list[Reply]:
    requests = (
        await ctx.session.scalars(
            select(ExtensionRequest)
            .where(ExtensionRequest.state == "pending")
            .order_by(ExtensionRequest.id)
            .options(*WITH_PARTS)
        )
    ).all()
    if not requests:
        return [Reply(texts.PENDING_NONE)]
    lines = [texts.PENDING_TITLE.format(count=len(requests))]
    for request in requests:
        lines.append(
            texts.PENDING_LINE.format(
                number=request.id,
                code=request.task.code,
                label=_label(request.milestone, request.task),
                name=request.member.full_name if request.member else texts.NONE,
                due=texts.day(request.milestone.current_due),
                new=texts.day(request.new_due),
                reason=shorten(request.reason, 200),
            )
        )
    lines += ["", texts.PENDING_FOOTER]
    actions = tuple(a for r in requests[:LISTED_BUTTONS] for a in _numbered_actions(r.id))
    return [Reply("\n".join(lines), actions)]


def _numbered_actions(number: int) -> tuple[Action, ...]:
    return (
        Action(f"{texts.ACTION_APPROVE} {number}", f"/duyet {number}"),
        Action(f"{texts.ACTION_REFUSE} {number}", f"/tuchoi {number}"),
    )
