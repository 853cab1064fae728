"""One clock for the whole service. Logic takes ``now`` from here, never from ``datetime.now``."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, time-zone aware (UTC)."""
        ...


@dataclass
class SystemClock:
    """Wall time, optionally shifted: started at ``start`` (BOT_NOW), time then flows on."""

    start: datetime | None = None
    _origin: float = field(default_factory=time.monotonic)

    def now(self) -> datetime:
        if self.start is None:
            return datetime.now(UTC)
        return self.start.astimezone(UTC) + timedelta(seconds=time.monotonic() - self._origin)


@dataclass
class FrozenClock:
    """A clock that moves only when told to: for tests."""

    instant: datetime

    def now(self) -> datetime:
        return self.instant.astimezone(UTC)

    def advance(self, delta: timedelta) -> None:
        self.instant = self.instant + delta
