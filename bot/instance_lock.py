"""One service per SQLite file: an OS lock on ``<database file>.lock``, held for the process's life.

Two ``python -m bot run`` on one SQLite file would both send reminders, and the second, finding
the first one's rows in ``sending``, would take them for leftovers of a crash and send them
again. The second therefore refuses to start. The lock is ``flock``: the kernel frees it when its
holder exits, however it exits (SIGKILL included), so a row in ``sending`` found by the holder at
start was left by a process that is gone. (PostgreSQL has its own way: see scheduler/leader.py.)
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path


class InstanceLock:
    def __init__(self, database_file: Path) -> None:
        self.path = database_file.with_name(database_file.name + ".lock")
        self._fd: int | None = None

    def acquire(self) -> bool:
        """Take the lock (True), or find it held by another process (False). Never waits."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd
        return True

    def holder(self) -> str:
        """The holder's process id as it wrote it, or "?"."""
        try:
            return self.path.read_text(encoding="ascii").strip() or "?"
        except OSError:
            return "?"

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)
