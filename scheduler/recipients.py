"""Who gets what: the recipients of the due reminders, claimed in the ledger (one row per
member: a second claim is impossible), and the message each gets (a reminder, one list for the
escalations of an instant, the weekly digest), built inside the claiming transaction."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, select
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncSession

from chat import render, texts
from chat.actions import receipt_actions
from chat.messages import Reply
from chat.reach import Account, reachable
from chat.views import TaskView, view_of
from db import facts, identity
from db.acks import unacknowledged_by_agency
from db.facts import TaskFacts
from db.identity import PlanRef
from db.models import Member, Reminder
from domain.access import Who
from domain.workdays import next_working_day
from scheduler import compose, ledger
from scheduler.audience import task_audience
from scheduler.outcomes import Delivery
from scheduler.planner import Kind, Occasion
from scheduler.task_plans import milestone_dues

REPEAT_TIME = time(10, 0)
# Messages composed between two turns of the event loop: composing thousands at one instant
# would hold every member's reply back for as long.
YIELD_EVERY = 100
SNOOZABLE = frozenset(
    {Kind.DEADLINE, Kind.OVERDUE, Kind.COORDINATION, Kind.CHECKIN, Kind.SNOOZED, Kind.REPEAT}
)


def with_receipt(reply: Reply, reminder_id: int, *, snooze: bool) -> Reply:
    """The message with its "Đã nhận" (and "Nhắc lại") choices for its ledger row."""
    return replace(reply, actions=reply.actions + receipt_actions(f"r{reminder_id}", snooze=snooze))


def repeat_instant(sent_day: date, zone: ZoneInfo) -> datetime:
    """The next working day after ``sent_day``, at 10:00 local."""
    return datetime.combine(next_working_day(sent_day + timedelta(days=1)), REPEAT_TIME, zone)


def repeats(occasion: Occasion, zone: ZoneInfo) -> bool:
    """Whether a reminder is repeated when unanswered: on the deadline's day, or overdue."""
    if occasion.kind == Kind.OVERDUE:
        return True
    local_day = occasion.at.astimezone(zone).date()
    return occasion.kind == Kind.DEADLINE and occasion.due is not None and occasion.due <= local_day


async def plan_repeats(
    session: AsyncSession,
    occasion: Occasion,
    taken: dict[int, int],
    now: datetime,
    zone: ZoneInfo,
) -> None:
    """Plan the repeat of a reminder being sent, for each member it was claimed for (one
    statement; checked again when it falls due: acknowledged or answered, it is skipped)."""
    if not taken or not repeats(occasion, zone):
        return
    at = repeat_instant(occasion.at.astimezone(zone).date(), zone)
    await ledger.plan_follow_ups(session, occasion, Kind.REPEAT, at, taken, now)


_MEMBER = select(Member.is_admin, Member.committee_role).where(Member.id == bindparam("id"))


class Claim(NamedTuple):
    occasion: Occasion
    member_id: int
    reminder_id: int  # the ledger row, now in ``sending``


async def claims_of(session: AsyncSession, rows: Sequence[Reminder]) -> list[Claim]:
    """The claims of ledger rows already in ``sending`` (found at start, or follow-ups). The due
    date is not in the ledger: it is read as the planner did, or the message loses its date
    line ("Quá hạn 0 ngày")."""
    dues = await milestone_dues(session, {r.milestone_id for r in rows if r.milestone_id})
    return [
        Claim(
            Occasion(
                r.planned_at,
                r.task_key,
                r.milestone_id,
                Kind(r.kind),
                dues.get(r.milestone_id) if r.milestone_id else None,
            ),
            r.member_id,
            r.id,
        )
        for r in rows
    ]


@dataclass(frozen=True)
class Planned:
    """One due reminder and who it is for: everyone it concerns (``audience``) and, of them,
    the accounts of those it reaches (active, not on leave, not blocked)."""

    occasion: Occasion
    audience: frozenset[int]
    reach: dict[int, list[Account]]

    @property
    def targets(self) -> list[int]:
        return sorted(self.reach)


async def plan(session: AsyncSession, due: Sequence[Occasion], today: date) -> list[Planned]:
    """Who each due reminder is for: the one plan of both the run and ``remind --dry-run``.
    Someone owed an escalation and an overdue reminder of the same task at the same instant gets
    the escalation alone; the digest goes to every active member who has not muted it."""
    result: list[Planned] = []
    everyone: frozenset[int] | None = None
    escalated = {(o.task_id, o.at) for o in due if o.kind == Kind.ESCALATION}
    for occasion in due:
        if occasion.kind == Kind.DIGEST:
            if everyone is None:
                everyone = frozenset(
                    await session.scalars(
                        select(Member.id).where(
                            Member.active.is_(True), Member.digest_muted.is_(False)
                        )
                    )
                )
            members = everyone
        else:
            audience = await task_audience(session, occasion.task_id)
            members = audience.for_kind(occasion.kind)
            if occasion.kind == Kind.OVERDUE and (occasion.task_id, occasion.at) in escalated:
                members -= audience.for_kind(Kind.ESCALATION)  # one message, not two
        result.append(
            Planned(occasion, frozenset(members), await reachable(session, members, today))
        )
    return result


async def claim(
    session: AsyncSession,
    due: Sequence[Occasion],
    now: datetime,
    zone: ZoneInfo,
    *,
    repeat: bool = False,
) -> list[Delivery]:
    """Claim the ledger rows of the due reminders for everyone they reach (and, with
    ``repeat``, plan the repeat of each deadline-day or overdue one); the deliveries."""
    today = now.astimezone(zone).date()
    claimed: list[Claim] = []
    reach: dict[int, list[Account]] = {}
    for planned in await plan(session, due, today):
        occasion, targets = planned.occasion, planned.targets
        reach.update(planned.reach)
        taken = await ledger.claim(session, occasion, targets, now)
        if repeat:
            await plan_repeats(session, occasion, taken, now, zone)
        claimed += [
            Claim(occasion, member_id, taken[member_id])
            for member_id in targets
            if member_id in taken
        ]
    return await deliveries(session, claimed, today, zone, accounts=reach)


async def deliveries(
    session: AsyncSession,
    claimed: Sequence[Claim],
    today: date,
    zone: ZoneInfo,
    *,
    accounts: dict[int, list[Account]] | None = None,
) -> list[Delivery]:
    """Build the messages for claimed rows (inside the claiming transaction); ``accounts``:
    where each member is reached, when the caller has just read it."""
    if not claimed:
        return []
    if accounts is None:
        accounts = await reachable(session, {c.member_id for c in claimed}, today)
    members = {
        m.id: m
        for m in await session.execute(
            select(Member.id, Member.full_name, Member.is_admin, Member.committee_role).where(
                Member.id.in_({c.member_id for c in claimed})
            )
        )
    }
    names = {member_id: m.full_name for member_id, m in members.items()}
    views = await _views(
        session, sorted({c.occasion.task_id for c in claimed if c.occasion.task_id}), today
    )

    async def own(view: TaskView, member_id: int) -> TaskView:
        """A collective task as the member's own part (their agency's status)."""
        member = members.get(member_id)
        if not view.collective or member is None:
            return view
        who = await session.run_sync(
            lambda s: identity.who_of(
                s.connection(), member_id, member.is_admin, member.committee_role
            )
        )
        return view_of(view.facts, today, who)

    result = []
    escalations: dict[tuple[int, datetime], list[Claim]] = defaultdict(list)
    for number, c in enumerate(claimed, 1):
        if number % YIELD_EVERY == 0:  # a fan-out of thousands: let members' replies through
            await asyncio.sleep(0)
        occasion, member_id = c.occasion, c.member_id
        targets = [(a.channel, a.external_id) for a in accounts.get(member_id, [])]
        name = names.get(member_id, "")
        if occasion.kind == Kind.DIGEST:
            reply = await _digest(session, member_id, name, today, zone)
        elif occasion.kind == Kind.ESCALATION and occasion.task_id in views:
            escalations[(member_id, occasion.at)].append(c)
            continue
        elif occasion.task_id in views:
            view = await own(views[occasion.task_id], member_id)
            reply = compose.reminder(view, occasion, today)
        else:
            continue
        reply = with_receipt(reply, c.reminder_id, snooze=occasion.kind in SNOOZABLE)
        result.append(
            Delivery([c.reminder_id], member_id, name, occasion.task_id or None, targets, reply)
        )
    for (member_id, _), items in escalations.items():
        # Escalations of one instant reach a recipient as one message, however many tasks.
        targets = [(a.channel, a.external_id) for a in accounts.get(member_id, [])]
        if len(items) == 1:
            occasion = items[0].occasion
            directors = (await task_audience(session, occasion.task_id)).directors
            reply = compose.reminder(
                views[occasion.task_id], occasion, today, recipient_directs=member_id in directors
            )
            task_id: int | None = occasion.task_id
        else:
            reply = compose.escalations([views[c.occasion.task_id] for c in items], today)
            task_id = None
        reply = with_receipt(reply, items[0].reminder_id, snooze=False)
        result.append(
            Delivery(
                [c.reminder_id for c in items],
                member_id,
                names.get(member_id, ""),
                task_id,
                targets,
                reply,
            )
        )
    return result


async def _views(session: AsyncSession, task_ids: list[int], today: date) -> dict[int, TaskView]:
    if not task_ids:
        return {}
    found = await session.run_sync(lambda s: facts.tasks(s.connection(), task_ids))
    return {f.id: view_of(f, today) for f in found}


async def _unacknowledged(session: AsyncSession, today: date, zone: ZoneInfo) -> str:
    """For the standing office: the reminders of the last week never acknowledged, by agency."""
    midnight = datetime.combine(today, time(0), zone)
    counts = await unacknowledged_by_agency(
        session, since=midnight - timedelta(days=7), until=midnight
    )
    total = sum(counts.values())
    lines = ["", texts.DIGEST_UNACKNOWLEDGED.format(total=total)]
    lines += [
        texts.DIGEST_UNACKNOWLEDGED_LINE.format(agency=agency or texts.DIGEST_NO_AGENCY, count=n)
        for agency, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]
    return "\n".join(lines)


async def _digest(
    session: AsyncSession, member_id: int, name: str, today: date, zone: ZoneInfo
) -> Reply:
    """The member's tasks as their lists show them (``db.facts``), less those escalated to them
    today (that message lists them); for an admin, the plan's counts and last week's
    unacknowledged reminders."""

    def read(
        connection: Connection,
    ) -> tuple[PlanRef, Who, list[TaskFacts], list[TaskFacts]] | None:
        member = connection.execute(_MEMBER, {"id": member_id}).first()
        plan = identity.plan_of(connection, None, today.year)
        if member is None or plan is None:
            return None
        who = identity.who_of(connection, member_id, member.is_admin, member.committee_role)
        mine = facts.reaching(connection, plan.id, who, lean=True)
        everything = facts.whole_plan(connection, plan.id, lean=True) if member.is_admin else []
        return plan, who, mine, everything

    found = await session.run_sync(lambda s: read(s.connection()))
    if found is None:
        return compose.digest(name, today, [], None)
    plan, who, mine, everything = found
    midnight = datetime.combine(today, time(0), zone)
    escalated = set(
        await session.scalars(
            select(Reminder.task_key).where(
                Reminder.member_id == member_id,
                Reminder.kind == Kind.ESCALATION.value,
                Reminder.planned_at >= midnight,
                Reminder.planned_at < midnight + timedelta(days=1),
                Reminder.state.in_(("sending", "sent")),
            )
        )
    )
    # A task escalated to this member today is in that message: not listed again here.
    views = [view_of(f, today, who) for f in mine if f.id not in escalated]
    summary = None
    if everything:
        all_views = [view_of(f, today) for f in everything]
        summary = texts.DIGEST_PLAN.format(code=plan.code) + "\n" + render.summary_counts(all_views)
        summary += await _unacknowledged(session, today, zone)
    return compose.digest(name, today, views, summary)
