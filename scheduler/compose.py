"""What a reminder or a digest says. Pure: task snapshots in, Vietnamese text out."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from chat import render, texts
from chat.actions import status_actions
from chat.messages import Reply
from chat.views import TaskView
from domain.text import shorten
from scheduler.planner import Kind, Occasion

CONTENT_CHARS = 220


def _left(due: date, today: date) -> str:
    days = (due - today).days
    if days > 0:
        return texts.LEFT_DAYS.format(days=days)
    if days == 0:
        return texts.LEFT_TODAY
    return texts.LATE_DAYS.format(days=-days)


def reminder(view: TaskView, occasion: Occasion, today: date) -> Reply:
    """One reminder: the task's code, content shortened, milestone, date, days left or late,
    status buttons; replying to it updates the task."""
    due = occasion.due
    late = (today - due).days if due else 0
    heading = {
        Kind.DEADLINE: texts.REMIND_DEADLINE,
        Kind.OVERDUE: texts.REMIND_OVERDUE,
        Kind.ESCALATION: texts.REMIND_ESCALATION,
        Kind.COORDINATION: texts.REMIND_COORDINATION,
        Kind.CHECKIN: texts.REMIND_CHECKIN,
        Kind.SNOOZED: texts.REMIND_SNOOZED,
        Kind.REPEAT: texts.REMIND_REPEAT,
    }[occasion.kind].format(code=view.code, days=late)
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
    lines.append(texts.DETAIL_STATUS.format(
        icon=texts.STATUS_ICON[view.state.status],
        status=texts.STATUS[view.state.status],
        progress=texts.percent(view.state.progress),
    ))  # fmt: skip
    if occasion.kind in (Kind.ESCALATION, Kind.COORDINATION):
        lines.append(texts.REMIND_LEAD.format(names="; ".join(view.lead) or texts.NONE))
    if occasion.kind == Kind.ESCALATION:
        lines.append(texts.REMIND_DIRECTORS.format(names="; ".join(view.directors) or texts.NONE))
    if occasion.kind == Kind.COORDINATION:
        lines.append(texts.REMIND_COORDINATION_ASK)
        return Reply("\n".join(lines), task_id=view.facts.id)
    if occasion.kind == Kind.CHECKIN:
        lines.append(texts.REMIND_CHECKIN_ASK)
    lines += ["", texts.REMIND_FOOTER]
    return Reply("\n".join(lines), status_actions(view.code), task_id=view.facts.id)


def digest(name: str, today: date, views: Sequence[TaskView], plan_summary: str | None) -> Reply:
    """The weekly digest: overdue tasks and those due in the next 30 days (and, for the
    standing office, the plan's counts)."""
    overdue = [v for v in views if v.standing.overdue]
    upcoming = [v for v in views if v.standing.days is not None and 0 <= v.standing.days <= 30]
    lines = [texts.DIGEST_TITLE.format(name=name, today=texts.day(today))]
    if plan_summary:
        lines += ["", plan_summary]
    if overdue:
        lines += [
            "",
            texts.DIGEST_OVERDUE.format(count=len(overdue)),
            *render.sorted_lines(overdue),
        ]
    if upcoming:
        lines += [
            "",
            texts.DIGEST_UPCOMING.format(count=len(upcoming)),
            *render.sorted_lines(upcoming),
        ]
    if not overdue and not upcoming:
        lines += ["", texts.DIGEST_NOTHING]
    lines += ["", texts.DIGEST_FOOTER]
    return Reply("\n".join(lines))


def escalations(views: Sequence[TaskView], today: date) -> Reply:
    """Several tasks long overdue at one instant: one list for the standing office or a leader."""
    lines = [texts.ESCALATION_LIST.format(count=len(views), today=texts.day(today)), ""]
    lines += render.sorted_lines(views)
    lines += ["", texts.ESCALATION_LIST_FOOTER]
    return Reply("\n".join(lines))
