"""Each task's last verdict kept with the very inputs it was judged from.

When the plan's fingerprint moves (``web.fingerprint``), the overview reads every task's
milestones and history again, but most tasks did not change. A task's verdict is a pure
function of its milestones, its replayed history (cut at the day asked about), the day and the
zone; this memo answers a task only when all of these equal, value for value, what its kept
verdict was judged from, so it can never answer with what the database no longer says: a
status change, a deleted change, a milestone's date edited in place or an extension each make
the task's inputs differ, and the task is judged anew."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from domain.classify import Verdict


class VerdictMemo:
    """Verdicts by task id for one context (the day and the zone), with their inputs."""

    def __init__(self, limit: int = 200_000) -> None:
        self._limit = limit  # more tasks than this: start over (a bound on memory)
        self._context: Hashable = None
        self._entries: dict[int, tuple[Any, Any, Verdict]] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def entries(self, context: Hashable) -> dict[int, tuple[Any, Any, Verdict]]:
        """The kept verdicts for ``context``: (milestones, changes, verdict) by task id; a new
        context, or too many tasks, starts afresh. The caller stores what it judges."""
        if context != self._context or len(self._entries) > self._limit:
            self._context = context
            self._entries = {}
        return self._entries
