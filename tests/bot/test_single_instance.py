"""A second `python -m bot run` on the same SQLite file refuses to start.

Two real processes on one file and one (fake) Bot API. The first is sending 300 reminders when
the second starts: the second must not take the first one's rows in ``sending`` for leftovers of
a crash and send them again; it stops at once with a line that says why. Every reminder arrives
exactly once. Once the first is gone (SIGKILL included), a new one starts.
"""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

import pytest

from fakes.bot_api import FakeBotApi
from tests.bot.test_telegram import TOKEN
from tests.test_crash import MEMBERS, load_chats, prepare, start, wait

pytestmark = pytest.mark.sqlite_only  # one SQLite file, two processes


async def test_a_second_instance_on_one_sqlite_file_refuses_and_nothing_is_sent_twice(
    tmp_path: Path,
) -> None:
    await prepare(tmp_path, "I.10", MEMBERS)
    first_log, second_log = tmp_path / "first.log", tmp_path / "second.log"
    with FakeBotApi(token=TOKEN) as api:
        first = start(tmp_path, api, first_log)
        try:
            await wait(lambda: len(load_chats(api)) >= 50, timeout=60)  # in the middle of it
            second = start(tmp_path, api, second_log)
            try:
                await wait(lambda: second.poll() is not None, timeout=30)
            finally:
                if second.poll() is None:
                    second.kill()
            await wait(lambda: len(load_chats(api)) == MEMBERS, timeout=60)
            await asyncio.sleep(1.0)  # a second sender would show up now
            refusal = second_log.read_text().strip().splitlines()[-1]
            assert second.returncode == 1, second_log.read_text()
            assert "another instance" in refusal and str(first.pid) in refusal, refusal
            assert "bot.db" in refusal
        finally:
            first.send_signal(signal.SIGKILL)  # the lock goes with the process, however it ends
            first.wait(timeout=10)
        chats = load_chats(api)
        assert len(chats) == MEMBERS and max(chats.values()) == 1  # each reminder once
        third = start(tmp_path, api, tmp_path / "third.log")
        try:
            api.push_message(4242, "/trogiup")
            await api.wait_sent(4242, timeout=60)  # the file is free again: it runs
        finally:
            third.send_signal(signal.SIGTERM)
            assert third.wait(timeout=20) == 0, (tmp_path / "third.log").read_text()
    assert "resending" not in second_log.read_text()
