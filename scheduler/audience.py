"""Who receives a reminder of a task, resolved when it is sent (someone who joined yesterday is
reminded today); on which chat accounts is ``chat.reach``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.facts import STEP_COLUMNS
from db.models import Agency, Assignment, Member, MemberAgency, MemberGroup, StatusChange
from domain.parts import INPUT
from domain.progress import STATUS_KINDS, derive_state
from domain.status import Status
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
    finished = await _finished_agencies(session, task_id)
    if finished.parts_done:  # an agency whose part is done is not reminded of the task
        lead -= await _members_of(session, finished.parts_done)
    if finished.inputs_sent:  # nor asked again for the input it has sent
        coordinating -= await _members_of(session, finished.inputs_sent)
    return Audience(
        frozenset(directors), frozenset(lead), frozenset(coordinating), frozenset(admins)
    )


@dataclass(frozen=True)
class _Finished:
    parts_done: frozenset[int]  # agencies whose part of a collective task is done
    inputs_sent: frozenset[int]  # coordinating agencies that have sent their input


async def _finished_agencies(session: AsyncSession, task_id: int) -> _Finished:
    """What the task's agencies have finished, from its history's lines of parts and inputs."""
    rows = (
        await session.execute(
            select(*STEP_COLUMNS)
            .where(StatusChange.task_id == task_id, StatusChange.agency_id.is_not(None))
            .order_by(StatusChange.id)
        )
    ).all()
    if not rows:
        return _Finished(frozenset(), frozenset())
    by_agency: dict[int, list[Any]] = {}
    sent = set()
    for row in rows:
        if row.kind == INPUT:
            sent.add(row.agency_id)
        elif row.kind in STATUS_KINDS:
            by_agency.setdefault(row.agency_id, []).append(row)
    done = {
        agency_id
        for agency_id, changes in by_agency.items()
        if derive_state(changes).status == Status.DONE
    }
    return _Finished(frozenset(done), frozenset(sent))


async def _members_of(session: AsyncSession, agency_ids: Iterable[int]) -> set[int]:
    rows = await session.scalars(
        select(MemberAgency.member_id).where(MemberAgency.agency_id.in_(set(agency_ids)))
    )
    return set(rows)
