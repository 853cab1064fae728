"""What a reminder or a digest says. Pure: task snapshots in, Vietnamese text out."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from chat import render, texts
from chat.actions import request_extension_action, status_actions
from chat.messages import Action, Reply
from chat.views import TaskView
from domain.normalize import shorten
from scheduler.planner import Kind, Occasion

CONTENT_CHARS = 220


def _left(due: date, today: date) -> str:
    days = (due - today).days
    if days > 0:
        return texts.LEFT_DAYS.format(days=days)
    if days == 0:
        return texts.LEFT_TODAY
    return texts.LATE_DAYS.format(days=-days)


def reminder(
    view: TaskView, occasion: Occasion, today: date, *, recipient_directs: bool = False
) -> Reply:
    """One reminder: the task's code, content shortened, milestone, date, days left or late,
    status buttons; replying to it updates the task. An escalation to a leader who directs the
    task speaks to them about their own task, not about a third party's."""
    due = occasion.due
    late = (today - due).days if due else 0
    own_escalation = occasion.kind == Kind.ESCALATION and recipient_directs
    template = {
        Kind.DEADLINE: texts.REMIND_DEADLINE,
        Kind.OVERDUE: texts.REMIND_OVERDUE,
        Kind.ESCALATION: texts.REMIND_ESCALATION_OWN if own_escalation else texts.REMIND_ESCALATION,
        Kind.COORDINATION: texts.REMIND_COORDINATION,
        Kind.CHECKIN: texts.REMIND_CHECKIN,
        Kind.SNOOZED: texts.REMIND_SNOOZED,
        Kind.REPEAT: texts.REMIND_REPEAT,
    }[occasion.kind]
    heading = template.format(code=view.code, days=late)
    lines = [heading, shorten(view.content, CONTENT_CHARS)]
    if due is not None:
        milestone = next((m for m in view.milestones if m.id == occasion.milestone_id), None)
        label = (
            f"{milestone.label} · "
            if milestone and milestone.label and len(view.milestones) > 1
            else ""
        )
        lines.append(
            texts.REMIND_DUE.format(label=label, due=texts.day(due), left=_left(due, today))
        )
    status = texts.DETAIL_OWN_PART if view.part is not None else texts.DETAIL_STATUS
    lines.append(
        status.format(
            agency=view.part.name if view.part is not None else "",
            icon=texts.STATUS_ICON[view.state.status],
            status=texts.STATUS[view.state.status],
            progress=texts.percent(view.state.progress),
        )
    )
    if occasion.kind in (Kind.ESCALATION, Kind.COORDINATION):
        lines.append(texts.REMIND_LEAD.format(names="; ".join(view.lead) or texts.NONE))
    if own_escalation:
        lines.append(texts.REMIND_ESCALATION_OWN_ASK)
    elif occasion.kind == Kind.ESCALATION:
        lines.append(texts.REMIND_DIRECTORS.format(names="; ".join(view.directors) or texts.NONE))
    if occasion.kind == Kind.COORDINATION:
        lines.append(texts.REMIND_COORDINATION_ASK)
        sent = Action(texts.ACTION_INPUT_SENT, f"/capnhat {view.code} đã gửi ý kiến")
        return Reply("\n".join(lines), (sent,), task_id=view.facts.id)
    if occasion.kind == Kind.CHECKIN:
        lines.append(texts.REMIND_CHECKIN_ASK)
    lines += ["", texts.REMIND_FOOTER]
    actions = status_actions(view.code)
    if due is not None and occasion.kind in (Kind.DEADLINE, Kind.OVERDUE):
        batch = next(
            (i for i, m in enumerate(view.milestones, 1) if m.id == occasion.milestone_id), None
        )
        several = len(view.milestones) > 1
        actions += (request_extension_action(view.code, batch if several else None),)
    return Reply("\n".join(lines), actions, task_id=view.facts.id)


def digest(name: str, today: date, views: Sequence[TaskView], plan_summary: str | None) -> Reply:
    """The weekly digest: overdue tasks and those due in the next 30 days (and, for the
    standing office, the plan's counts)."""
    overdue = [v for v in views if v.standing.overdue]
    upcoming = [v for v in views if v.standing.days is not None and 0 <= v.standing.days <= 30]
    lines = [texts.DIGEST_TITLE.format(name=name, today=texts.day(today))]
    overdue_title, upcoming_title = texts.DIGEST_OVERDUE, texts.DIGEST_UPCOMING
    if plan_summary:  # the plan's counts above the member's own lists: say whose each is
        lines += ["", plan_summary]
        overdue_title, upcoming_title = texts.DIGEST_OVERDUE_MINE, texts.DIGEST_UPCOMING_MINE
    if overdue:
        lines += [
            "",
            overdue_title.format(count=len(overdue)),
            *render.sorted_lines(overdue),
        ]
    if upcoming:
        lines += [
            "",
            upcoming_title.format(count=len(upcoming)),
            *render.sorted_lines(upcoming),
        ]
    if not overdue and not upcoming:
        lines += ["", texts.DIGEST_NOTHING_MINE if plan_summary else texts.DIGEST_NOTHING]
    lines += ["", texts.DIGEST_FOOTER]
    return Reply("\n".join(lines))


def escalations(views: Sequence[TaskView], today: date) -> Reply:
    """Several tasks long overdue at one instant: one list for the standing office or a leader."""
    lines = [texts.ESCALATION_LIST.format(count=len(views), today=texts.day(today)), ""]
    lines += render.sorted_lines(views)
    lines += ["", texts.ESCALATION_LIST_FOOTER]
    return Reply("\n".join(lines))
