"""Plain snapshots of a task for rendering, built from the database rows and the history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property

from chat import texts
from db.facts import TaskFacts
from domain.access import Role, Who
from domain.parts import (
    INPUT,
    Closing,
    InputSent,
    Part,
    closing,
    done_count,
    inputs_sent,
    parts_of,
    whole_state,
)
from domain.progress import CARRIED, TaskState, derive_state
from domain.status import Status
from domain.timeline import MilestoneState, Standing, standing


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
    reference: str | None  # the document or result given with it
    completed_on: date | None = None
    confirmation: str | None = None


@dataclass(frozen=True)
class TaskView:
    """A task as of a day: its facts, its state replayed from its history, where it stands.
    The assignees' names and the history lines are worked out when first asked for: the lists
    (the messages members send most) show neither."""

    facts: TaskFacts
    milestones: tuple[MilestoneState, ...]
    state: TaskState  # the viewer's own part of a collective task, else the task's
    standing: Standing
    parts: tuple[Part, ...] = ()  # a collective task: every agency's part
    part: Part | None = None  # the viewer's own part, when ``state`` is it
    whole: TaskState | None = None  # a collective task: the whole task's state

    @property
    def collective(self) -> bool:
        return bool(self.parts)

    @property
    def parts_done(self) -> int:
        return done_count(self.parts)

    @cached_property
    def closed(self) -> Closing | None:
        """A collective task closed explicitly by a director or the office."""
        return closing(self.facts.changes) if self.parts else None

    @cached_property
    def inputs(self) -> dict[int, InputSent]:
        """The coordinating agencies that have sent their input (đã gửi ý kiến)."""
        return inputs_sent(self.facts.changes)

    @property
    def code(self) -> str:
        return self.facts.code

    @property
    def position(self) -> int:
        return self.facts.position

    @property
    def content(self) -> str:
        return self.facts.content

    @property
    def section_code(self) -> str:
        return self.facts.section_code

    @property
    def section_title(self) -> str:
        return self.facts.section_title

    @property
    def directors_printed(self) -> str | None:  # the plan's own wording of the directors cell
        return self.facts.directors_printed

    @property
    def deadline_text(self) -> str | None:
        return self.facts.deadline_text

    @property
    def schedule(self) -> str:
        return self.facts.schedule

    @property
    def flag(self) -> str | None:
        return self.facts.flag

    @property
    def product(self) -> str | None:
        return self.facts.product

    @property
    def note(self) -> str | None:
        return self.facts.note

    @cached_property
    def directors(self) -> tuple[str, ...]:
        return _names(self.facts, Role.DIRECTOR)

    @cached_property
    def lead(self) -> tuple[str, ...]:
        return _names(self.facts, Role.LEAD)

    @cached_property
    def coordinating(self) -> tuple[str, ...]:
        return _names(self.facts, Role.COORDINATING)

    @cached_property
    def evidence(self) -> str | None:
        """The latest document or result given for the task (before 0007: its reference); for a
        part, the part's own."""
        own = self.part.agency_id if self.part else None
        for c in reversed(self.facts.changes):
            if c.agency_id != own:
                continue
            if c.evidence or c.reference:
                return c.evidence or c.reference
        return None

    @cached_property
    def history(self) -> tuple[HistoryLine, ...]:
        labels = {m.id: m.label for m in self.facts.milestones}
        return tuple(
            HistoryLine(
                at=c.at,
                who=c.who,
                kind=c.kind,
                old_status=c.old_status,
                new_status=c.new_status,
                milestone_label=labels.get(c.milestone_id) if c.milestone_id else None,
                progress=c.progress,
                note=c.note,
                reference=c.evidence or c.reference,
                completed_on=c.completed_on,
                confirmation=c.confirmation,
            )
            for c in self.facts.changes
            if c.kind != CARRIED
        )


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


def part_evidence(view: TaskView, agency_id: int) -> str | None:
    """The latest document or result an agency gave for its part."""
    for c in reversed(view.facts.changes):
        if c.agency_id == agency_id and (c.evidence or c.reference) and c.kind != INPUT:
            return c.evidence or c.reference
    return None


def own_part(parts: tuple[Part, ...], who: Who | None) -> Part | None:
    """The viewer's part: the first part of an agency of theirs."""
    if who is None or not who.agency_ids:
        return None
    return next((p for p in parts if p.agency_id in who.agency_ids), None)


def view_of(facts: TaskFacts, today: date, who: Who | None = None) -> TaskView:
    """The task as of ``today``. A collective task: as ``who``'s own part when they have one
    (their status, %, document, batches), else as the whole task (derived from the parts)."""
    if not facts.parts:
        return _view(facts, today, derive_state(facts.changes))
    parts = parts_of(facts.changes, facts.parts)
    whole = whole_state(parts, facts.changes)
    part = own_part(parts, who)
    if part is None:
        return _view(facts, today, whole, parts=parts, whole=whole)
    return _view(facts, today, part.state, parts=parts, part=part, whole=whole)


def _view(
    facts: TaskFacts,
    today: date,
    state: TaskState,
    *,
    parts: tuple[Part, ...] = (),
    part: Part | None = None,
    whole: TaskState | None = None,
) -> TaskView:
    done = state.done_milestones
    milestones = tuple(
        MilestoneState(
            m.id,
            m.label,
            m.current_due,
            m.id in done,
            m.due_on if m.current_due != m.due_on else None,
        )
        for m in facts.milestones
    )
    task_done = state.status == Status.DONE or (whole is not None and whole.status == Status.DONE)
    return TaskView(
        facts,
        milestones,
        state,
        standing(milestones, task_done=task_done, today=today),
        parts,
        part,
        whole,
    )
