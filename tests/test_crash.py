"""SIGKILL in the middle of a reminder fan-out: the real service process (`python -m bot run`)
against the local Bot API server, killed, restarted. Every reminder arrives; repeats are bounded
by what was sent but not yet recorded; the database is intact."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from db.migrate import upgrade
from db.seed import apply_seed
from db.seed_file import load_seed_file
from db.session import Database
from fakes.bot_api import FakeBotApi
from fakes.builders import add_directing_group
from scheduler.sending import MAX_IN_FLIGHT, RECORD_EVERY
from tests.bot.test_telegram import TOKEN
from tests.conftest import ROOT, SEED, local

MEMBERS = 300
FIRST_CHAT = 70_000

pytestmark = pytest.mark.sqlite_only  # its own SQLite file, in a child process


def start(
    tmp_path: Path, api: FakeBotApi, log: Path, bot_now: str = "2024-09-27T07:59:59+07:00"
) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "ZALO_", "BOT_"))}
    env.update(
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE=api.base_url,
        BOT_NOW=bot_now,
        SEND_RATE="60",
        PYTHONPATH=str(ROOT),
    )
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "run"], cwd=tmp_path, env=env,
        stdout=log.open("ab"), stderr=subprocess.STDOUT,
    )  # fmt: skip


def load_chats(api: FakeBotApi) -> Counter[int]:
    return Counter(
        c.params["chat_id"]
        for c in api.calls_of("sendMessage")
        if c.status == 200 and int(c.params["chat_id"]) >= FIRST_CHAT
    )


async def prepare(tmp_path: Path, task_code: str, members: int) -> None:
    """A seeded database with ``members`` linked officers directing ``task_code``."""
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}")
    await upgrade(database)
    async with database.transaction(write=True) as session:
        await apply_seed(session, load_seed_file(SEED), now=local("2024-09-01 08:00"))
        await add_directing_group(
            session, task_code, members, local("2024-09-01 08:00"), FIRST_CHAT
        )
    await database.dispose()


async def wait(condition, timeout: float) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)


async def test_sigkill_during_a_fan_out_loses_nothing(tmp_path: Path) -> None:
    await prepare(tmp_path, "I.10", MEMBERS)
    log = tmp_path / "service.log"
    with FakeBotApi(token=TOKEN) as api:
        first = start(tmp_path, api, log)
        try:
            await wait(lambda: len(load_chats(api)) >= 100, timeout=60)
        finally:
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=10)
        sent_before_kill = sum(load_chats(api).values())
        assert sent_before_kill < MEMBERS  # killed in the middle
        second = start(tmp_path, api, log)
        try:
            await wait(lambda: len(load_chats(api)) == MEMBERS, timeout=60)
            await asyncio.sleep(1.0)  # anything more would show up now
        finally:
            second.send_signal(signal.SIGTERM)
            assert second.wait(timeout=20) == 0, log.read_text()
    chats = load_chats(api)
    repeats = sum(n - 1 for n in chats.values())
    assert len(chats) == MEMBERS  # every reminder delivered
    assert repeats <= RECORD_EVERY + MAX_IN_FLIGHT, repeats  # only unrecorded or in-flight ones
    # Those resent at the restart read as those sent before the kill: date line included.
    reminders = Counter(s.text for s in list(api.sent) if int(s.chat_id) >= FIRST_CHAT)
    assert len(reminders) == 1, reminders
    assert "Hạn 30/09/2024 · còn 3 ngày" in str(next(iter(reminders)))
    assert TOKEN not in log.read_text()
    with sqlite3.connect(tmp_path / "bot.db") as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        states = dict(
            db.execute(
                "SELECT state, count(*) FROM reminders WHERE kind = 'deadline' GROUP BY state"
            ).fetchall()
        )
    assert states.get("sent", 0) >= MEMBERS and "sending" not in states


async def test_sigkill_during_a_burst_of_updates_keeps_every_acknowledged_one(
    tmp_path: Path,
) -> None:
    members = 20
    await prepare(tmp_path, "I.5", members)
    log = tmp_path / "service.log"
    with FakeBotApi(token=TOKEN) as api:
        for round_ in range(10):
            for n in range(members):
                # All direct I.5: each update differs from the one before it (1-90%, never 99).
                percent = (round_ * members + n) % 90 + 1
                api.push_message(FIRST_CHAT + n, f"/capnhat I.5 đang thực hiện {percent}%")
        first = start(tmp_path, api, log)

        def acknowledged() -> Counter[int]:
            return Counter(
                s.chat_id
                for s in list(api.sent)
                if (s.text or "").startswith("Đã cập nhật nhiệm vụ I.5")
            )

        try:
            await wait(lambda: sum(acknowledged().values()) >= 50, timeout=60)
        finally:
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=10)
        before_restart = acknowledged()
        assert sum(before_restart.values()) < members * 10  # killed in the middle of the burst
        with sqlite3.connect(tmp_path / "bot.db") as db:
            assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            rows = dict(db.execute(
                "SELECT m.key, count(*) FROM status_changes c JOIN members m ON m.id = c.member_id GROUP BY m.key"
            ).fetchall())  # fmt: skip
        for chat, count in before_restart.items():  # every acknowledged update is stored
            assert rows.get(f"load{chat}", 0) >= count, chat
        # Restarted, the service answers again. (Updates it had fetched and confirmed but not
        # processed when killed are gone: Telegram does not resend them; see README.)
        second = start(tmp_path, api, log)
        try:
            api.push_message(FIRST_CHAT, "/capnhat I.5 đang thực hiện 99%")
            await wait(lambda: any("(99%)" in (s.text or "") for s in list(api.sent)), timeout=60)
        finally:
            second.send_signal(signal.SIGTERM)
            assert second.wait(timeout=20) == 0, log.read_text()
    with sqlite3.connect(tmp_path / "bot.db") as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert (
            db.execute("SELECT count(*) FROM status_changes WHERE progress = 99").fetchone()[0] == 1
        )
