"""The standing office keeps the plan current: /themnv (add a task), /suanv (edit one),
/giao and /bogiao (assign or remove a director, the lead agency, a coordinating agency).

Each action is recorded in the audit trail and in the task's own history. Only admins may act;
everyone else is told so. Deadlines typed here are read by the same reader as the plan.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from sqlalchemy import select, update

from chat import texts
from chat.messages import Reply
from db import records
from db.models import Agency, Assignment, Extension, Group, Member, Section, Task
from domain.access import Role
from domain.deadlines import Schedule, read_deadline
from domain.normalize import fold, shorten
from domain.people import (
    NamedAgency,
    Person,
    RoleGroup,
    closest_agencies,
    closest_names,
    find_agency,
    find_person,
    resolve_directors,
)
from handlers.audit import record
from handlers.context import Context
from handlers.parse import clean, parse_code

if TYPE_CHECKING:  # the seed's models are loaded when a deadline is set, not at start-up
    from db.seed_file import MilestoneIn

_NUMBER = re.compile(r"^(\d+)")
FIELDS = {
    "noidung": "content",
    "thoihan": "deadline_text",
    "thoigian": "deadline_text",
    "sanpham": "product",
    "ghichu": "note",
}
ROLES = {
    "chidao": Role.DIRECTOR,
    "chutri": Role.LEAD,
    "phoihop": Role.COORDINATING,
}
_ROLE_WORDS = re.compile(r"^(chi dao|chidao|chu tri|chutri|phoi hop|phoihop)\s+(.+)$")


def fields(args: str) -> list[str]:
    """ "a | b | c" -> ["a", "b", "c"] (the separator officials type between fields)."""
    return [part.strip() for part in clean(args).split("|")]


def _milestones(text: str, year: int) -> tuple[Schedule, list[MilestoneIn]] | None:
    from db.seed_file import MilestoneIn

    reading = read_deadline(text, plan_year=year)
    if reading.problem is not None:
        return None
    return reading.schedule, [MilestoneIn(label=d.label, due=d.due) for d in reading.milestones]


async def add_task(ctx: Context, args: str) -> list[Reply]:
    parts = fields(args)
    if len(parts) < 3 or not all(parts[:3]):
        return [Reply(texts.TASK_ADD_USAGE)]
    section_code, content, deadline = parts[0].upper(), parts[1], parts[2]
    product = parts[3] if len(parts) > 3 and parts[3] else None
    sections = (
        await ctx.session.scalars(
            select(Section).where(Section.plan_id == ctx.plan.id).order_by(Section.position)
        )
    ).all()
    section = next((s for s in sections if s.code == section_code), None)
    if section is None:
        names = ", ".join(s.code for s in sections)
        return [
            Reply(
                texts.TASK_ADD_NO_SECTION.format(
                    plan=ctx.plan.code, section=shorten(parts[0], 20), sections=names
                )
            )
        ]
    reading = _milestones(deadline, ctx.plan.year)
    if reading is None:
        return [Reply(texts.DEADLINE_UNREADABLE.format(text=shorten(deadline, 80)))]
    schedule, milestones = reading
    siblings = (
        await ctx.session.execute(
            select(Task.number, Task.position).where(Task.section_id == section.id)
        )
    ).all()
    numbers = [int(m[1]) for n, _ in siblings if (m := _NUMBER.match(n))]
    number = str(max(numbers, default=0) + 1)
    position = max(
        (p for _, p in siblings),
        default=await _position_before(ctx, section),
    )
    await ctx.session.execute(
        update(Task)
        .where(Task.plan_id == ctx.plan.id, Task.position > position)
        .values(position=Task.position + 1)
    )
    task = Task(
        plan_id=ctx.plan.id,
        section_id=section.id,
        code=f"{section.code}.{number}",
        number=number,
        position=position + 1,
        content=content,
        deadline_text=deadline,
        schedule=schedule.value,
        product=product,
        milestones=[],
        assignments=[],
    )
    ctx.session.add(task)
    await ctx.session.flush()
    from db.seed import sync_milestones  # loaded when first needed: start-up imports less

    sync_milestones(task, milestones)
    record(ctx, "task_add", task.code, content, task=task)
    return [
        Reply(
            texts.TASK_ADDED.format(code=task.code, content=content, deadline=deadline),
            task_id=task.id,
        )
    ]


async def _position_before(ctx: Context, section: Section) -> int:
    """The position a first task of ``section`` goes after: the last task of earlier sections."""
    earlier = await ctx.session.scalar(
        select(Task.position)
        .join(Section, Section.id == Task.section_id)
        .where(Task.plan_id == ctx.plan.id, Section.position < section.position)
        .order_by(Task.position.desc())
        .limit(1)
    )
    return earlier or 0


async def edit_task(ctx: Context, args: str) -> list[Reply]:
    words = clean(args).split(" ", 2)
    code = parse_code(words[0]) if words else None
    field = FIELDS.get(fold(words[1]).replace(" ", "")) if len(words) > 1 else None
    value = words[2].strip() if len(words) > 2 else ""
    if code is None or field is None or not value:
        return [Reply(texts.TASK_EDIT_USAGE)]
    task = await records.task_by_code(ctx.session, ctx.plan.id, code)
    if task is None:
        return [Reply(texts.TASK_NOT_FOUND.format(code=code, plan=ctx.plan.code))]
    old = getattr(task, field) or ""
    if field == "deadline_text":
        reading = _milestones(value, ctx.plan.year)
        if reading is None:
            return [Reply(texts.DEADLINE_UNREADABLE.format(text=shorten(value, 80)))]
        schedule, milestones = reading
        changed = {
            m.id for m, new in zip(task.milestones, milestones, strict=False) if m.due_on != new.due
        }
        await _drop_extensions(ctx, changed)
        task.schedule = schedule.value
        task.flag = None  # the standing office has settled the date
        from db.seed import sync_milestones  # loaded when first needed: start-up imports less

        sync_milestones(task, milestones)
    setattr(task, field, value)
    label = texts.FIELD_NAMES[field]
    detail = f"{label}: {shorten(old, 80)} → {shorten(value, 80)}"
    record(ctx, "task_edit", code, detail, task=task)
    return [
        Reply(
            texts.TASK_EDITED.format(
                field=label, code=code, old=shorten(old, 200) or "—", new=shorten(value, 200)
            ),
            task_id=task.id,
        )
    ]


async def _drop_extensions(ctx: Context, milestone_ids: set[int]) -> None:
    """A new plan date replaces the extensions of that milestone (their notes stay in history)."""
    if not milestone_ids:
        return
    for extension in await ctx.session.scalars(
        select(Extension).where(Extension.milestone_id.in_(milestone_ids))
    ):
        await ctx.session.delete(extension)


async def _target(ctx: Context, role: Role, name: str) -> tuple[str, dict[str, int]] | str:
    """Resolve who or what is being assigned: (display name, assignment columns) or a refusal."""
    if role == Role.DIRECTOR:
        members = (await ctx.session.scalars(select(Member).where(Member.active))).all()
        groups = (await ctx.session.scalars(select(Group))).all()
        people = [Person(m.key, m.full_name) for m in members]
        person = find_person(name, people)
        if person is not None:
            member = next(m for m in members if m.key == person.key)
            return texts.COMRADE.format(name=member.full_name), {"member_id": member.id}
        found = resolve_directors(
            name, [], [RoleGroup(g.key, g.name, tuple(g.aliases or [])) for g in groups]
        )
        if found.groups and not found.unresolved:
            group = next(g for g in groups if g.key == found.groups[0])
            return group.name, {"group_id": group.id}
        text = texts.UNKNOWN_DIRECTOR.format(name=shorten(name, 80))
        return did_you_mean(text, closest_names(name, people))
    agency = await lookup_agency(ctx, name)
    if isinstance(agency, str):
        return agency
    return agency.name, {"agency_id": agency.id}


def did_you_mean(text: str, close: list[str]) -> str:
    return text + (" " + texts.CLOSEST.format(names=", ".join(close)) if close else "")


async def lookup_agency(ctx: Context, name: str) -> Agency | str:
    """The agency called ``name`` (or an alias), else the refusal with the closest names."""
    agencies = (await ctx.session.scalars(select(Agency))).all()
    named = [NamedAgency(a.key, a.name, tuple(a.aliases or [])) for a in agencies]
    match = find_agency(name, named)
    if match is None:
        text = texts.UNKNOWN_AGENCY.format(name=shorten(name, 80))
        return did_you_mean(text, closest_agencies(name, named))
    return next(a for a in agencies if a.key == match.key)


def _parse_assign(args: str) -> tuple[str, Role, str] | None:
    words = clean(args).split(" ", 1)
    code = parse_code(words[0]) if words else None
    if code is None or len(words) < 2:
        return None
    rest = words[1]
    match = _ROLE_WORDS.match(fold(rest))
    if match is None:
        return None
    role = ROLES[match[1].replace(" ", "")]
    return code, role, rest[match.start(2) :].strip()


async def assign(ctx: Context, args: str) -> list[Reply]:
    return await _assignment(ctx, args, add=True)


async def unassign(ctx: Context, args: str) -> list[Reply]:
    return await _assignment(ctx, args, add=False)


async def _assignment(ctx: Context, args: str, *, add: bool) -> list[Reply]:
    parsed = _parse_assign(args)
    if parsed is None:
        return [Reply(texts.ASSIGN_USAGE)]
    code, role, name = parsed
    task = await records.task_by_code(ctx.session, ctx.plan.id, code)
    if task is None:
        return [Reply(texts.TASK_NOT_FOUND.format(code=code, plan=ctx.plan.code))]
    target = await _target(ctx, role, name)
    if isinstance(target, str):
        return [Reply(target)]
    shown, columns = target
    role_word = texts.ROLE_WORDS[role]
    existing = next(
        (
            a
            for a in task.assignments
            if a.role == role
            and all(getattr(a, column) == value for column, value in columns.items())
        ),
        None,
    )
    values = {"code": code, "role": role_word, "name": shown}
    if add and existing is not None:
        return [Reply(texts.ASSIGN_EXISTS.format(**values))]
    if not add and existing is None:
        return [Reply(texts.UNASSIGN_MISSING.format(**values))]
    if add:
        position = 1 + max((a.position for a in task.assignments if a.role == role), default=0)
        task.assignments.append(Assignment(role=role.value, position=position, **columns))
    else:
        assert existing is not None
        task.assignments.remove(existing)
    if role == Role.DIRECTOR:
        task.directors_printed = None  # the printed cell no longer says who directs it
    detail = texts.ASSIGN_DETAIL.format(role=role_word, name=shown)
    record(ctx, "assign" if add else "unassign", code, detail, task=task)
    template = texts.ASSIGNED if add else texts.UNASSIGNED
    return [Reply(template.format(**values), task_id=task.id)]
