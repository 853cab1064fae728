"""Loading the plan: idempotent, all-or-nothing, and never erasing status history."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Milestone, Plan, StatusChange, Task
from db.seed import apply_seed
from db.seed_file import SeedError, load_seed_file
from db.session import Database
from tests.conftest import SEED, local

TABLES = ("plans", "sections", "tasks", "milestones", "members", "member_groups", "agencies",
          "groups", "assignments", "status_changes")  # fmt: skip


async def dump(database: Database) -> dict[str, list[Any]]:
    async with database.transaction() as session:
        return {
            table: [tuple(row) for row in (await session.execute(text(f"SELECT * FROM {table}")))]
            for table in TABLES
        }


async def seed(database: Database, path: Path = SEED) -> Any:
    async with database.transaction(write=True) as session:
        return await apply_seed(session, load_seed_file(path), now=local("2024-02-01 08:00"))


async def test_first_seed_loads_the_whole_plan(database: Database) -> None:
    report = await seed(database)
    assert report.created["task"] == 42 and report.created["member"] == 11
    async with database.transaction() as session:
        assert await session.scalar(select(func.count()).select_from(Task)) == 42
        # 38 dated tasks, three of them (I.2, I.8, I.11) due twice
        assert await session.scalar(select(func.count()).select_from(Milestone)) == 41
        plan = await session.scalar(select(Plan))
        assert plan is not None and (plan.year, plan.code) == (2024, "02/KH-BCĐ")


async def test_second_seed_changes_nothing(database: Database) -> None:
    await seed(database)
    before = await dump(database)
    report = await seed(database)
    assert not report.changed
    assert await dump(database) == before


async def test_reseeding_keeps_status_history(seeded: Database) -> None:
    async with seeded.transaction(write=True) as session:
        task = await session.scalar(select(Task).where(Task.code == "I.5"))
        assert task is not None
        session.add(
            StatusChange(task_id=task.id, kind="status", channel="console", at=local("2024-03-01 10:00"),
                         old_status="chua_trien_khai", new_status="dang_thuc_hien", progress=40)
        )  # fmt: skip
    await seed(seeded)
    async with seeded.transaction() as session:
        changes = (await session.scalars(select(StatusChange))).all()
        assert [(c.new_status, c.progress) for c in changes] == [("dang_thuc_hien", 40)]


async def test_an_edited_file_updates_in_place(seeded: Database, tmp_path: Path) -> None:
    data = json.loads(SEED.read_text(encoding="utf-8"))
    task = next(t for t in data["tasks"] if t["code"] == "I.5")
    task["deadline_text"] = "Tháng 4/2024"
    task["milestones"] = [{"label": None, "due": "2024-04-30"}]
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    report = await seed(seeded, edited)
    assert dict(report.updated) == {"task": 1} and not report.created
    async with seeded.transaction() as session:
        milestone = await session.scalar(select(Milestone).join(Task).where(Task.code == "I.5"))
        assert milestone is not None and milestone.due_on.isoformat() == "2024-04-30"


def broken(tmp_path: Path, change: Any) -> Path:
    data = json.loads(SEED.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["tasks"][40]["lead_agencies"].append("so-khong-co"),
         "task IV.8: unknown agency 'so-khong-co'"),
        (lambda d: d["tasks"][4]["milestones"][0].update(due="2024-02-30"),
         "task I.5, milestones.0.due"),
        (lambda d: d["tasks"][10].update(code="I.5", number="5"), "duplicate task I.5"),
        (lambda d: d["tasks"][2]["directors"].append({"member": "ai-do"}),
         "task I.3: unknown member 'ai-do'"),
        (lambda d: d["tasks"][3].update(schedule="none"), "task I.4"),
    ],
)  # fmt: skip
async def test_a_bad_file_names_the_entry_and_writes_nothing(
    seeded: Database, tmp_path: Path, change: Any, message: str
) -> None:
    before = await dump(seeded)
    with pytest.raises(SeedError, match=message.replace(".", r"\.")):
        await seed(seeded, broken(tmp_path, change))
    assert await dump(seeded) == before


def test_not_json_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(SeedError, match="not valid JSON"):
        load_seed_file(path)
    with pytest.raises(SeedError, match="no such file"):
        load_seed_file(tmp_path / "missing.json")


async def test_a_failure_midway_rolls_everything_back(database: Database) -> None:
    """All-or-nothing even when the database itself refuses something late in the load."""

    class Boom(Exception):
        pass

    with pytest.raises(Boom):
        async with database.transaction(write=True) as session:
            await apply_seed(session, load_seed_file(SEED), now=local("2024-02-01 08:00"))
            raise Boom
    async with database.transaction() as session:
        assert await count(session, Task) == 0


async def count(session: AsyncSession, model: Any) -> int:
    return int(await session.scalar(select(func.count()).select_from(model)) or 0)
