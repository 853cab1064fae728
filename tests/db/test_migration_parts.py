"""Migration 0011 (parts of collective tasks) carries existing data: a collective task's status
becomes the status of every part, and its history stays. On SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import select, text
from sqlalchemy.engine import Connection

from db.migrate import HEAD, alembic_config, current_revision, upgrade
from db.models import Agency, Task
from db.session import Database
from tests.conftest import Chat


async def _downgrade(database: Database, revision: str) -> None:
    def run(connection: Connection) -> None:
        from alembic import command

        command.downgrade(alembic_config(connection), revision)

    async with database.write_engine.begin() as connection:
        await connection.run_sync(run)


async def test_a_collective_tasks_status_becomes_every_parts(chat: Chat, seeded: Database) -> None:
    async with seeded.transaction() as session:
        task_id = await session.scalar(select(Task.id).where(Task.code == "III.3"))
        departments = (
            await session.scalars(
                select(Agency.id).where(
                    Agency.kind == "agency", Agency.category.in_(("department", "district"))
                )
            )
        ).all()
    await _downgrade(seeded, "0010_acknowledgements")
    async with seeded.write_engine.begin() as connection:
        await connection.exec_driver_sql(
            "INSERT INTO status_changes (task_id, kind, channel, at, old_status, new_status,"
            f" progress, note) VALUES ({task_id}, 'status', 'telegram', '2024-02-10 02:00:00',"
            " 'chua_trien_khai', 'dang_thuc_hien', 40, 'đã giao các sở')"
        )
    await upgrade(seeded)
    assert await current_revision(seeded) == HEAD == "0011_parts"
    async with seeded.transaction() as session:
        rows = (
            await session.execute(
                text(
                    "SELECT kind, agency_id, new_status, progress, note FROM status_changes"
                    " WHERE task_id = :task ORDER BY id"
                ),
                {"task": task_id},
            )
        ).all()
    # The history is kept as it was; every part starts where the task stood.
    assert tuple(rows[0]) == ("status", None, "dang_thuc_hien", 40, "đã giao các sở")
    carried = rows[1:]
    assert sorted(r[1] for r in carried) == sorted(departments)
    assert {(r[0], r[2], r[3]) for r in carried} == {("carried", "dang_thuc_hien", 40)}

    # Through the engine: an officer's part reads in progress; so does the whole task, with no
    # part done; the history shows the one change, not the carried lines.
    lan = await chat.add_member("can-bo-snv", "Trần Thị Lan", agencies=("so-noi-vu",))
    mine = await chat.text(lan, "/nhiemvu III.3")
    assert "Phần việc của Sở Nội vụ: 🔵 Đang thực hiện (40%)" in mine
    assert f"Các cơ quan: 0/{len(departments)} cơ quan đã hoàn thành" in mine
    admin = await chat.add_member("admin", "Cán bộ Thường trực", admin=True)
    office = await chat.text(admin, "/nhiemvu III.3")
    assert "Tình trạng: 🔵 Đang thực hiện (0%)" in office
    assert f"Đang thực hiện, vướng mắc ({len(departments)}): " in office
    assert "Chưa báo cáo" not in office
    history = office.split("Thay đổi gần đây:")[1].strip().split("\n")
    assert len(history) == 1 and "Chưa triển khai → Đang thực hiện (40%)" in history[0]


async def test_a_task_never_started_gets_no_carried_lines(seeded: Database) -> None:
    await _downgrade(seeded, "0010_acknowledgements")
    await upgrade(seeded)
    async with seeded.transaction() as session:
        count = (await session.execute(text("SELECT count(*) FROM status_changes"))).scalar()
    assert count == 0
