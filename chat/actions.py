"""The status choices offered with a task (the detail, a reminder): taking one sends the
/capnhat command that sets that status; "Hoàn thành" sends /hoanthanh, which asks for the day it
was done and the document."""

from __future__ import annotations

from chat import texts
from chat.messages import Action
from domain.status import Status


def status_actions(code: str) -> tuple[Action, ...]:
    return (
        Action(texts.ACTION_IN_PROGRESS, f"/capnhat {code} {texts.STATUS[Status.IN_PROGRESS]}"),
        Action(texts.ACTION_DONE, f"/hoanthanh {code}"),
        Action(texts.ACTION_BLOCKED, f"/capnhat {code} {texts.STATUS[Status.BLOCKED]}"),
    )
