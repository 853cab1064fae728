"""Tasks as plain facts for lists, read lean: three column-only queries for any number of tasks
(the tasks with their section; their milestones with the latest extension and their history
with the author's name, in one; assignments with the assignee's name), no ORM objects. The
readers take a synchronous connection: ``Database.read`` runs them (on SQLite, on the event
loop without thread hand-offs), and a session runs them with ``run_sync``.

Loading full task objects with their relationships cost ~30 ms for a 25-task list
(bench.province); these rows cost a few. ``chat.views`` builds a TaskView from them: the one
read model for what reaches a member or a plan, used by the commands, the reminders, the digest
and the reports."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import String, bindparam, literal, null, or_, select, type_coerce, union_all
from sqlalchemy.engine import Connection
from sqlalchemy.orm import aliased

from db.id_list import among
from db.models import (
    Agency,
    Assignment,
    Extension,
    Group,
    Member,
    Milestone,
    Section,
    StatusChange,
    Task,
)
from db.statements import Query
from domain.access import Role, Seat, Who
from domain.parts import CLOSE
from domain.progress import CARRIED, CONFIRM


class MilestoneFacts(NamedTuple):
    id: int
    label: str | None
    due_on: date  # the plan's date
    current_due: date  # after the latest extension


class SeatFacts(NamedTuple):
    seat: Seat
    member_name: str | None  # exactly one of the three names is set
    group_name: str | None
    agency_name: str | None


class ChangeFacts(NamedTuple):
    kind: str
    milestone_id: int | None
    old_status: str | None
    new_status: str | None
    progress: int | None
    note: str | None
    reference: str | None
    at: datetime
    completed_on: date | None
    evidence: str | None
    confirmation: str | None
    who: str | None
    agency_id: int | None = None  # a collective task's part (domain.parts); None: the task


class TaskFacts(NamedTuple):  # a named tuple: a frozen dataclass is ~5x slower to build
    id: int
    code: str
    position: int
    content: str
    section_code: str
    section_title: str
    deadline_text: str | None
    schedule: str
    flag: str | None
    product: str | None
    note: str | None
    directors_printed: str | None
    milestones: tuple[MilestoneFacts, ...]
    seats: tuple[SeatFacts, ...]
    changes: tuple[ChangeFacts, ...]
    # A collective task (its lead is a collective): the concrete agencies it reaches, each with
    # its own part, as (agency id, name); empty for any other task.
    parts: tuple[tuple[int, str], ...] = ()
    # The coordinating agencies (concrete; those a coordinating collective reaches included),
    # each of which sends its input (domain.parts.INPUT), as (agency id, name).
    coordinators: tuple[tuple[int, str], ...] = ()

    def seat_list(self) -> list[Seat]:
        return [s.seat for s in self.seats]


_TASK_COLUMNS = (
    Task.id,
    Task.code,
    Task.position,
    Task.content,
    Section.code,
    Section.title,
    Task.deadline_text,
    Task.schedule,
    Task.flag,
    Task.product,
    Task.note,
    Task.directors_printed,
)


# Statements are built once: building and keying a statement costs more than running it.
_SEAT_COLUMNS = (
    Assignment.task_id,
    Assignment.role,
    Assignment.member_id,
    Assignment.group_id,
    Assignment.agency_id,
)
# The member's own seats: the assignments naming them, one of their groups or agencies.
_MINE = Query(
    select(*_SEAT_COLUMNS).where(
        or_(
            Assignment.member_id == bindparam("member_id"),
            among(Assignment.group_id, "group_ids"),
            among(Assignment.agency_id, "agency_ids"),
        )
    )
)
_BY_ID = Query(
    select(*_TASK_COLUMNS, Task.plan_id)
    .join(Section, Section.id == Task.section_id)
    .where(among(Task.id, "ids"))
    .order_by(Task.position)
)
_WHOLE_PLAN = Query(
    select(*_TASK_COLUMNS)
    .join(Section, Section.id == Task.section_id)
    .where(Task.plan_id == bindparam("plan_id"))
    .order_by(Task.position)
)


def reaching(
    connection: Connection, plan_id: int, who: Who, *, lean: bool = False
) -> list[TaskFacts]:
    """The plan's tasks naming the member, one of their groups or agencies, in plan order.
    ``lean``: what the lists show, no more: no names of assignees or authors, and only the
    member's own seats (what gives their role), read with the task ids: one statement fewer.

    The member's task ids first (covering indexes), then those tasks by primary key, keeping
    the plan's: the cost follows the member's list, not the plan. (As one join, both SQLite and
    PostgreSQL walked every task of the plan; with the plan in the WHERE clause, SQLite walked
    the plan's index to spare itself sorting 25 rows; as ``IN (subquery)``, PostgreSQL hashed
    the subquery and scanned every task, 13 ms at 50,000 tasks.)"""
    mine = {
        "member_id": who.member_id,
        "group_ids": sorted(who.group_ids),
        "agency_ids": sorted(who.agency_ids),
    }
    own = _seat_facts(_MINE.all(connection, mine))
    rows = _BY_ID.all(connection, {"ids": list(own)}) if own else []
    tasks = [row[:-1] for row in rows if row[-1] == plan_id]
    return _facts(connection, tasks, seats=own if lean else None, authors=not lean)


def tasks(connection: Connection, ids: Sequence[int]) -> list[TaskFacts]:
    """These tasks, in plan order, with every seat and the authors' names: a task's detail, the
    reminders."""
    rows = _BY_ID.all(connection, {"ids": sorted(set(ids))}) if ids else []
    return _facts(connection, [row[:-1] for row in rows], seats=None, authors=True)


def whole_plan(connection: Connection, plan_id: int, *, lean: bool = False) -> list[TaskFacts]:
    """Every task of the plan. ``lean``: no names and no seats (the lists show neither)."""
    rows = _WHOLE_PLAN.all(connection, {"plan_id": plan_id})
    return _facts(connection, rows, seats={} if lean else None, authors=not lean)


def _latest_due(milestone_id: Any) -> Any:
    """The latest extension's date for each row (a correlated lookup on the extensions' index):
    as an outer join, PostgreSQL hashed every extension of every plan for a 25-task list."""
    return (
        select(Extension.new_due)
        .where(Extension.milestone_id == milestone_id)
        .order_by(Extension.id.desc())
        .limit(1)
        .scalar_subquery()
    )


class Timeline(NamedTuple):
    """What a task's verdict needs, no more: its milestones and its history (no names)."""

    id: int
    position: int
    milestones: tuple[MilestoneFacts, ...]
    changes: tuple[ChangeFacts, ...]
    parts: tuple[tuple[int, str], ...] = ()  # as TaskFacts.parts


_PLAN_TASK_IDS = Query(
    select(Task.id, Task.position)
    .where(Task.plan_id == bindparam("plan_id"))
    .order_by(Task.position)
)
# The plan's milestones and verdict-bearing history, found by the plan (a join on the tasks'
# plan index) rather than by a list of every task id: no label, no text, no names.
_PLAN_MILESTONES = Query(
    select(Milestone.task_id, Milestone.id, Milestone.due_on, _latest_due(Milestone.id))
    .join(Task, Task.id == Milestone.task_id)
    .where(Task.plan_id == bindparam("plan_id"))
    .order_by(Milestone.task_id, Milestone.position)
)
# Only the changes a verdict replays: status changes and the office's confirmations (notes and
# other kinds move no verdict; ``derive_state`` skips them but for the "last updated" instant).
VERDICT_KINDS = ("status", CONFIRM, CARRIED, CLOSE)
# What a verdict replays of a line of history (domain.progress.derive_state, domain.parts).
STEP_COLUMNS = (
    StatusChange.kind,
    StatusChange.milestone_id,
    StatusChange.new_status,
    StatusChange.progress,
    StatusChange.at,
    StatusChange.completed_on,
    StatusChange.confirmation,
    StatusChange.agency_id,
)
_PLAN_STEPS = Query(
    select(StatusChange.task_id, *STEP_COLUMNS)
    .join(Task, Task.id == StatusChange.task_id)
    .where(
        Task.plan_id == bindparam("plan_id"),
        or_(*(StatusChange.kind == kind for kind in VERDICT_KINDS)),
    )
    .order_by(StatusChange.task_id, StatusChange.id)
)


def plan_timelines(connection: Connection, plan_id: int) -> list[Timeline]:
    """Every task of the plan as a timeline, in plan order: three statements keyed on the plan,
    no text columns, and of the history only what a verdict replays (the overview of a whole
    plan classifies every task and shows few). A timeline's changes carry no note, reference,
    evidence or author, and its milestones no label."""
    tasks = _PLAN_TASK_IDS.all(connection, {"plan_id": plan_id})
    if not tasks:
        return []
    milestones: dict[int, list[MilestoneFacts]] = defaultdict(list)
    for task_id, milestone_id, due_on, new_due in _PLAN_MILESTONES.all(
        connection, {"plan_id": plan_id}
    ):
        milestones[task_id].append(MilestoneFacts(milestone_id, None, due_on, new_due or due_on))
    changes: dict[int, list[ChangeFacts]] = defaultdict(list)
    for (
        task_id,
        kind,
        milestone_id,
        new_status,
        progress,
        at,
        completed_on,
        confirmation,
        agency_id,
    ) in _PLAN_STEPS.all(connection, {"plan_id": plan_id}):
        changes[task_id].append(
            ChangeFacts(
                kind,
                milestone_id,
                None,
                new_status,
                progress,
                None,
                None,
                at,
                completed_on,
                None,
                confirmation,
                None,
                agency_id,
            )
        )
    parts = plan_parts(connection, plan_id)
    return [
        Timeline(
            task_id,
            position,
            tuple(milestones[task_id]) if task_id in milestones else (),
            tuple(changes[task_id]) if task_id in changes else (),
            parts.get(task_id, ()),
        )
        for task_id, position in tasks
    ]


def _facts(
    connection: Connection,
    tasks: Sequence[Sequence[Any]],
    *,
    seats: dict[int, list[SeatFacts]] | None,
    authors: bool,
) -> list[TaskFacts]:
    """Facts of these task rows (the _TASK_COLUMNS): one or two more queries, whatever the
    count. ``seats`` None: every seat, with names, is read here; ``authors``: the history
    carries its authors' names."""
    ids = [row[0] for row in tasks]
    if not ids:
        return []
    milestones, changes = _timelines(connection, ids, authors)
    if seats is None:
        seats = _seat_facts(_SEATS.all(connection, {"ids": ids}))
    parts, coordinators = _parts(_AGENCY_SEATS.all(connection, {"ids": ids}))
    return [
        TaskFacts(
            *row,  # the _TASK_COLUMNS, in TaskFacts' order
            milestones=tuple(milestones.get(row[0], ())),
            seats=tuple(seats.get(row[0], ())),
            changes=tuple(changes.get(row[0], ())),
            parts=parts.get(row[0], ()),
            coordinators=coordinators.get(row[0], ()),
        )  # type: ignore[misc]
        for row in tasks
    ]


# Parts and coordinators, in one statement: the agency seats of lead and coordinating roles,
# with what each agency is; then, only when a collective is among them, every concrete agency
# (hundreds at most), matched here by category. Rows: (part, task id, role, agency id, name,
# kind, covers, category, order).
_SEAT, _AGENCY = "s", "a"


def _agency_seats(where: Any) -> Any:
    on_seat = Agency.id == Assignment.agency_id
    not_director = Assignment.role != Role.DIRECTOR.value
    named = aliased(Agency)
    collective = (
        select(Assignment.id)
        .join(named, named.id == Assignment.agency_id)
        .where(where, not_director, named.kind == "collective")
        .exists()
    )
    both = union_all(
        select(
            literal(_SEAT).label("part"),
            Assignment.task_id.label("task_id"),
            Assignment.role,
            Agency.id,
            Agency.name,
            Agency.kind,
            Agency.covers,
            type_coerce(null(), String),
            Assignment.position.label("seq"),
        )
        .join(Agency, on_seat)
        .where(where, not_director),
        select(
            literal(_AGENCY),
            null(),
            null(),
            Agency.id,
            Agency.name,
            Agency.kind,
            type_coerce(null(), Agency.covers.type),
            Agency.category,
            Agency.id,
        ).where(Agency.kind == "agency", collective),
    )
    columns = both.selected_columns
    return both.order_by(columns.part.desc(), columns.task_id, columns.seq)


_AGENCY_SEATS = Query(_agency_seats(among(Assignment.task_id, "ids")))
Agencies = tuple[tuple[int, str], ...]
# What the reminder planner needs of parts, for a whole plan: the tasks a collective leads (with
# the categories it covers) and, read apart, the concrete agencies. (Every seat of every task, as
# the lists read them, held some 65 MB at 50,000 tasks.)
_PLAN_COLLECTIVE_LEADS = Query(
    select(Assignment.task_id, Agency.covers)
    .join(Agency, Agency.id == Assignment.agency_id)
    .join(Task, Task.id == Assignment.task_id)
    .where(
        Task.plan_id == bindparam("plan_id"),
        Assignment.role == Role.LEAD.value,
        Agency.kind == "collective",
    )
)
_CONCRETE_AGENCIES = Query(
    select(Agency.id, Agency.name, Agency.category)
    .where(Agency.kind == "agency")
    .order_by(Agency.id)
)


def plan_parts(connection: Connection, plan_id: int) -> dict[int, Agencies]:
    """The plan's collective tasks with their parts (agency id, name): what the reminder
    planner needs to tell a collective task done."""
    lead: dict[int, set[str]] = defaultdict(set)
    for task_id, covers in _PLAN_COLLECTIVE_LEADS.all(connection, {"plan_id": plan_id}):
        lead[task_id] |= set(covers or ())
    if not lead:
        return {}
    return _matched(lead, _CONCRETE_AGENCIES.all(connection, {}))


def _matched(lead: dict[int, set[str]], agencies: Sequence[Sequence[Any]]) -> dict[int, Agencies]:
    """Each task's parts: the concrete agencies (id, name, category) in a category its lead
    collectives cover, in the agencies' order."""
    by_categories: dict[frozenset[str], Agencies] = {}  # most collectives cover the same few
    parts = {}
    for task_id, covered in lead.items():
        key = frozenset(covered)
        if key not in by_categories:
            by_categories[key] = tuple(
                (a, name) for a, name, category in agencies if category in key
            )
        parts[task_id] = by_categories[key]
    return parts


def _parts(rows: Sequence[Sequence[Any]]) -> tuple[dict[int, Agencies], dict[int, Agencies]]:
    """By task: the parts (every concrete agency in a category a lead collective covers, read
    now: an agency added later has a part at once) and the coordinating agencies (concrete,
    a coordinating collective's included)."""
    lead: dict[int, set[str]] = defaultdict(set)
    coordinating: dict[int, set[str]] = defaultdict(set)
    named: dict[int, dict[int, str]] = defaultdict(dict)
    leading: dict[int, set[int]] = defaultdict(set)  # concrete lead agencies: no input to send
    agencies: list[tuple[int, str, str | None]] = []
    for part, task_id, role, agency_id, name, kind, covers, category, _ in rows:
        if part == _AGENCY:
            agencies.append((agency_id, name, category))
        elif kind == "collective":
            (lead if role == Role.LEAD.value else coordinating)[task_id] |= set(covers or ())
        elif role == Role.COORDINATING.value:
            named[task_id][agency_id] = name
        else:
            leading[task_id].add(agency_id)
    for task_id, covered in coordinating.items():
        for a_id, name, category in agencies:
            if category in covered and a_id not in leading[task_id]:
                named[task_id].setdefault(a_id, name)
    return _matched(lead, agencies), {
        task_id: tuple(found.items()) for task_id, found in named.items()
    }


def _member_name(key: Any) -> Any:
    """The member's name looked up by primary key for each row (a correlated subquery): with an
    outer join PostgreSQL hashed the whole members table (5,000 rows) for a 25-task list.
    Groups and agencies are few (hundreds): joined."""
    return select(Member.full_name).where(Member.id == key).scalar_subquery()


_SEATS = Query(
    select(*_SEAT_COLUMNS, _member_name(Assignment.member_id), Group.name, Agency.name)
    .outerjoin(Group, Group.id == Assignment.group_id)
    .outerjoin(Agency, Agency.id == Assignment.agency_id)
    .where(among(Assignment.task_id, "ids"))
    .order_by(Assignment.task_id, Assignment.position)
)
_ROLES = {role.value: role for role in Role}


def _seat_facts(rows: Sequence[Sequence[Any]]) -> dict[int, list[SeatFacts]]:
    """Seats by task from rows of the _SEAT_COLUMNS, with the three names when the rows have
    them; in the order read."""
    found: dict[int, list[SeatFacts]] = defaultdict(list)
    for task_id, role, member_id, group_id, agency_id, *names in rows:
        seat = Seat(_ROLES[role], member_id, group_id, agency_id)
        found[task_id].append(
            SeatFacts(seat, *names) if names else SeatFacts(seat, None, None, None)
        )
    return found


_MILESTONE_COLUMNS = (Milestone.id, Milestone.label, Milestone.due_on, _latest_due(Milestone.id))
_CHANGE_COLUMNS = (
    StatusChange.kind,
    StatusChange.milestone_id,
    StatusChange.old_status,
    StatusChange.new_status,
    StatusChange.progress,
    StatusChange.note,
    StatusChange.reference,
    StatusChange.at,
    StatusChange.completed_on,
    StatusChange.evidence,
    StatusChange.confirmation,
    StatusChange.agency_id,
)
_MILESTONE, _CHANGE = "m", "c"


def _nulls(columns: Sequence[Any]) -> list[Any]:
    """NULLs typed as these columns: the first SELECT of a union types the union's columns."""
    return [type_coerce(null(), column.type) for column in columns]


def _timeline(author: Any) -> Any:
    """The tasks' milestones (with their latest extension) and history (with ``author``) in
    one statement, a round trip fewer on PostgreSQL: rows of (part, task id, *milestone,
    *change, author, order), each part's row padded with NULLs for the other's columns, in
    task order, then the milestones' order and the history's."""
    timeline = union_all(
        select(
            literal(_MILESTONE),
            Milestone.task_id.label("task_id"),
            *_MILESTONE_COLUMNS,
            *_nulls(_CHANGE_COLUMNS),
            type_coerce(null(), String),
            Milestone.position.label("seq"),
        ).where(among(Milestone.task_id, "ids")),
        select(
            literal(_CHANGE),
            StatusChange.task_id,
            *[null()] * len(_MILESTONE_COLUMNS),
            *_CHANGE_COLUMNS,
            author,
            StatusChange.id,
        ).where(among(StatusChange.task_id, "ids")),
    )
    return timeline.order_by(timeline.selected_columns.task_id, timeline.selected_columns.seq)


_TIMELINE = Query(_timeline(_member_name(StatusChange.member_id)))
_BARE_TIMELINE = Query(_timeline(null()))


def _timelines(
    connection: Connection, ids: Sequence[int], authors: bool
) -> tuple[dict[int, list[MilestoneFacts]], dict[int, list[ChangeFacts]]]:
    """The milestones and the history of these tasks, by task, in order."""
    rows = (_TIMELINE if authors else _BARE_TIMELINE).all(connection, {"ids": ids})
    milestones: dict[int, list[MilestoneFacts]] = defaultdict(list)
    changes: dict[int, list[ChangeFacts]] = defaultdict(list)
    for part, task_id, milestone_id, label, due_on, new_due, *change, agency_id, who, _ in rows:
        if part == _MILESTONE:
            milestones[task_id].append(
                MilestoneFacts(milestone_id, label, due_on, new_due or due_on)
            )
        else:  # the part (agency) is read last of the change's columns, the author after it
            changes[task_id].append(ChangeFacts(*change, who, agency_id))  # type: ignore[call-arg]
    return milestones, changes
