"""The service's command line in a child process, as an operator runs it: the test's own
SQLite file, no channel tokens or settings from the machine that runs the tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

OWN_SETTINGS = ("TELEGRAM_", "ZALO_", "BOT_", "WEB_")


def environment(database: Path, **settings: str) -> dict[str, str]:
    """This process's environment without the service's settings, on ``database``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(OWN_SETTINGS)}
    env.update(DATABASE_URL=f"sqlite+aiosqlite:///{database}", **settings)
    return env


def run_bot(
    cwd: Path,
    *args: str,
    env: dict[str, str],
    stdin: str = "",
    timeout: float = 60,
    preexec_fn: Callable[[], None] | None = None,
) -> subprocess.CompletedProcess[str]:
    """``python -m bot <args>`` in ``cwd`` (no .env there: only what ``env`` sets)."""
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=timeout,
        check=False,
        preexec_fn=preexec_fn,
    )


def start_bot(cwd: Path, *args: str, env: dict[str, str]) -> subprocess.Popen[str]:
    """``python -m bot <args>`` left running (a service), its output in one text pipe."""
    return subprocess.Popen(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def free_port() -> int:
    """A TCP port nobody listens on now, for a server the test starts."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
