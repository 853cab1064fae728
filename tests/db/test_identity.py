"""Who is writing, and which plan they look at: the fallback rule, read in one statement with
the sender (``identify``) and on its own (``plan_of``, for sessions), on both databases."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import update

from db.identity import identify, plan_of
from db.models import ChatAccount, Member, Plan
from db.session import Database

NOW = datetime(2025, 3, 1, tzinfo=UTC)


async def _member(database: Database, *, plans: tuple[int, ...]) -> int:
    async with database.transaction(write=True) as session:
        for year in plans:
            session.add(Plan(year=year, code=f"{year % 100:02d}/KH-BCĐ", title="Kế hoạch thử"))
        member = Member(key="thu", full_name="Nguyễn Văn Thử", created_at=NOW)
        session.add(member)
        await session.flush()
        session.add(
            ChatAccount(member_id=member.id, channel="telegram", external_id="77", linked_at=NOW)
        )
        return member.id


async def _choose(database: Database, member_id: int, year: int | None) -> None:
    async with database.transaction(write=True) as session:
        await session.execute(update(Member).where(Member.id == member_id).values(plan_year=year))


async def _year_seen(database: Database, year: int) -> int | None:
    """The plan's year as ``identify`` reads it, checked against ``plan_of``."""
    found = await database.read(lambda c: identify(c, "telegram", "77", year))
    assert found is not None
    alone = await database.read(lambda c: plan_of(c, found.member.plan_year, year))
    assert alone == found.plan
    return found.plan.year if found.plan is not None else None


@pytest.mark.parametrize(
    ("year", "chosen", "seen"),
    [
        (2024, None, 2024),  # the plan of the year
        (2025, None, 2024),  # none that year: the latest before it
        (2021, None, 2022),  # none before: the earliest after it
        (2024, 2026, 2026),  # the plan chosen with /kehoach
        (2025, 2030, 2024),  # chosen, then removed: the rule as if none were chosen
    ],
)
async def test_the_plan_a_member_looks_at(
    database: Database, year: int, chosen: int | None, seen: int
) -> None:
    member_id = await _member(database, plans=(2022, 2024, 2026))
    await _choose(database, member_id, chosen)
    assert await _year_seen(database, year) == seen


async def test_no_plan_at_all(database: Database) -> None:
    await _member(database, plans=())
    assert await _year_seen(database, 2024) is None


async def test_unknown_and_removed_accounts_are_nobody(database: Database) -> None:
    member_id = await _member(database, plans=(2024,))
    assert await database.read(lambda c: identify(c, "telegram", "78", 2024)) is None
    assert await database.read(lambda c: identify(c, "zalo", "77", 2024)) is None
    async with database.transaction(write=True) as session:
        await session.execute(update(Member).where(Member.id == member_id).values(active=False))
    assert await database.read(lambda c: identify(c, "telegram", "77", 2024)) is None
