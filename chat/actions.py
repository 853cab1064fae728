"""The status choices offered with a task (the detail, a reminder): taking one sends the
/capnhat command that sets that status."""

from __future__ import annotations

from chat import texts
from chat.messages import Action
from domain.status import Status


def status_actions(code: str) -> tuple[Action, ...]:
    return (
        Action(texts.ACTION_IN_PROGRESS, f"/capnhat {code} {texts.STATUS[Status.IN_PROGRESS]}"),
        Action(texts.ACTION_DONE, f"/capnhat {code} {texts.STATUS[Status.DONE]}"),
        Action(texts.ACTION_BLOCKED, f"/capnhat {code} {texts.STATUS[Status.BLOCKED]}"),
    )
