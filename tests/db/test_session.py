"""Concurrent writers: read-then-write transactions from two processes' worth of connections
(the service and the command line, say) neither fail with "database is locked" nor lose an
update: writes start with BEGIN IMMEDIATE and wait (busy timeout) for the lock."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import text

from db.session import Database


async def test_read_then_write_transactions_never_fail_or_lose_updates(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'shared.db'}"
    first, second = Database(url), Database(url)  # separate engines, as separate processes
    try:
        async with first.transaction(write=True) as session:
            await session.execute(text("CREATE TABLE counter (n INTEGER NOT NULL)"))
            await session.execute(text("INSERT INTO counter VALUES (0)"))

        async def bump(database: Database) -> None:
            async with database.transaction(write=True) as session:
                n = await session.scalar(text("SELECT n FROM counter"))
                await asyncio.sleep(0.002)  # other work between the read and the write
                await session.execute(text("UPDATE counter SET n = :n"), {"n": n + 1})

        await asyncio.gather(*(bump(first if i % 2 else second) for i in range(60)))
        async with first.transaction() as session:
            assert await session.scalar(text("SELECT n FROM counter")) == 60
    finally:
        await first.dispose()
        await second.dispose()
