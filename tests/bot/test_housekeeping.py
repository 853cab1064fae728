"""Tables that only grow are pruned while the service runs: the real `python -m bot run`.

``join_attempts`` (wrong invite codes, kept for throttling, which looks back an hour) keeps a
day; older rows are deleted at start and every hour after.
"""

from __future__ import annotations

import asyncio
import signal
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from db.migrate import upgrade
from db.models import JoinAttempt
from db.seed import apply_seed
from db.seed_file import load_seed_file
from db.session import Database
from fakes.bot_api import FakeBotApi
from tests.bot.test_telegram import TOKEN
from tests.conftest import SEED, local
from tests.test_crash import start

pytestmark = pytest.mark.sqlite_only  # its own SQLite file, in a child process

NOW = local("2024-03-20 09:00")


async def count(database: Database) -> tuple[int, int]:
    """(rows older than a day, rows of the last day)."""
    async with database.transaction() as session:
        old = await session.scalar(
            select(func.count()).where(JoinAttempt.at < NOW - timedelta(days=1))
        )
        recent = await session.scalar(
            select(func.count()).where(JoinAttempt.at >= NOW - timedelta(days=1))
        )
    return old or 0, recent or 0


async def test_wrong_invite_code_records_older_than_a_day_are_pruned(tmp_path: Path) -> None:
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}")
    await upgrade(database)
    async with database.transaction(write=True) as session:
        await apply_seed(session, load_seed_file(SEED), now=local("2024-01-25 08:00"))
        session.add_all(
            JoinAttempt(channel="telegram", external_id=str(n), at=NOW - timedelta(days=n % 30 + 2))
            for n in range(300)
        )
        session.add_all(
            JoinAttempt(channel="telegram", external_id="guesser", at=NOW - timedelta(minutes=m))
            for m in (5, 30, 600)
        )
    assert await count(database) == (300, 3)
    log = tmp_path / "service.log"
    with FakeBotApi(token=TOKEN) as api:
        process = start(tmp_path, api, log, bot_now="2024-03-20T09:00:00+07:00")
        try:
            for _ in range(600):  # up to a minute
                if (await count(database))[0] == 0:
                    break
                await asyncio.sleep(0.1)
        finally:
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=20) == 0, log.read_text()
    assert await count(database) == (0, 3)  # the last day's are kept: throttling reads them
    await database.dispose()
