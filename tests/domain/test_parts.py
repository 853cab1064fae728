"""domain.parts: a collective task's whole state from its parts and an explicit close (pure)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import NamedTuple

from domain.parts import CLOSE, INPUT, closing, inputs_sent, parts_of, task_state, whole_state
from domain.progress import CARRIED
from domain.status import Status

AGENCIES = ((1, "Sở Tư pháp"), (2, "Sở Nội vụ"), (3, "UBND huyện Nghi Lộc"))


class Line(NamedTuple):
    kind: str
    agency_id: int | None
    new_status: str | None
    milestone_id: int | None = None
    progress: int | None = None
    at: datetime = datetime(2024, 3, 1, tzinfo=UTC)
    completed_on: date | None = None
    confirmation: str | None = None
    note: str | None = None
    reference: str | None = None


DONE, STARTED, BLOCKED = Status.DONE.value, Status.IN_PROGRESS.value, Status.BLOCKED.value


def test_no_part_started_is_not_started_with_no_part_done() -> None:
    state = task_state([], AGENCIES)
    assert state.status == Status.NOT_STARTED and state.progress == 0


def test_one_part_done_is_a_task_under_way_with_its_share() -> None:
    state = task_state([Line("status", 1, DONE)], AGENCIES)
    assert state.status == Status.IN_PROGRESS and state.progress == 33
    parts = parts_of([Line("status", 1, DONE)], AGENCIES)
    assert [p.state.status for p in parts] == [Status.DONE, Status.NOT_STARTED, Status.NOT_STARTED]


def test_a_blocked_part_blocks_the_task() -> None:
    lines = [Line("status", 1, DONE), Line("status", 3, BLOCKED)]
    assert task_state(lines, AGENCIES).status == Status.BLOCKED


def test_every_part_done_is_done_on_the_latest_day() -> None:
    lines = [
        Line("status", a, DONE, completed_on=date(2024, 3, a), at=datetime(2024, 3, a, tzinfo=UTC))
        for a in (1, 2, 3)
    ]
    state = task_state(lines, AGENCIES)
    assert state.status == Status.DONE and state.progress == 100
    assert state.done_on == date(2024, 3, 3)


def test_a_close_makes_it_done_and_a_reopening_undoes_it() -> None:
    closed = [
        Line("status", 1, DONE),
        Line(CLOSE, None, DONE, note="đủ", completed_on=date(2024, 4, 1)),
    ]
    state = task_state(closed, AGENCIES)
    assert state.status == Status.DONE and state.done_on == date(2024, 4, 1)
    assert closing(closed) is not None and closing(closed).reason == "đủ"  # type: ignore[union-attr]
    reopened = [*closed, Line(CLOSE, None, STARTED)]
    assert task_state(reopened, AGENCIES).status == Status.IN_PROGRESS
    assert closing(reopened) is None


def test_task_level_lines_of_old_history_do_not_move_a_collective_task() -> None:
    """Before parts, the task's own lines; carried into the parts by the migration."""
    lines = [Line("status", None, DONE), *(Line(CARRIED, a, STARTED) for a in (1, 2))]
    state = task_state(lines, AGENCIES)
    assert state.status == Status.IN_PROGRESS and state.progress == 0


def test_a_batch_is_done_when_every_part_has_done_it() -> None:
    some = [Line("status", a, DONE, milestone_id=7) for a in (1, 2)]
    assert whole_state(parts_of(some, AGENCIES), some).done_milestones == frozenset()
    every = [*some, Line("status", 3, DONE, milestone_id=7)]
    assert whole_state(parts_of(every, AGENCIES), every).done_milestones == frozenset({7})


def test_inputs_sent_by_agency_with_the_latest_reference() -> None:
    lines = [Line(INPUT, 2, None, reference="CV 1"), Line(INPUT, 2, None, reference="CV 2")]
    sent = inputs_sent(lines)
    assert list(sent) == [2] and sent[2].reference == "CV 2"


def test_input_sent_again_without_a_document_keeps_the_document_given() -> None:
    later = datetime(2024, 3, 5, tzinfo=UTC)
    lines = [
        Line(INPUT, 2, None, reference="Công văn số 45/SKHĐT-TH"),
        Line(INPUT, 2, None, at=later),
    ]
    sent = inputs_sent(lines)
    assert sent[2] == (2, later, "Công văn số 45/SKHĐT-TH")


def test_without_parts_the_task_is_its_own_history() -> None:
    assert task_state([Line("status", None, DONE)], ()).status == Status.DONE
