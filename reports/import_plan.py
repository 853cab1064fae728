"""Import a plan from a workbook into the database: checked whole, then applied as a seed."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from db.models import Agency, Group, Member, Plan
from db.seed import SeedReport, apply_seed
from db.seed_file import AgencyIn, GroupIn, MemberIn
from reports.importer import Directory, ImportFailed, Sheet, build_seed, read_sheet


async def load_directory(session: AsyncSession) -> Directory:
    groups = (await session.scalars(select(Group).order_by(Group.key))).all()
    agencies = (await session.scalars(select(Agency).order_by(Agency.key))).all()
    members = (
        await session.scalars(
            select(Member).options(selectinload(Member.groups)).order_by(Member.key)
        )
    ).all()
    return Directory(
        members=tuple(
            MemberIn(
                key=m.key,
                name=m.full_name,
                positions=list(m.positions or []),
                committee_role=m.committee_role,
                groups=[g.key for g in m.groups],
                source=m.source,
            )
            for m in members
        ),
        groups=tuple(
            GroupIn(key=g.key, name=g.name, aliases=list(g.aliases or [])) for g in groups
        ),
        agencies=tuple(
            AgencyIn(
                key=a.key,
                name=a.name,
                kind=a.kind,
                category=a.category,
                covers=list(a.covers or []),
                aliases=list(a.aliases or []),
            )
            for a in agencies
        ),
    )


def _default_title(sheet: Sheet, year: int) -> str:
    """The sheet's plan title, its year replaced by the target year ("… năm 2024" → 2025)."""
    if sheet.year is None:
        return sheet.title
    return re.sub(rf"\b{sheet.year}\b", str(year), sheet.title)


async def import_workbook(
    session: AsyncSession,
    data: bytes,
    *,
    year: int,
    now: datetime,
    code: str | None = None,
    title: str | None = None,
) -> SeedReport:
    """Check every row, then bring plan ``year`` in line with the workbook (caller's
    transaction). Raises ``ImportFailed`` before writing anything."""
    sheet = read_sheet(data)
    existing = await session.scalar(select(Plan).where(Plan.year == year))
    code = code or (existing.code if existing else sheet.code)
    title = title or (existing.title if existing else _default_title(sheet, year))
    if not code:
        raise ImportFailed([f"sheet '{sheet.name}': row 2 names no plan number; pass --code"])
    if not title:
        raise ImportFailed([f"sheet '{sheet.name}': row 1 has no plan title; pass --title"])
    seed = build_seed(
        sheet,
        await load_directory(session),
        year=year,
        code=code,
        title=title,
        issued_on=existing.issued_on if existing else None,
    )
    return await apply_seed(session, seed, now=now)
