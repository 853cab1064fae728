"""derive_state: a task's state replayed from its append-only history."""

from __future__ import annotations

from datetime import UTC, datetime

from domain.progress import Change, TaskState, derive_state
from domain.status import Status

T1 = datetime(2024, 3, 1, 8, tzinfo=UTC)
T2 = datetime(2024, 3, 2, 8, tzinfo=UTC)
T3 = datetime(2024, 3, 3, 8, tzinfo=UTC)
T4 = datetime(2024, 3, 4, 8, tzinfo=UTC)


def status(
    new: str, at: datetime, *, progress: int | None = None, milestone: int | None = None
) -> Change:
    return Change("status", milestone, new, progress, at)


def test_no_history_is_not_started() -> None:
    assert derive_state([]) == TaskState(Status.NOT_STARTED, None, frozenset(), None, None, ())


def test_the_latest_status_wins_and_keeps_the_last_progress_given() -> None:
    state = derive_state([status("dang_thuc_hien", T1, progress=30), status("gap_vuong_mac", T2)])
    assert state.status is Status.BLOCKED
    assert state.progress == 30  # a change without a figure keeps the last one
    assert state.updated_at == T2
    assert state.done_at is None


def test_done_means_100_percent_and_remembers_when() -> None:
    state = derive_state([status("dang_thuc_hien", T1, progress=40), status("hoan_thanh", T2)])
    assert (state.status, state.progress, state.done_at) == (Status.DONE, 100, T2)


def test_done_again_keeps_the_first_done_instant() -> None:
    state = derive_state([status("hoan_thanh", T1), status("hoan_thanh", T2)])
    assert state.done_at == T1


def test_reopening_forgets_done_at_and_back_to_not_started_clears_progress() -> None:
    reopened = derive_state([status("hoan_thanh", T1), status("dang_thuc_hien", T2)])
    assert (reopened.status, reopened.progress, reopened.done_at) == (
        Status.IN_PROGRESS,
        100,
        None,
    )
    reset = derive_state([status("dang_thuc_hien", T1, progress=50), status("chua_trien_khai", T2)])
    assert (reset.status, reset.progress) == (Status.NOT_STARTED, None)


def test_a_milestone_change_touches_only_that_milestone() -> None:
    state = derive_state(
        [
            status("hoan_thanh", T1, milestone=7),
            status("hoan_thanh", T2, milestone=9),
            status("hoan_thanh", T3, milestone=7),  # again: the first instant stays
            status("dang_thuc_hien", T4, milestone=9),  # reopened
        ]
    )
    assert state.status is Status.NOT_STARTED
    assert state.done_milestones == frozenset({7})
    assert state.milestone_done_at == ((7, T1),)
    assert state.updated_at == T4


def test_a_note_moves_updated_at_but_not_the_status() -> None:
    state = derive_state(
        [status("dang_thuc_hien", T1, progress=20), Change("note", None, None, None, T2)]
    )
    assert (state.status, state.progress, state.updated_at) == (Status.IN_PROGRESS, 20, T2)
