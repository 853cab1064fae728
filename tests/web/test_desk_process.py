"""``python -m bot run`` serves the web desk beside the channels when WEB_PORT is set, on the
same event loop, and stops it with the service on SIGTERM."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.sqlite_only  # its own SQLite file, in a child process


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_run_serves_the_desk_when_web_port_is_set(tmp_path: Path) -> None:
    port = _free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TELEGRAM_", "ZALO_", "BOT_", "WEB_"))
    }
    env.update(DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'run.db'}", WEB_PORT=str(port))
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                answer = httpx.get(f"http://127.0.0.1:{port}/", timeout=1)
                break
            except httpx.TransportError:
                assert process.poll() is None, process.communicate()[0]
                assert time.monotonic() < deadline, "the desk did not start"
                time.sleep(0.2)
        assert answer.status_code == 401 and "Cần đăng nhập" in answer.text
    finally:
        process.send_signal(signal.SIGTERM)
        output = process.communicate(timeout=30)[0]
    assert process.returncode == 0, output
    assert "service stopped" in output and "Traceback" not in output


def test_run_without_a_token_or_web_port_still_says_how_to_start(tmp_path: Path) -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TELEGRAM_", "ZALO_", "BOT_", "WEB_"))
    }
    env.update(DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'run.db'}")
    done = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1 and "TELEGRAM_BOT_TOKEN" in done.stderr
