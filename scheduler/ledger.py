"""The reminder ledger: one row per (task, milestone, member, kind, planned instant).

planned -> sending (claimed, before the network call) -> sent | failed; a transient failure
puts the row back to planned for the next run. A row found in ``sending`` at start was in
flight when the process died: it is sent again (the only duplicates the design allows). Its owner
is known to be gone: only the sender resends, and there is one sender (the holder of the SQLite
file's instance lock, or of PostgreSQL's advisory lock; see scheduler/leader.py)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import case, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from chat.delivery import NotSent
from db.models import Reminder
from scheduler.planner import Occasion

MAX_ATTEMPTS = 5


def _insert(session: AsyncSession):  # type: ignore[no-untyped-def]
    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


async def claim(
    session: AsyncSession, occasion: Occasion, member_ids: Sequence[int], now: datetime
) -> dict[int, int]:
    """Record the reminder for each member if new and take the ones still to send.

    Returns member id -> ledger row id for the rows taken; a member whose row was already
    sent, failed or taken by another run is left out. Two statements, whatever the count.
    """
    if not member_ids:
        return {}
    key = {
        "task_key": occasion.task_id,
        "milestone_key": occasion.milestone_id or 0,
        "kind": occasion.kind.value,
        "planned_at": occasion.at,
    }
    rows = [
        {
            **key,
            "task_id": occasion.task_id or None,
            "milestone_id": occasion.milestone_id,
            "member_id": member_id,
            "state": "planned",
            "attempts": 0,
            "updated_at": now,
        }
        for member_id in member_ids
    ]
    await session.execute(_insert(session)(Reminder).on_conflict_do_nothing(), rows)
    taken = await session.execute(
        update(Reminder)
        .where(
            Reminder.task_key == key["task_key"],
            Reminder.milestone_key == key["milestone_key"],
            Reminder.kind == key["kind"],
            Reminder.planned_at == occasion.at,
            Reminder.member_id.in_(member_ids),
            Reminder.state == "planned",
        )
        .values(state="sending", attempts=Reminder.attempts + 1, updated_at=now)
        .returning(Reminder.member_id, Reminder.id)
    )
    return {member_id: reminder_id for member_id, reminder_id in taken.all()}


async def plan_follow_ups(
    session: AsyncSession,
    occasion: Occasion,
    kind: str,
    at: datetime,
    origins: dict[int, int],
    now: datetime,
) -> None:
    """Plan a follow-up (``kind`` at ``at``) of ``occasion`` for each member: member id -> the
    ledger row it follows. Once, as every reminder (a second identical one is a no-op)."""
    rows = [
        {
            "task_key": occasion.task_id,
            "milestone_key": occasion.milestone_id or 0,
            "task_id": occasion.task_id or None,
            "milestone_id": occasion.milestone_id,
            "member_id": member_id,
            "kind": kind,
            "planned_at": at,
            "state": "planned",
            "attempts": 0,
            "updated_at": now,
            "origin_id": origin_id,
        }
        for member_id, origin_id in origins.items()
    ]
    await session.execute(_insert(session)(Reminder).on_conflict_do_nothing(), rows)


async def in_flight(session: AsyncSession) -> list[Reminder]:
    """Rows claimed by a process that died before recording the outcome."""
    return list(await session.scalars(select(Reminder).where(Reminder.state == "sending")))


async def finish(
    session: AsyncSession,
    outcomes: Sequence[tuple[int, NotSent | None]],
    now: datetime,
) -> None:
    """Record outcomes: (row id, None) when sent, else (row id, why not). A permanent failure,
    or the last allowed attempt, fails the row; a transient one puts it back to planned."""
    sent = [rid for rid, failure in outcomes if failure is None]
    if sent:
        await session.execute(
            update(Reminder)
            .where(Reminder.id.in_(sent))
            .values(state="sent", sent_at=now, updated_at=now, last_error=None)
        )
    failed: dict[tuple[bool, str], list[int]] = defaultdict(list)  # one statement per error
    for rid, failure in outcomes:
        if failure is not None:
            failed[(failure.permanent, str(failure))].append(rid)
    for (permanent, error), ids in failed.items():
        await session.execute(
            update(Reminder)
            .where(Reminder.id.in_(ids))
            .values(
                state="failed"
                if permanent
                else case((Reminder.attempts >= MAX_ATTEMPTS, "failed"), else_="planned"),
                last_error=error,
                updated_at=now,
            )
        )
