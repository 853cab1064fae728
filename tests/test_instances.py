"""Two instances of the service on one PostgreSQL database: every reminder is sent once.

Two real ``python -m bot run`` processes share the database and the (fake) Bot API; 200 members
are owed the I.10 reminder of 27/09/2024 08:00. Only the holder of the advisory lock sends; when
it is stopped, the other takes over for the next run. Each (chat, text) arrives exactly once.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from db.session import Database
from fakes.bot_api import FakeBotApi
from fakes.builders import add_directing_group
from tests.bot.test_telegram import TOKEN
from tests.conftest import ON_POSTGRES, ROOT, local

MEMBERS = 200
FIRST_CHAT = 80_000

pytestmark = pytest.mark.skipif(
    not ON_POSTGRES, reason="several instances need PostgreSQL (TEST_DATABASE_URL)"
)


def start(url: str, api: FakeBotApi, log: Path, now: str) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "ZALO_", "BOT_"))}
    env.update(
        DATABASE_URL=url,
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE=api.base_url,
        BOT_NOW=now,
        SEND_RATE="100",
        PYTHONPATH=str(ROOT),
    )
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "run"], cwd=log.parent, env=env,
        stdout=log.open("ab"), stderr=subprocess.STDOUT,
    )  # fmt: skip


def deliveries(api: FakeBotApi) -> Counter[tuple[int, str]]:
    return Counter(
        (int(c.params["chat_id"]), str(c.params["text"]))
        for c in api.calls_of("sendMessage")
        if c.status == 200 and int(c.params["chat_id"]) >= FIRST_CHAT
    )


async def wait(condition, timeout: float) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)


def stop(process: subprocess.Popen[bytes], log: Path) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 0, log.read_text()[-3000:]


async def test_two_instances_send_each_reminder_once(seeded: Database, tmp_path: Path) -> None:
    async with seeded.transaction(write=True) as session:
        await add_directing_group(session, "I.10", MEMBERS, local("2024-09-01 08:00"), FIRST_CHAT)
    await seeded.dispose()
    logs = [tmp_path / "a.log", tmp_path / "b.log"]
    with FakeBotApi(token=TOKEN) as api:
        # Both start just before 08:00 on 27/09 (3 days before I.10 is due): both are up when
        # the reminders fall due, and both plan them.
        first = start(seeded.url, api, logs[0], "2024-09-27T07:59:57+07:00")
        second = start(seeded.url, api, logs[1], "2024-09-27T07:59:57+07:00")
        try:
            await wait(lambda: len(deliveries(api)) >= MEMBERS, timeout=90)
            await asyncio.sleep(3.0)  # a second sender would show up now
        finally:
            stop(first, logs[0])
            stop(second, logs[1])
    sent = deliveries(api)
    assert len({chat for chat, _ in sent}) == MEMBERS  # everyone reminded
    assert max(sent.values()) == 1, [k for k, n in sent.items() if n > 1][:5]  # once each
    senders = [log for log in logs if "this instance sends the reminders" in log.read_text()]
    assert len(senders) >= 1
