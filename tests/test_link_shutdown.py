"""A clean shutdown loses no message↔task link: the real service (`python -m bot run`) shows a
task and is stopped with SIGTERM at once, before or while its links are written in the
background; the link is in the database afterwards, and a reply to that message after a restart
updates that task."""

from __future__ import annotations

import signal
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import select

from db import records
from db.migrate import upgrade
from db.models import Member
from db.seed import apply_seed
from db.seed_file import load_seed_file
from db.session import Database
from fakes.bot_api import FakeBotApi
from tests.bot.test_telegram import TOKEN
from tests.conftest import SEED, local
from tests.test_crash import start, wait

pytestmark = pytest.mark.sqlite_only  # its own SQLite file, in a child process
VINH = 1001


async def prepare(tmp_path: Path) -> None:
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}")
    await upgrade(database)
    async with database.transaction(write=True) as session:
        await apply_seed(session, load_seed_file(SEED), now=local("2024-03-01 08:00"))
        vinh = await session.scalar(select(Member).where(Member.key == "le-hong-vinh"))
        assert vinh is not None
        await records.link_account(
            session, vinh, "telegram", str(VINH), now=local("2024-03-01 08:00")
        )
    await database.dispose()


async def test_links_noted_before_a_clean_shutdown_are_kept(tmp_path: Path) -> None:
    await prepare(tmp_path)
    log = tmp_path / "service.log"
    now = "2024-03-20T09:00:00+07:00"
    with FakeBotApi(token=TOKEN) as api:
        service = start(tmp_path, api, log, now)
        try:
            await wait(lambda: "service running" in log.read_text(), timeout=30)
            api.push_message(VINH, "/nhiemvu I.5")
            (detail,) = await api.wait_sent(VINH, 1, timeout=20)
        finally:
            service.send_signal(signal.SIGTERM)
            assert service.wait(timeout=20) == 0, log.read_text()
        with sqlite3.connect(tmp_path / "bot.db") as db:
            linked = db.execute(
                "SELECT t.code FROM sent_messages s JOIN tasks t ON t.id = s.task_id"
                " WHERE s.message_id = ?",
                (str(detail.message_id),),
            ).fetchall()
        assert linked == [("I.5",)]
        again = start(tmp_path, api, log, now)
        try:
            await wait(lambda: log.read_text().count("service running") == 2, timeout=30)
            api.push_message(VINH, "60%", reply_to=detail.message_id)
            answer = (await api.wait_sent(VINH, 2, timeout=20))[-1]
        finally:
            again.send_signal(signal.SIGTERM)
            assert again.wait(timeout=20) == 0, log.read_text()
    assert answer.text is not None
    assert answer.text.startswith("Đã cập nhật nhiệm vụ I.5: Chưa triển khai → Đang thực hiện")
