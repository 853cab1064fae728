"""The choices offered with a task: two statuses set by /capnhat, "Hoàn thành" by /hoanthanh
(which asks for the day and the document), and asking for more time by /xingiahan."""

from __future__ import annotations

from chat.actions import request_extension_action, status_actions
from chat.messages import Action
from domain.status import Status
from handlers.parse import UpdateRequest, parse_code, parse_update


def test_three_choices_in_order() -> None:
    assert status_actions("IV.4b") == (
        Action("Đang thực hiện", "/capnhat IV.4b Đang thực hiện"),
        Action("Hoàn thành", "/hoanthanh IV.4b"),
        Action("Gặp vướng mắc", "/capnhat IV.4b Gặp vướng mắc"),
    )


def test_each_command_parses_back_to_its_task() -> None:
    in_progress, done, blocked = status_actions("I.5")
    assert parse_update(in_progress.command.removeprefix("/capnhat ")) == UpdateRequest(
        "I.5", Status.IN_PROGRESS
    )
    assert parse_update(blocked.command.removeprefix("/capnhat ")) == UpdateRequest(
        "I.5", Status.BLOCKED
    )
    assert parse_code(done.command.removeprefix("/hoanthanh ")) == "I.5"


def test_asking_for_more_time_names_the_batch_only_when_there_are_several() -> None:
    assert request_extension_action("I.8").command == "/xingiahan I.8"
    assert request_extension_action("I.8", 2).command == "/xingiahan I.8 đợt 2"
