"""``python -m bot run`` serves the web desk beside the channels when WEB_PORT is set, on the
same event loop, and stops it with the service on SIGTERM."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import httpx
import pytest

from tests.processes import environment, free_port, run_bot, start_bot

pytestmark = pytest.mark.sqlite_only  # its own SQLite file, in a child process


def test_run_serves_the_desk_when_web_port_is_set(tmp_path: Path) -> None:
    port = free_port()
    process = start_bot(tmp_path, "run", env=environment(tmp_path / "run.db", WEB_PORT=str(port)))
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
    done = run_bot(tmp_path, "run", env=environment(tmp_path / "run.db"))
    assert done.returncode == 1 and "TELEGRAM_BOT_TOKEN" in done.stderr
