"""Shared fixtures: a real database per test, migrated and seeded with the 2024 plan.

SQLite by default: a file per test, copied from a template file built once per run. With
``TEST_DATABASE_URL=postgresql+asyncpg://…`` (a server where that user may create databases,
see scripts/postgres.sh), a PostgreSQL database per test, created from a template database built
once per run (``CREATE DATABASE … TEMPLATE …``). Tests of what only SQLite has (WAL, pragmas,
its backup API, killing a process that writes a file) are marked ``sqlite_only`` and skipped
there."""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from chat.messages import Inbound, Reply
from db import records
from db.migrate import upgrade
from db.models import Agency, Member
from db.seed import apply_seed
from db.seed_file import load_seed_file
from db.session import Database
from domain.clock import FrozenClock
from handlers.engine import Engine

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seed_tasks.json"
PLAN_TEXT = ROOT.parent / "shared" / "seed" / "ke-hoach-02-KH-BCD-2024.txt"
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "")
ON_POSTGRES = POSTGRES_URL.startswith("postgresql")
SQLITE_ONLY = "SQLite-specific (WAL, pragmas, its backup API or its file): the SQLite pass runs it"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", f"sqlite_only: {SQLITE_ONLY}")


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Drop this run's template databases."""
    if _pg_templates:
        import asyncio

        asyncio.run(
            postgres_admin(*(f"DROP DATABASE IF EXISTS {n} WITH (FORCE)" for n in _pg_templates))
        )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if ON_POSTGRES:
        for item in items:
            if item.get_closest_marker("sqlite_only"):
                item.add_marker(pytest.mark.skip(reason=SQLITE_ONLY))


def local(text: str) -> datetime:
    """'2024-03-20 09:00' in Vietnam time."""
    return datetime.fromisoformat(text).replace(tzinfo=ZONE)


async def _template(tmp_path_factory: pytest.TempPathFactory, seeded: bool) -> Path:
    """A migrated (and seeded) database file, built once per run and copied into each test."""
    path = tmp_path_factory.getbasetemp() / ("seeded.db" if seeded else "migrated.db")
    if not path.exists():
        db = Database(f"sqlite+aiosqlite:///{path}")
        await upgrade(db)
        if seeded:
            async with db.transaction(write=True) as session:
                await apply_seed(session, load_seed_file(SEED), now=local("2024-01-25 08:00"))
        await db.dispose()
    return path


async def _copy(template: Path, tmp_path: Path) -> AsyncIterator[Database]:
    target = tmp_path / "bot.db"
    shutil.copyfile(template, target)
    db = Database(f"sqlite+aiosqlite:///{target}")
    yield db
    await db.dispose()


def postgres_url(name: str) -> str:
    """The URL of database ``name`` on the test server."""
    return POSTGRES_URL.rsplit("/", 1)[0] + "/" + name


async def postgres_admin(*statements: str) -> None:
    """Run statements on the server's maintenance database, outside any transaction."""
    import asyncpg

    connection = await asyncpg.connect(POSTGRES_URL.replace("postgresql+asyncpg", "postgresql"))
    try:
        for statement in statements:
            await connection.execute(statement)
    finally:
        await connection.close()


_pg_templates: set[str] = set()
_pg_names = itertools.count()


async def _pg_template(seeded: bool) -> str:
    name = f"bcd_template_{'seeded' if seeded else 'migrated'}_{os.getpid()}"
    if name not in _pg_templates:
        await postgres_admin(
            f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", f"CREATE DATABASE {name}"
        )
        db = Database(postgres_url(name))
        await upgrade(db)
        if seeded:
            async with db.transaction(write=True) as session:
                await apply_seed(session, load_seed_file(SEED), now=local("2024-01-25 08:00"))
        await db.dispose()
        _pg_templates.add(name)
    return name


async def fresh_postgres(seeded: bool) -> AsyncIterator[Database]:
    """A new PostgreSQL database (migrated, and seeded if asked), dropped afterwards."""
    template = await _pg_template(seeded)
    name = f"bcd_test_{os.getpid()}_{next(_pg_names)}"
    await postgres_admin(
        f"DROP DATABASE IF EXISTS {name} WITH (FORCE)",
        f"CREATE DATABASE {name} TEMPLATE {template}",
    )
    db = Database(postgres_url(name))
    try:
        yield db
    finally:
        await db.dispose()
        await postgres_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
async def database(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Database]:
    if ON_POSTGRES:
        async for db in fresh_postgres(seeded=False):
            yield db
        return
    async for db in _copy(await _template(tmp_path_factory, seeded=False), tmp_path):
        yield db


@pytest.fixture
async def seeded(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Database]:
    if ON_POSTGRES:
        async for db in fresh_postgres(seeded=True):
            yield db
        return
    async for db in _copy(await _template(tmp_path_factory, seeded=True), tmp_path):
        yield db


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(local("2024-03-20 09:00"))


class Chat:
    """Talk to the engine as members, the way a channel would."""

    def __init__(self, database: Database, engine: Engine) -> None:
        self.database = database
        self.engine = engine

    async def link(self, member_key: str, account: str | None = None) -> str:
        account = account or f"tg-{member_key}"
        async with self.database.transaction(write=True) as session:
            member = await session.scalar(select(Member).where(Member.key == member_key))
            assert member is not None, member_key
            await records.link_account(
                session, member, "telegram", account, now=local("2024-01-26 08:00")
            )
        return account

    async def add_member(
        self, key: str, name: str, *, agencies: tuple[str, ...] = (), admin: bool = False
    ) -> str:
        async with self.database.transaction(write=True) as session:
            found = (await session.scalars(select(Agency).where(Agency.key.in_(agencies)))).all()
            assert len(found) == len(agencies)
            session.add(
                Member(
                    key=key,
                    full_name=name,
                    is_admin=admin,
                    created_at=local("2024-01-26 08:00"),
                    agencies=list(found),
                )
            )
        return await self.link(key)

    async def add_office_admin(self) -> str:
        """An admin of the standing office (Sở Nội vụ), linked: their account."""
        return await self.add_member(
            "can-bo-van-phong", "Cán bộ Văn phòng", agencies=("so-noi-vu",), admin=True
        )

    async def all_accepted(self, *steps: tuple[str, str]) -> None:
        """Send each ``(account, command)`` in turn; each must be accepted (answered "Đã …")."""
        for account, command in steps:
            assert (await self.text(account, command)).startswith("Đã"), command

    async def say(self, account: str, text: str, **extra: object) -> list[Reply]:
        return await self.engine.handle(
            Inbound(channel="telegram", chat_id=account, user_id=account, text=text, **extra)  # type: ignore[arg-type]
        )

    async def text(self, account: str, text: str) -> str:
        return "\n\n".join(r.text for r in await self.say(account, text))

    async def text_reply(self, account: str, text: str, message_id: str) -> str:
        """The answer to ``text`` sent as a reply to the bot's message ``message_id``."""
        return "\n\n".join(r.text for r in await self.say(account, text, reply_to=message_id))


@pytest.fixture
def chat(seeded: Database, clock: FrozenClock) -> Chat:
    return Chat(seeded, Engine(seeded, clock, ZONE))
