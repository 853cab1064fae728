"""Plain snapshots of a task for rendering, built from the database rows and the history."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from db.facts import TaskFacts, task_facts
from db.models import StatusChange, Task
from domain.access import Role
from domain.progress import TaskState, derive_state
from domain.status import Status
from domain.timeline import MilestoneState, Standing, standing
from handlers import texts


@dataclass(frozen=True)
class HistoryLine:
    at: datetime
    who: str | None
    kind: str
    old_status: str | None
    new_status: str | None
    milestone_label: str | None
    progress: int | None
    note: str | None
    reference: str | None


@dataclass(frozen=True)
class TaskView:
    code: str
    position: int
    content: str
    section_code: str
    section_title: str
    directors: tuple[str, ...]
    directors_printed: str | None  # the plan's own wording of the directors cell
    lead: tuple[str, ...]
    coordinating: tuple[str, ...]
    deadline_text: str | None
    schedule: str
    flag: str | None
    product: str | None
    note: str | None
    milestones: tuple[MilestoneState, ...]
    state: TaskState
    standing: Standing
    history: tuple[HistoryLine, ...]


def _names(facts: TaskFacts, role: Role) -> tuple[str, ...]:
    names = []
    for s in facts.seats:
        if s.seat.role != role:
            continue
        if s.member_name is not None:
            names.append(texts.COMRADE.format(name=s.member_name))
        elif s.group_name is not None:
            names.append(s.group_name)
        elif s.agency_name is not None:
            names.append(s.agency_name)
    return tuple(names)


def task_view(task: Task, changes: Sequence[StatusChange], today: date) -> TaskView:
    """The view of an ORM task (relationships loaded) with its history, oldest first."""
    return view_of(task_facts(task, changes), today)


def view_of(facts: TaskFacts, today: date) -> TaskView:
    changes = facts.changes
    state = derive_state(changes)
    milestones = tuple(
        MilestoneState(
            m.id,
            m.label,
            m.current_due,
            m.id in state.done_milestones,
            m.due_on if m.current_due != m.due_on else None,
        )
        for m in facts.milestones
    )
    labels = {m.id: m.label for m in facts.milestones}
    history = tuple(
        HistoryLine(
            at=c.at,
            who=c.who,
            kind=c.kind,
            old_status=c.old_status,
            new_status=c.new_status,
            milestone_label=labels.get(c.milestone_id) if c.milestone_id else None,
            progress=c.progress,
            note=c.note,
            reference=c.reference,
        )
        for c in changes
    )
    return TaskView(
        code=facts.code,
        position=facts.position,
        content=facts.content,
        section_code=facts.section_code,
        section_title=facts.section_title,
        directors=_names(facts, Role.DIRECTOR),
        directors_printed=facts.directors_printed,
        lead=_names(facts, Role.LEAD),
        coordinating=_names(facts, Role.COORDINATING),
        deadline_text=facts.deadline_text,
        schedule=facts.schedule,
        flag=facts.flag,
        product=facts.product,
        note=facts.note,
        milestones=milestones,
        state=state,
        standing=standing(milestones, task_done=state.status == Status.DONE, today=today),
        history=history,
    )
