"""/chuanhan [mã|thongbao]: the standing office sees, per reminder or announcement sent, who has
acknowledged it ("Đã nhận") and who has not, with how long since it was sent."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from chat import texts
from chat.messages import Reply
from db import acks, records
from db.acks import ReceiptLine
from db.models import Announcement, Task
from domain.normalize import fold, shorten
from handlers.context import Context
from handlers.parse import parse_code

RECENT = timedelta(days=7)
TASK_WINDOW = timedelta(days=30)
MAX_ITEMS = 15
ANNOUNCEMENTS = 3
MAX_NAMES = 30


async def unacknowledged(ctx: Context, args: str) -> list[Reply]:
    arg = args.strip()
    if not arg:
        lines = await acks.reminder_receipts(ctx.session, since=ctx.now - RECENT)
        scope = texts.UNACK_SCOPE_RECENT
    elif fold(arg).replace(" ", "") == "thongbao":
        lines = await acks.announcement_receipts(ctx.session, limit=ANNOUNCEMENTS)
        scope = texts.UNACK_SCOPE_ANNOUNCEMENTS
    else:
        code = parse_code(arg)
        if code is None:
            return [Reply(texts.UNACK_USAGE)]
        task = await records.task_by_code(ctx.session, ctx.plan.id, code, milestones_only=True)
        if task is None:
            return [Reply(texts.TASK_NOT_FOUND.format(code=code, plan=ctx.plan.code))]
        lines = await acks.reminder_receipts(
            ctx.session, since=ctx.now - TASK_WINDOW, task_id=task.id
        )
        scope = texts.UNACK_SCOPE_TASK.format(code=task.code)
    if not lines:
        return [Reply(texts.UNACK_NOTHING)]
    return [Reply(await _render(ctx, scope, lines))]


async def _render(ctx: Context, scope: str, lines: list[ReceiptLine]) -> str:
    items: dict[tuple[object, ...], list[ReceiptLine]] = defaultdict(list)
    for line in lines:  # newest first, as read
        items[line.key].append(line)
    out = [texts.UNACK_TITLE.format(scope=scope)]
    for people in list(items.values())[:MAX_ITEMS]:
        first = people[0]
        done = [p for p in people if p.acknowledged_at is not None]
        waiting = [p for p in people if p.acknowledged_at is None]
        out += [
            "",
            texts.UNACK_ITEM.format(
                subject=await _subject(ctx, first),
                sent=texts.moment(first.sent_at, ctx.zone),
                acknowledged=len(done),
                total=len(people),
            ),
        ]
        if waiting:
            names = [
                texts.UNACK_PERSON_AGO.format(
                    name=p.member_name, ago=texts.ago(ctx.now - p.sent_at)
                )
                for p in waiting[:MAX_NAMES]
            ]
            out.append(texts.UNACK_NOT_YET.format(names="; ".join(names)))
        else:
            out.append(texts.UNACK_NOBODY)
        if done:
            out.append(
                texts.UNACK_DONE.format(names="; ".join(p.member_name for p in done[:MAX_NAMES]))
            )
    if len(items) > MAX_ITEMS:
        out += ["", texts.UNACK_MORE.format(count=len(items) - MAX_ITEMS)]
    return "\n".join(out)


async def _subject(ctx: Context, line: ReceiptLine) -> str:
    if line.kind == "announcement":
        announcement = await ctx.session.get(Announcement, line.key[0])
        text = shorten(announcement.text, 40) if announcement else ""
        return texts.UNACK_ANNOUNCEMENT.format(id=line.key[0], start=text)
    kind = texts.UNACK_KIND.get(line.kind, line.kind)
    if line.task_id is None:
        return kind[:1].upper() + kind[1:]
    task = await ctx.session.get(Task, line.task_id)
    return f"{task.code if task else '?'} · {kind}"
