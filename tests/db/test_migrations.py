"""Migrations: they build the schema the models describe, on SQLite in WAL mode."""

from __future__ import annotations

import re

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Connection

from bot.settings import DEFAULT_DATABASE_URL
from db import migrate
from db.migrate import alembic_config, current_revision, upgrade
from db.models import Base
from db.session import Database
from tests.conftest import ROOT

HEAD = ScriptDirectory.from_config(alembic_config()).get_current_head()


def test_the_head_the_service_checks_at_start_is_alembics() -> None:
    assert migrate.HEAD == HEAD


async def test_a_database_at_the_head_starts_without_alembic(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("Alembic ran on a database already at the head")

    monkeypatch.setattr("alembic.command.upgrade", refuse)
    assert await current_revision(database) == HEAD
    await upgrade(database)  # nothing to do, and Alembic is not asked


async def test_a_new_database_has_no_revision(tmp_path) -> None:  # type: ignore[no-untyped-def]
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'new.db'}")
    try:
        assert await current_revision(database) is None
        await upgrade(database)
        assert await current_revision(database) == HEAD
    finally:
        await database.dispose()


async def test_migrations_match_the_models(database: Database) -> None:
    def diff(connection: Connection) -> list[object]:
        return list(compare_metadata(MigrationContext.configure(connection), Base.metadata))

    async with database.engine.connect() as connection:
        assert await connection.run_sync(diff) == []


@pytest.mark.sqlite_only
async def test_upgrade_is_idempotent_and_the_database_is_in_wal_mode(database: Database) -> None:
    await upgrade(database)
    async with database.transaction() as session:
        assert (await session.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
        assert (await session.execute(text("PRAGMA foreign_keys"))).scalar() == 1
        assert (await session.execute(text("PRAGMA busy_timeout"))).scalar() == 10_000
        assert (
            await session.execute(text("SELECT version_num FROM alembic_version"))
        ).scalar() == HEAD


@pytest.mark.sqlite_only
async def test_a_database_from_the_first_revision_upgrades_without_loss(tmp_path) -> None:  # type: ignore[no-untyped-def]
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'old.db'}")
    await upgrade(db, "0001")
    statements = [
        "INSERT INTO plans (id, year, code, title) VALUES (1, 2024, '02/KH-BCĐ', 'Kế hoạch')",
        "INSERT INTO sections (id, plan_id, code, title, position) VALUES (1, 1, 'I', 'Mục I', 1)",
        "INSERT INTO tasks (id, plan_id, section_id, code, number, position, content, schedule)"
        " VALUES (1, 1, 1, 'I.1', '1', 1, 'Ban hành Kế hoạch', 'dated')",
        "INSERT INTO milestones (id, task_id, position, due_on) VALUES (1, 1, 1, '2024-01-31')",
        "INSERT INTO members (id, key, full_name, positions, is_admin, active, created_at)"
        " VALUES (1, 'a', 'Nguyễn Văn A', '[]', 0, 1, '2024-01-02 01:00:00')",
        "INSERT INTO status_changes (task_id, member_id, kind, channel, at, old_status, new_status,"
        " progress) VALUES (1, 1, 'status', 'telegram', '2024-01-10 02:00:00', 'chua_trien_khai',"
        " 'dang_thuc_hien', 40)",
        "INSERT INTO reminders (task_id, milestone_id, milestone_key, member_id, kind, planned_at,"
        " state, attempts, updated_at) VALUES (1, 1, 1, 1, 'deadline', '2024-01-24 01:00:00',"
        " 'sent', 1, '2024-01-24 01:00:01')",
    ]
    await upgrade_after(db, statements)
    async with db.transaction() as session:
        version = (await session.execute(text("SELECT version_num FROM alembic_version"))).scalar()
        reminder = (
            await session.execute(text("SELECT task_key, milestone_key, state FROM reminders"))
        ).one()
        change = (
            await session.execute(text("SELECT new_status, progress FROM status_changes"))
        ).one()
        member = (
            await session.execute(text("SELECT full_name, digest_muted, paused_until FROM members"))
        ).one()
    await db.dispose()
    assert version == HEAD
    assert tuple(reminder) == (1, 1, "sent")  # the ledger key now covers task_key
    assert tuple(change) == ("dang_thuc_hien", 40)
    assert tuple(member) == ("Nguyễn Văn A", 0, None)


def test_the_alembic_command_line_defaults_to_the_services_database() -> None:
    """db/ sits below bot/, so the migrations' environment repeats the settings' default URL
    (used by `alembic` when neither sqlalchemy.url nor DATABASE_URL is set): they must agree."""
    env = (ROOT / "db" / "migrations" / "env.py").read_text(encoding="utf-8")
    (default,) = re.findall(r'^DEFAULT_URL = "([^"]+)"', env, re.M)
    assert default == DEFAULT_DATABASE_URL


async def upgrade_after(database: Database, statements: list[str]) -> None:
    """Write rows as an older revision had them (raw SQL: the models are the head's), then
    upgrade to the head."""
    async with database.write_engine.begin() as connection:
        for statement in statements:
            await connection.exec_driver_sql(statement)
    await upgrade(database)


async def _downgrade(database: Database, revision: str) -> None:
    def run(connection: Connection) -> None:
        from alembic import command

        command.downgrade(alembic_config(connection), revision)

    async with database.write_engine.begin() as connection:
        await connection.run_sync(run)


async def test_0008_carries_completions_their_report_day_and_document(database: Database) -> None:
    """A completion recorded before 0008 keeps the day it was reported (in Vietnam time: 20:00
    UTC on 30/01 is 31/01 there) as the day it was done; its typed result becomes its document;
    other changes get no day. Runs on SQLite and PostgreSQL."""
    await _downgrade(database, "0007_web_links")
    statements = [
        "INSERT INTO plans (id, year, code, title) VALUES (1, 2024, '02/KH-BCĐ', 'Kế hoạch')",
        "INSERT INTO sections (id, plan_id, code, title, position) VALUES (1, 1, 'I', 'Mục I', 1)",
        "INSERT INTO tasks (id, plan_id, section_id, code, number, position, content, schedule)"
        " VALUES (1, 1, 1, 'I.1', '1', 1, 'Ban hành Kế hoạch', 'dated')",
        "INSERT INTO status_changes (id, task_id, kind, channel, at, old_status, new_status,"
        " progress) VALUES (1, 1, 'status', 'telegram', '2024-01-10 02:00:00',"
        " 'chua_trien_khai', 'dang_thuc_hien', 40)",
        "INSERT INTO status_changes (id, task_id, kind, channel, at, old_status, new_status,"
        " progress, reference) VALUES (2, 1, 'status', 'telegram', '2024-01-30 20:00:00',"
        " 'dang_thuc_hien', 'hoan_thanh', 100, 'Kế hoạch số 02/KH-BCĐ')",
    ]
    await upgrade_after(database, statements)
    async with database.transaction() as session:
        rows = (
            await session.execute(
                text(
                    "SELECT id, completed_on, evidence, confirmation FROM status_changes"
                    " ORDER BY id"
                )
            )
        ).all()
        files = (await session.execute(text("SELECT count(*) FROM evidence_files"))).scalar()
    assert [(r[0], str(r[1]) if r[1] else None, r[2], r[3]) for r in rows] == [
        (1, None, None, None),
        (2, "2024-01-31", "Kế hoạch số 02/KH-BCĐ", None),
    ]
    assert files == 0
    assert await current_revision(database) == HEAD
