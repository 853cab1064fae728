"""Load a plan file into the database: idempotent, all-or-nothing, never touching history.

A second run with the same file changes nothing. Status history, chat accounts, invite codes,
admin flags and agency memberships are never written here. A task that is in the database but
no longer in the file is kept (its history matters) and reported.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from db.models import Agency, Assignment, Group, Member, Milestone, Plan, Section, Task
from db.seed_file import MilestoneIn, SeedFile, TaskIn


@dataclass
class SeedReport:
    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    kept_tasks: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(+self.created or +self.updated)


def _set(obj: Any, **values: Any) -> bool:
    """Set attributes that differ; return whether anything changed."""
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


def _note(report: SeedReport, kind: str, created: bool, changed: bool) -> None:
    if created:
        report.created[kind] += 1
    elif changed:
        report.updated[kind] += 1


async def _by_key(session: AsyncSession, model: Any) -> dict[str, Any]:
    rows = (await session.scalars(select(model))).all()
    return {row.key: row for row in rows}


async def apply_seed(session: AsyncSession, seed: SeedFile, *, now: datetime) -> SeedReport:
    """Bring the database in line with ``seed`` inside the caller's transaction."""
    report = SeedReport()

    plan = await session.scalar(select(Plan).where(Plan.year == seed.plan.year))
    created = plan is None
    if plan is None:
        plan = Plan(year=seed.plan.year)
        session.add(plan)
    changed = _set(plan, code=seed.plan.code, title=seed.plan.title, issued_on=seed.plan.issued_on)
    _note(report, "plan", created, changed)
    await session.flush()

    sections = {
        s.code: s for s in await session.scalars(select(Section).where(Section.plan_id == plan.id))
    }
    for position, section_in in enumerate(seed.sections, start=1):
        section = sections.get(section_in.code)
        created = section is None
        if section is None:
            section = sections[section_in.code] = Section(plan_id=plan.id, code=section_in.code)
            session.add(section)
        _note(report, "section", created, _set(section, title=section_in.title, position=position))

    groups = await _by_key(session, Group)
    for g in seed.groups:
        group = groups.get(g.key)
        created = group is None
        if group is None:
            group = groups[g.key] = Group(key=g.key)
            session.add(group)
        _note(report, "group", created, _set(group, name=g.name, aliases=list(g.aliases)))

    agencies = await _by_key(session, Agency)
    for a in seed.agencies:
        agency = agencies.get(a.key)
        created = agency is None
        if agency is None:
            agency = agencies[a.key] = Agency(key=a.key)
            session.add(agency)
        changed = _set(
            agency,
            name=a.name,
            kind=a.kind,
            category=a.category,
            covers=list(a.covers),
            aliases=list(a.aliases),
        )
        _note(report, "agency", created, changed)

    members = {
        m.key: m for m in await session.scalars(select(Member).options(selectinload(Member.groups)))
    }
    for m in seed.members:
        member = members.get(m.key)
        created = member is None
        if member is None:
            member = members[m.key] = Member(key=m.key, created_at=now, groups=[])
            session.add(member)
        changed = _set(
            member,
            full_name=m.name,
            positions=list(m.positions),
            committee_role=m.committee_role,
            source=m.source,
        )
        wanted = sorted(m.groups)
        if [g.key for g in member.groups] != wanted:
            member.groups = [groups[k] for k in wanted]
            changed = True
        _note(report, "member", created, changed)
    await session.flush()

    tasks = {
        t.code: t
        for t in await session.scalars(
            select(Task)
            .where(Task.plan_id == plan.id)
            .options(selectinload(Task.milestones), selectinload(Task.assignments))
        )
    }
    for position, item in enumerate(seed.tasks, start=1):
        task = tasks.pop(item.code, None)
        created = task is None
        if task is None:
            task = Task(plan_id=plan.id, code=item.code, milestones=[], assignments=[])
            session.add(task)
        changed = _set(
            task,
            section_id=sections[item.section].id,
            number=item.number,
            position=position,
            content=item.content,
            directors_printed=item.directors_printed,
            deadline_text=item.deadline_text,
            schedule=item.schedule.value,
            flag=item.flag,
            product=item.product,
            note=item.note,
        )
        changed |= sync_milestones(task, item.milestones)
        changed |= _sync_assignments(task, item, members, agencies, groups)
        _note(report, "task", created, changed)
    report.kept_tasks = sorted(tasks)
    await session.flush()
    return report


def sync_milestones(task: Task, milestones: Sequence[MilestoneIn]) -> bool:
    """Make the task's milestones these, by position; kept rows keep their history."""
    changed = False
    existing = {m.position: m for m in task.milestones}
    for position, m in enumerate(milestones, start=1):
        milestone = existing.pop(position, None)
        if milestone is None:
            task.milestones.append(Milestone(position=position, label=m.label, due_on=m.due))
            changed = True
        else:
            changed |= _set(milestone, label=m.label, due_on=m.due)
    for surplus in existing.values():
        task.milestones.remove(surplus)
        changed = True
    return changed


def _sync_assignments(
    task: Task,
    item: TaskIn,
    members: dict[str, Member],
    agencies: dict[str, Agency],
    groups: dict[str, Group],
) -> bool:
    wanted: list[tuple[str, int, int | None, int | None, int | None]] = []
    for position, d in enumerate(item.directors, start=1):
        member_id = members[d.member].id if d.member else None
        group_id = groups[d.group].id if d.group else None
        wanted.append(("director", position, member_id, None, group_id))
    for role, keys in (("lead", item.lead_agencies), ("coordinating", item.coordinating_agencies)):
        wanted.extend((role, pos, None, agencies[k].id, None) for pos, k in enumerate(keys, 1))
    current = [(a.role, a.position, a.member_id, a.agency_id, a.group_id) for a in task.assignments]
    if sorted(current, key=repr) == sorted(wanted, key=repr):
        return False
    task.assignments.clear()
    for role, position, member_id, agency_id, group_id in wanted:
        task.assignments.append(
            Assignment(
                role=role,
                position=position,
                member_id=member_id,
                agency_id=agency_id,
                group_id=group_id,
            )
        )
    return True
