"""Import a plan from a workbook into the database: checked whole, then applied as a seed."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from db.models import Agency, Group, Member, Plan
from db.seed import SeedReport, apply_seed
from db.seed_file import AgencyIn, GroupIn, MemberIn
from reports.workbook_reader import Directory, ImportFailed, Sheet, build_seed, read_sheet


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


@dataclass(frozen=True)
class Imported:
    report: SeedReport
    warnings: tuple[str, ...]  # dates let through by ``allow_old_dates``, by row


def plan_code(sheet: Sheet, year: int, existing: Plan | None) -> str:
    """The plan's number: plan ``year``'s own (already in the database), or the workbook's when
    the workbook is plan ``year``'s; never another year's number. Raises ``ImportFailed``."""
    if existing is not None:
        return existing.code
    if sheet.code and sheet.year == year:
        return sheet.code
    if sheet.code:
        raise ImportFailed(
            [
                f"sheet '{sheet.name}': row 2 names plan {sheet.code} of {sheet.year}, "
                f"not of {year}; another year's number is not copied: pass --code with "
                f"the {year} plan's number"
            ]
        )
    raise ImportFailed([f"sheet '{sheet.name}': row 2 names no plan number; pass --code"])


async def import_workbook(
    session: AsyncSession,
    data: bytes,
    *,
    year: int,
    now: datetime,
    code: str | None = None,
    title: str | None = None,
    allow_old_dates: bool = False,
) -> Imported:
    """Check every row, then bring plan ``year`` in line with the workbook (caller's
    transaction). Raises ``ImportFailed`` before writing anything."""
    sheet = read_sheet(data)
    existing = await session.scalar(select(Plan).where(Plan.year == year))
    errors: list[str] = []  # every problem at once: the plan's number, its title, the rows
    if not code:
        try:
            code = plan_code(sheet, year, existing)
        except ImportFailed as exc:
            errors += exc.errors
    title = title or (existing.title if existing else _default_title(sheet, year))
    if not title:
        errors.append(f"sheet '{sheet.name}': row 1 has no plan title; pass --title")
    try:
        built = build_seed(
            sheet,
            await load_directory(session),
            year=year,
            code=code or "?",
            title=title or "?",
            issued_on=existing.issued_on if existing else None,
            allow_old_dates=allow_old_dates,
        )
    except ImportFailed as exc:
        raise ImportFailed([*errors, *exc.errors]) from exc
    if errors:
        raise ImportFailed(errors)
    return Imported(await apply_seed(session, built.seed, now=now), built.warnings)
