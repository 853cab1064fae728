"""The choices offered with a task (the detail, a reminder): a status (taking one sends the
/capnhat command that sets it; "Hoàn thành" sends /hoanthanh, which asks for the day it was done
and the document), and asking for more time (/xingiahan)."""

from __future__ import annotations

from chat import texts
from chat.messages import Action
from domain.status import Status


def request_extension_action(code: str, batch: int | None = None) -> Action:
    """ "Xin gia hạn": the bot then asks for the date and the reason (/xingiahan)."""
    batch_words = f" đợt {batch}" if batch is not None else ""
    return Action(texts.ACTION_REQUEST_EXTENSION, f"/xingiahan {code}{batch_words}")


def status_actions(code: str) -> tuple[Action, ...]:
    return (
        Action(texts.ACTION_IN_PROGRESS, f"/capnhat {code} {texts.STATUS[Status.IN_PROGRESS]}"),
        Action(texts.ACTION_DONE, f"/hoanthanh {code}"),
        Action(texts.ACTION_BLOCKED, f"/capnhat {code} {texts.STATUS[Status.BLOCKED]}"),
    )


def receipt_actions(target: str, *, snooze: bool) -> tuple[Action, ...]:
    """ "Đã nhận" (and, for a reminder about a task, the "Nhắc lại" choices) for the message
    carrying ``target`` ("r<ledger row>" or "a<announcement>"): short data, under 64 bytes."""
    actions = [Action(texts.ACTION_ACK, f"/danhan {target}")]
    if snooze:
        actions += [
            Action(label, f"/nhaclai {target} {choice}")
            for choice, label in texts.ACTION_SNOOZE.items()
        ]
    return tuple(actions)


RECEIPT_COMMANDS = ("/danhan ", "/nhaclai ")


def is_receipt_command(command: str) -> bool:
    """Whether a choice is one of the answers above (taken off a message once answered)."""
    return command.startswith(RECEIPT_COMMANDS)
