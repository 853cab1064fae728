"""Turn task snapshots into the text people read. Pure: no database, no clock."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from zoneinfo import ZoneInfo

from chat import texts
from chat.views import HistoryLine, TaskView
from domain.access import Role
from domain.deadlines import Schedule
from domain.normalize import shorten
from domain.parts import CLOSE, INPUT
from domain.status import Status
from domain.timeline import MilestoneState, Standing, sort_key

LIST_CONTENT_CHARS = 110
HISTORY_LINES = 5


def due_phrase(view: TaskView) -> str:
    """ "Hạn 31/03/2024 · còn 11 ngày", "⚠️ Quá hạn 5 ngày (hạn …)", or why there is no date."""
    s: Standing = view.standing
    if s.next_open is None:
        if view.state.status == Status.DONE or view.milestones:
            return texts.DUE_ALL_DONE
        if view.schedule == Schedule.ROADMAP:
            return texts.DUE_NONE_ROADMAP
        return texts.DUE_NONE_FLAGGED
    due = texts.day(s.next_open.due)
    label = f"{s.next_open.label} · " if s.next_open.label else ""
    assert s.days is not None
    if s.days < 0:
        return label + texts.DUE_OVERDUE.format(days=-s.days, due=due)
    if s.days == 0:
        return label + texts.DUE_TODAY.format(due=due)
    return label + texts.DUE_LEFT.format(due=due, days=s.days)


def status_phrase(view: TaskView) -> str:
    status = view.state.status
    awaiting = texts.LIST_AWAITING if view.state.awaiting_confirmation else ""
    parts = ""
    if view.collective and view.part is None:  # the whole task: how many agencies are done
        parts = texts.LIST_PARTS.format(done=view.parts_done, total=len(view.parts))
    return (
        f"{texts.STATUS_ICON[status]} {texts.STATUS[status]}"
        f"{texts.percent(view.state.progress)}{awaiting}{parts}"
    )


def task_line(view: TaskView) -> str:
    return (
        f"• {view.code} · {shorten(view.content, LIST_CONTENT_CHARS)}\n"
        f"   {due_phrase(view)} · {status_phrase(view)}"
    )


def my_tasks(
    name: str,
    plan_code: str,
    plan_year: int,
    today: date,
    by_role: Mapping[Role, Sequence[TaskView]],
) -> str:
    """The member's tasks grouped by role, nearest deadline first."""
    lines = [
        texts.MY_TASKS_TITLE.format(name=name),
        texts.PLAN_LINE.format(code=plan_code, year=plan_year, today=texts.day(today)),
    ]
    views = [v for group in by_role.values() for v in group]
    if not views:
        lines += ["", texts.MY_TASKS_NONE.format(plan=plan_code)]
        return "\n".join(lines)
    lines.append(summary_counts(views))
    for role in (Role.DIRECTOR, Role.LEAD, Role.COORDINATING):
        group = sorted(by_role.get(role, ()), key=lambda v: sort_key(v.standing, v.position))
        if group:
            lines += ["", f"{texts.ROLE_HEADING[role]} ({len(group)})"]
            lines += [task_line(v) for v in group]
    example = min(views, key=lambda v: sort_key(v.standing, v.position)).code
    lines += ["", texts.MY_TASKS_FOOTER.format(example=example)]
    return "\n".join(lines)


def sorted_lines(views: Sequence[TaskView]) -> list[str]:
    """One entry per task, overdue and nearest first."""
    return [task_line(v) for v in sorted(views, key=lambda v: sort_key(v.standing, v.position))]


def by_section(views: Sequence[TaskView]) -> list[str]:
    """The plan in its own order, under section headings."""
    lines: list[str] = []
    section = None
    for view in sorted(views, key=lambda v: v.position):
        if view.section_code != section:
            section = view.section_code
            lines += [
                "",
                texts.SECTION_HEADING.format(code=section, title=view.section_title.upper()),
            ]
        lines.append(task_line(view))
    return lines


def summary_counts(views: Sequence[TaskView]) -> str:
    unique = {v.code: v for v in views}.values()
    return texts.SUMMARY_COUNTS.format(
        total=len(unique),
        overdue=sum(1 for v in unique if v.standing.overdue),
        soon=sum(1 for v in unique if v.standing.days is not None and 0 <= v.standing.days <= 14),
        done=sum(1 for v in unique if v.state.status == Status.DONE),
    )


def _history_line(line: HistoryLine, zone: ZoneInfo) -> str:
    at = texts.moment(line.at, zone)
    who = line.who or texts.SOMEONE
    extra = ""
    reported_on = line.at.astimezone(zone).date()
    if (
        line.completed_on
        and line.new_status == Status.DONE.value
        and line.completed_on != reported_on
    ):
        extra += texts.HISTORY_DONE_ON.format(day=texts.day(line.completed_on))
    if line.reference:
        extra += f" — {line.reference}"
    if line.note and line.kind in ("status", CLOSE):
        extra += f" — “{line.note}”"
    if line.kind == "note" and line.reference and not line.note:  # saved after completion
        return texts.HISTORY_REFERENCE.format(at=at, who=who, reference=line.reference)
    if line.kind == INPUT:
        return texts.HISTORY_INPUT.format(at=at, who=who, extra=extra)
    if line.kind == "note":
        return texts.HISTORY_NOTE.format(at=at, who=who, note=line.note or "")
    if line.milestone_label:
        return texts.HISTORY_MILESTONE.format(
            at=at, who=who, label=line.milestone_label, extra=extra
        )
    old = texts.STATUS[Status(line.old_status)] if line.old_status else texts.NONE
    new = texts.STATUS[Status(line.new_status)] if line.new_status else texts.NONE
    return texts.HISTORY_STATUS.format(
        at=at, who=who, old=old, new=new, progress=texts.percent(line.progress), extra=extra
    )


def _extended(m: MilestoneState) -> str:
    return texts.EXTENDED_FROM.format(original=texts.day(m.original)) if m.original else ""


def _names(names: Sequence[str], limit: int = 40) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f", … (+{len(names) - limit})" if len(names) > limit else "")


def parts_lines(view: TaskView, *, office: bool) -> list[str]:
    """A collective task: how many agencies are done; the viewer's own part; for the office
    (and the directors), which agencies have done, are under way, and have not reported."""
    if not view.collective:
        return []
    lines = [texts.DETAIL_PARTS.format(done=view.parts_done, total=len(view.parts))]
    whole = view.whole
    if view.part is not None and whole is not None:
        lines.append(
            texts.DETAIL_WHOLE.format(
                icon=texts.STATUS_ICON[whole.status],
                status=texts.STATUS[whole.status],
                progress=texts.percent(whole.progress),
            )
        )
    if view.closed is not None:
        lines.append(texts.DETAIL_CLOSED.format(reason=view.closed.reason or texts.NONE))
    if office:
        done = [p.name for p in view.parts if p.state.status == Status.DONE]
        silent = [p.name for p in view.parts if p.state.updated_at is None]
        under_way = [
            p.name
            for p in view.parts
            if p.state.status != Status.DONE and p.state.updated_at is not None
        ]
        for template, names in (
            (texts.DETAIL_PARTS_DONE, done),
            (texts.DETAIL_PARTS_OPEN, under_way),
            (texts.DETAIL_NOT_REPORTED, silent),
        ):
            if names:
                lines.append(template.format(count=len(names), names=_names(names)))
    return lines


def input_lines(view: TaskView, zone: ZoneInfo) -> list[str]:
    """The coordinating agencies: who has sent their input (when, with which document), and
    who has not."""
    if not view.facts.coordinators:
        return []
    sent, missing = [], []
    for agency_id, name in view.facts.coordinators:
        found = view.inputs.get(agency_id)
        if found is None:
            missing.append(name)
            continue
        reference = f" · {found.reference}" if found.reference else ""
        day = texts.day(found.at.astimezone(zone).date())
        sent.append(texts.INPUT_LINE.format(name=name, day=day, reference=reference))
    lines = []
    if sent:
        lines.append(texts.DETAIL_INPUTS_SENT.format(count=len(sent), names=_names(sent)))
    if missing:
        lines.append(texts.DETAIL_INPUTS_MISSING.format(count=len(missing), names=_names(missing)))
    return lines


def task_detail(view: TaskView, zone: ZoneInfo, *, office: bool = False) -> str:
    lines = [
        f"{view.code} · {view.content}",
        texts.DETAIL_SECTION.format(code=view.section_code, title=view.section_title),
        "",
        texts.DETAIL_DIRECTORS.format(names="; ".join(view.directors) or texts.NONE),
        texts.DETAIL_LEAD.format(names="; ".join(view.lead) or texts.NONE),
        texts.DETAIL_COORDINATING.format(names="; ".join(view.coordinating) or texts.NONE),
        texts.DETAIL_TIME.format(text=view.deadline_text)
        if view.deadline_text
        else texts.DETAIL_TIME_MISSING,
    ]
    if len(view.milestones) == 1:
        only = view.milestones[0]
        lines.append(texts.DETAIL_DUE.format(due=texts.day(only.due)) + _extended(only))
    elif view.milestones:
        lines.append(texts.DETAIL_MILESTONES)
        for m in view.milestones:
            mark = " ✅" if m.done or view.state.status == Status.DONE else ""
            lines.append(f"   {m.label or ''} {texts.day(m.due)}{_extended(m)}{mark}".rstrip())
    if view.product:
        lines.append(texts.DETAIL_PRODUCT.format(product=view.product))
    if view.note:
        lines.append(texts.DETAIL_NOTE.format(note=view.note))
    if view.flag:
        lines.append(texts.DETAIL_FLAG.format(flag=view.flag))
    status = texts.DETAIL_STATUS.format(
        icon=texts.STATUS_ICON[view.state.status],
        status=texts.STATUS[view.state.status],
        progress=texts.percent(view.state.progress),
    )
    if view.part is not None:
        status = texts.DETAIL_OWN_PART.format(
            agency=view.part.name,
            icon=texts.STATUS_ICON[view.state.status],
            status=texts.STATUS[view.state.status],
            progress=texts.percent(view.state.progress),
        )
    # The status (the viewer's own part, if any), what backs it and where it stands, then, for a
    # collective task, the whole task and its parts: each line next to what it is about.
    lines += ["", status]
    if view.state.status == Status.DONE and view.state.done_on:
        lines.append(texts.DETAIL_COMPLETED_ON.format(day=texts.day(view.state.done_on)))
    if view.evidence:
        lines.append(texts.DETAIL_EVIDENCE.format(evidence=view.evidence))
    if view.state.awaiting_confirmation:
        lines.append(texts.DETAIL_AWAITING)
    lines.append(texts.DETAIL_STANDING.format(standing=due_phrase(view)))
    lines += [*parts_lines(view, office=office), *input_lines(view, zone), ""]
    if view.history:
        lines.append(texts.DETAIL_HISTORY)
        lines += [_history_line(h, zone) for h in view.history[-HISTORY_LINES:][::-1]]
    else:
        lines.append(texts.DETAIL_NO_HISTORY)
    return "\n".join(lines)
