"""The status choices offered with a task: each sends the /capnhat command for that status."""

from __future__ import annotations

from chat.actions import status_actions
from chat.messages import Action
from domain.status import Status
from handlers.parse import UpdateRequest, parse_update


def test_three_choices_in_order_each_a_capnhat_command() -> None:
    assert status_actions("IV.4b") == (
        Action("Đang thực hiện", "/capnhat IV.4b Đang thực hiện"),
        Action("Hoàn thành", "/capnhat IV.4b Hoàn thành"),
        Action("Gặp vướng mắc", "/capnhat IV.4b Gặp vướng mắc"),
    )


def test_each_command_parses_back_to_its_task_and_status() -> None:
    parsed = [parse_update(a.command.removeprefix("/capnhat ")) for a in status_actions("I.5")]
    assert parsed == [
        UpdateRequest("I.5", Status.IN_PROGRESS),
        UpdateRequest("I.5", Status.DONE),
        UpdateRequest("I.5", Status.BLOCKED),
    ]
