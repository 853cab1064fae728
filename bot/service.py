"""Wiring: settings -> database (migrated) -> clock -> engine. Shared by every command."""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from bot.clock import SystemClock
from bot.settings import Settings
from db.migrate import upgrade
from db.models import Plan
from db.seed import apply_seed
from db.seed_file import load_seed_file
from db.session import Database
from handlers.engine import Engine

DEFAULT_SEED = Path(__file__).resolve().parent.parent / "seed_tasks.json"
log = logging.getLogger(__name__)


@dataclass
class Service:
    settings: Settings
    database: Database
    clock: SystemClock
    engine: Engine

    async def close(self) -> None:
        await self.database.dispose()


async def open_service(settings: Settings, *, seed_if_empty: bool = False) -> Service:
    """Migrate the database; with ``seed_if_empty``, load the bundled plan into an empty one."""
    database = Database(settings.database_url)
    await upgrade(database)
    clock = SystemClock(settings.bot_now)
    if seed_if_empty:
        async with database.transaction(write=True) as session:
            if not await session.scalar(select(func.count()).select_from(Plan)):
                report = await apply_seed(session, load_seed_file(DEFAULT_SEED), now=clock.now())
                print(
                    f"Database was empty: loaded {DEFAULT_SEED.name} "
                    f"({report.created['task']} tasks).",
                    file=sys.stderr,
                )
    engine = Engine(database, clock, settings.zone, confirm_completion=settings.confirm_completion)
    return Service(settings, database, clock, engine)
