"""Wiring: settings -> database (migrated) -> clock -> engine. Shared by every command."""

from __future__ import annotations

import contextlib
import logging
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from bot.settings import Settings
from bot.startup import StartupError, one_line
from db.migrate import upgrade
from db.models import Plan
from db.session import Database
from domain.clock import SystemClock
from handlers.engine import Engine

if TYPE_CHECKING:  # the web desk's modules are loaded when it is served (WEB_PORT)
    from web.app import Desk

DEFAULT_SEED = Path(__file__).resolve().parent.parent / "seed_tasks.json"
log = logging.getLogger(__name__)


@dataclass
class Service:
    settings: Settings
    database: Database
    clock: SystemClock
    engine: Engine

    async def close(self) -> None:
        await self.engine.close()  # what is still in memory goes to the database first
        await self.database.dispose()


async def open_service(settings: Settings, *, seed_if_empty: bool = False) -> Service:
    """Migrate the database; with ``seed_if_empty``, load the bundled plan into an empty one.
    A database that cannot be opened (unreachable server, wrong password, unwritable file)
    raises StartupError naming DATABASE_URL."""
    database = Database(settings.database_url)
    try:
        await upgrade(database)
    except Exception as exc:  # whatever the driver raises: one line, not a traceback
        with contextlib.suppress(Exception):
            await database.dispose()
        reason = one_line(exc)
        raise StartupError(f"cannot open the database ({reason}): check DATABASE_URL") from exc
    clock = SystemClock(settings.bot_now)
    if seed_if_empty:
        async with database.transaction(write=True) as session:
            if not await session.scalar(select(func.count()).select_from(Plan)):
                from db.seed import apply_seed  # an empty database only: loaded when needed
                from db.seed_file import load_seed_file

                report = await apply_seed(session, load_seed_file(DEFAULT_SEED), now=clock.now())
                print(
                    f"Database was empty: loaded {DEFAULT_SEED.name} "
                    f"({report.created['task']} tasks).",
                    file=sys.stderr,
                )
    engine = Engine(database, clock, settings.zone, confirm_completion=settings.confirm_completion)
    engine.web_base_url = settings.web_url  # for /web's sign-in links
    return Service(settings, database, clock, engine)


def web_desk(service: Service) -> Desk:
    """The web desk on the service's database and clock."""
    from web.app import Desk

    return Desk(service.database, service.clock, service.settings.zone, service.settings.web_url)
