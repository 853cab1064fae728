"""Who receives a reminder of a task, resolved when it is sent (someone who joined yesterday is
reminded today); on which chat accounts is ``chat.reach``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Agency, Assignment, Member, MemberAgency, MemberGroup
from scheduler.planner import Kind


@dataclass(frozen=True)
class Audience:
    directors: frozenset[int]
    lead: frozenset[int]
    coordinating: frozenset[int]
    admins: frozenset[int]

    def for_kind(self, kind: Kind) -> frozenset[int]:
        responsible = self.directors | self.lead
        if kind == Kind.COORDINATION:
            return self.coordinating - responsible
        if kind == Kind.ESCALATION:
            return self.admins | self.directors
        return responsible


async def _agency_members(session: AsyncSession, agency_ids: Iterable[int]) -> set[int]:
    """Members of these agencies; a collective reaches the members of every agency it covers."""
    ids = set(agency_ids)
    if not ids:
        return set()
    agencies = (await session.scalars(select(Agency).where(Agency.id.in_(ids)))).all()
    concrete = {a.id for a in agencies if a.kind != "collective"}
    categories = {c for a in agencies if a.kind == "collective" for c in a.covers or []}
    if categories:
        concrete |= set(
            await session.scalars(select(Agency.id).where(Agency.category.in_(categories)))
        )
    if not concrete:
        return set()
    rows = await session.scalars(
        select(MemberAgency.member_id).where(MemberAgency.agency_id.in_(concrete))
    )
    return set(rows)


async def task_audience(session: AsyncSession, task_id: int) -> Audience:
    seats = (await session.scalars(select(Assignment).where(Assignment.task_id == task_id))).all()
    directors = {s.member_id for s in seats if s.role == "director" and s.member_id}
    groups = {s.group_id for s in seats if s.role == "director" and s.group_id}
    if groups:
        directors |= set(
            await session.scalars(
                select(MemberGroup.member_id).where(MemberGroup.group_id.in_(groups))
            )
        )
    lead = await _agency_members(
        session, (s.agency_id for s in seats if s.role == "lead" and s.agency_id)
    )
    coordinating = await _agency_members(
        session, (s.agency_id for s in seats if s.role == "coordinating" and s.agency_id)
    )
    admins = set(await session.scalars(select(Member.id).where(Member.is_admin.is_(True))))
    return Audience(
        frozenset(directors), frozenset(lead), frozenset(coordinating), frozenset(admins)
    )
