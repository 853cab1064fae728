"""Load what a report needs from the database: the plan's tasks (or a member's), with history."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, select
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncSession

from chat import texts
from chat.views import view_of
from db import facts
from db.acks import unacknowledged_by_agency
from db.identity import PlanRef
from db.models import ExtensionRequest, Plan, Task
from db.statements import Query
from domain.access import Who
from reports.model import Pending, Report, build_report


async def plan_report(
    session: AsyncSession,
    plan: Plan,
    *,
    today: date,
    zone: ZoneInfo,
    who: Who | None = None,
    member_name: str | None = None,
) -> Report:
    """The whole plan (``who`` None) or the slice of tasks that reach ``who``."""
    plan_id = plan.id
    found = await session.run_sync(
        lambda s: (
            facts.whole_plan(s.connection(), plan_id)
            if who is None
            else facts.reaching(s.connection(), plan_id, who)
        )
    )
    views = [view_of(f, today, who) for f in found]
    pending = await session.run_sync(lambda s: _pending(s.connection(), plan_id))
    report = build_report(
        views,
        plan_code=plan.code,
        plan_year=plan.year,
        today=today,
        zone=zone,
        scope=member_name if who is not None else None,
        unassigned=texts.REPORT_UNASSIGNED,
        pending=pending,
    )
    if who is not None:
        return report
    midnight = datetime.combine(today, time(0), zone)
    counts = await unacknowledged_by_agency(
        session, since=midnight - timedelta(days=7), until=midnight
    )
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return replace(
        report,
        unacknowledged=tuple((agency or texts.DIGEST_NO_AGENCY, n) for agency, n in ordered),
    )


_PENDING = Query(
    select(Task.code, ExtensionRequest.id, ExtensionRequest.new_due)
    .join(Task, Task.id == ExtensionRequest.task_id)
    .where(Task.plan_id == bindparam("plan_id"), ExtensionRequest.state == "pending")
    .order_by(ExtensionRequest.id)
)


def _pending(connection: Connection, plan_id: int) -> dict[str, list[Pending]]:
    """The plan's pending extension requests, by task code, oldest first."""
    pending: dict[str, list[Pending]] = {}
    for code, number, new_due in _PENDING.all(connection, {"plan_id": plan_id}):
        pending.setdefault(code, []).append(Pending(number, new_due))
    return pending


def member_report(
    connection: Connection,
    plan: PlanRef,
    *,
    today: date,
    zone: ZoneInfo,
    who: Who,
    member_name: str,
) -> Report:
    """The slice of the plan that reaches ``who``, as ``plan_report`` gives it, read lean
    (``Database.read``): no session, for /baocao, which members send often."""
    views = [view_of(f, today, who) for f in facts.reaching(connection, plan.id, who)]
    pending = _pending(connection, plan.id)
    return build_report(
        views,
        plan_code=plan.code,
        plan_year=plan.year,
        today=today,
        zone=zone,
        scope=member_name,
        unassigned=texts.REPORT_UNASSIGNED,
        pending=pending,
    )


def export_filename(report: Report) -> str:
    return f"bao-cao-ke-hoach-{report.plan_year}-ngay-{report.today:%d-%m-%Y}.xlsx"
