"""Plain snapshots of a task for rendering, built from the database rows and the history."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from db.models import StatusChange, Task
from domain.access import Role
from domain.progress import Change, TaskState, derive_state
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


def _names(task: Task, role: Role) -> tuple[str, ...]:
    names = []
    for a in task.assignments:
        if a.role != role:
            continue
        if a.member is not None:
            names.append(texts.COMRADE.format(name=a.member.full_name))
        elif a.group is not None:
            names.append(a.group.name)
        elif a.agency is not None:
            names.append(a.agency.name)
    return tuple(names)


def task_view(task: Task, changes: Sequence[StatusChange], today: date) -> TaskView:
    state = derive_state(
        Change(c.kind, c.milestone_id, c.new_status, c.progress, c.at) for c in changes
    )
    milestones = tuple(
        MilestoneState(
            m.id,
            m.label,
            m.current_due,
            m.id in state.done_milestones,
            m.due_on if m.current_due != m.due_on else None,
        )
        for m in task.milestones
    )
    labels = {m.id: m.label for m in task.milestones}
    history = tuple(
        HistoryLine(
            at=c.at,
            who=c.member.full_name if c.member else None,
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
        code=task.code,
        position=task.position,
        content=task.content,
        section_code=task.section.code,
        section_title=task.section.title,
        directors=_names(task, Role.DIRECTOR),
        directors_printed=task.directors_printed,
        lead=_names(task, Role.LEAD),
        coordinating=_names(task, Role.COORDINATING),
        deadline_text=task.deadline_text,
        schedule=task.schedule,
        flag=task.flag,
        product=task.product,
        note=task.note,
        milestones=milestones,
        state=state,
        standing=standing(milestones, task_done=state.status == Status.DONE, today=today),
        history=history,
    )
