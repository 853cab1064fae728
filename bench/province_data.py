"""A synthetic province for the benchmarks: plans, tasks, milestones, agencies, members.

The shape of Nghệ An at province scale: 40 provincial departments (sở, ban, ngành) and the
offices of 21 districts and towns (10 each), 5,000 members (3 leaders per district or town who
direct tasks, the rest officers of one agency each, every one linked on Telegram), tasks spread
over up to five yearly plans, each with a director, a lead agency, usually a coordinating
agency, one or two milestones, some history and a few extensions.

Fifty "probe" members are the ones the benchmark talks as. Each is the only officer of an office
that leads 10 and coordinates 10 tasks of the current plan at every size (1,000 to 100,000
tasks), and five current tasks are coordinated by the collective "UBND các huyện, thành phố,
thị xã", which reaches every district office: a probe member's own list is 25 tasks whatever
the size of the database, so a growth in latency with the size is the database's, not the
reply's. Deterministic for a given size (a seeded random generator).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import insert

from db.migrate import upgrade
from db.models import (
    Agency,
    Assignment,
    ChatAccount,
    Extension,
    Member,
    MemberAgency,
    Milestone,
    Plan,
    Section,
    StatusChange,
    Task,
)
from db.session import Database

CURRENT_YEAR = 2024
MEMBERS = 5_000
DEPARTMENTS = 40
DISTRICTS = 21
OFFICES_PER_DISTRICT = 10
LEADERS_PER_DISTRICT = 3
PROBES = 50
PROBE_LEAD = 10
PROBE_COORDINATING = 10
COLLECTIVE_TASKS = 5
PLAN_SIZE = 10_000  # tasks per yearly plan, up to five plans, then the plans grow
PROBE_CHAT_BASE = 9_000_000
CHAT_BASE = 1_000_000
BATCH = 5_000
SECTIONS = ("I", "II", "III", "IV")
STATUSES = ("dang_thuc_hien", "gap_vuong_mac", "hoan_thanh")  # domain.status.Status values
NOW = datetime(2024, 1, 2, 1, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Province:
    tasks: int
    plans: int
    current_plan_tasks: int
    probe_chats: tuple[int, ...]  # Telegram chat ids of the probe members
    leader_chats: tuple[int, ...]


def plan_sizes(tasks: int, plans: int | None = None) -> list[int]:
    """Tasks per plan, oldest first; the current (last) plan is never smaller than the rest.
    ``plans``: that many plans whatever the size (one: every task in the current plan)."""
    count = plans or max(1, min(5, tasks // PLAN_SIZE))
    sizes = [tasks // count] * count
    sizes[-1] += tasks - sum(sizes)
    return sizes


class _Rows:
    """Rows of every table, with ids assigned here (so bulk inserts need no round trips)."""

    def __init__(self) -> None:
        self.tables: dict[Any, list[dict[str, Any]]] = {}
        self.ids: dict[Any, int] = {}

    def add(self, model: Any, **row: Any) -> int:
        row_id = self.ids.get(model, 0) + 1
        self.ids[model] = row_id
        self.tables.setdefault(model, []).append({"id": row_id, **row})
        return row_id

    def link(self, model: Any, **row: Any) -> None:
        self.tables.setdefault(model, []).append(row)


def _agencies(rows: _Rows) -> tuple[list[int], list[int], int]:
    """(department ids, district office ids, the district collective's id)."""
    departments = [
        rows.add(Agency, key=f"so-{n}", name=f"Sở số {n}", kind="agency", category="department",
                 covers=[], aliases=[])
        for n in range(DEPARTMENTS)
    ]  # fmt: skip
    offices = [
        rows.add(Agency, key=f"huyen-{d}-phong-{o}", name=f"Phòng {o} UBND huyện {d}",
                 kind="agency", category="district", covers=[], aliases=[])
        for d in range(DISTRICTS)
        for o in range(OFFICES_PER_DISTRICT)
    ]  # fmt: skip
    collective = rows.add(Agency, key="ubnd-cac-huyen", name="UBND các huyện, thành phố, thị xã",
                          kind="collective", category=None, covers=["district"], aliases=[])  # fmt: skip
    return departments, offices, collective


def _members(
    rows: _Rows, departments: list[int], offices: list[int], rng: random.Random
) -> tuple[list[int], list[int], list[int], list[int]]:
    """(leader ids, probe member ids, probe office ids, ordinary agency ids)."""
    leaders, probes, probe_offices = [], [], []
    for n in range(DISTRICTS * LEADERS_PER_DISTRICT):
        leaders.append(rows.add(Member, key=f"lanh-dao-{n}", full_name=f"Lãnh đạo {n}",
                                positions=["Phó Chủ tịch UBND huyện"], is_admin=False,
                                active=True, created_at=NOW, digest_muted=False))  # fmt: skip
    for n in range(PROBES):
        office = rows.add(Agency, key=f"phong-do-{n}", name=f"Phòng đo {n}", kind="agency",
                          category="district", covers=[], aliases=[])  # fmt: skip
        probe_offices.append(office)
        member = rows.add(Member, key=f"do-{n}", full_name=f"Cán bộ đo {n}", positions=[],
                          is_admin=False, active=True, created_at=NOW, digest_muted=False)  # fmt: skip
        rows.link(MemberAgency, member_id=member, agency_id=office)
        probes.append(member)
    ordinary = departments + offices
    for n in range(MEMBERS - len(leaders) - len(probes)):
        member = rows.add(Member, key=f"can-bo-{n}", full_name=f"Cán bộ {n}", positions=[],
                          is_admin=False, active=True, created_at=NOW, digest_muted=False)  # fmt: skip
        rows.link(MemberAgency, member_id=member, agency_id=ordinary[n % len(ordinary)])
    probe_index = {member_id: n for n, member_id in enumerate(probes)}
    for member_id in range(1, MEMBERS + 1):
        n = probe_index.get(member_id)
        external = PROBE_CHAT_BASE + n if n is not None else CHAT_BASE + member_id
        rows.add(ChatAccount, member_id=member_id, channel="telegram", external_id=str(external),
                 preferred=False, linked_at=NOW)  # fmt: skip
    rng.shuffle(ordinary)
    return leaders, probes, probe_offices, ordinary


def _task(
    rows: _Rows,
    rng: random.Random,
    plan_id: int,
    year: int,
    sections: Sequence[int],
    position: int,
    *,
    director: int,
    lead: int,
    coordinating: Sequence[int],
    members: int,
) -> None:
    section = position % len(sections)
    code = f"{SECTIONS[section]}.{position + 1}"
    task_id = rows.add(Task, plan_id=plan_id, section_id=sections[section], code=code,
                       number=str(position + 1), position=position,
                       content=f"Triển khai nhiệm vụ cải cách hành chính số {position + 1} năm {year}",
                       directors_printed=None, deadline_text=f"Quý {rng.randint(1, 4)}/{year}",
                       schedule="dated", flag=None, product="Báo cáo", note=None)  # fmt: skip
    rows.add(Assignment, task_id=task_id, role="director", position=0, member_id=director)
    rows.add(Assignment, task_id=task_id, role="lead", position=1, agency_id=lead)
    for n, agency in enumerate(coordinating):
        rows.add(Assignment, task_id=task_id, role="coordinating", position=2 + n, agency_id=agency)
    milestones = []
    for n in range(1 if rng.random() < 0.8 else 2):
        due = date(year, 1, 1) + timedelta(days=rng.randrange(365))
        milestones.append(rows.add(Milestone, task_id=task_id, position=n,
                                   label=f"Đợt {n + 1}" if n else None, due_on=due))  # fmt: skip
        if rng.random() < 0.02:
            rows.add(Extension, milestone_id=milestones[-1], new_due=due + timedelta(days=30),
                     reason="Chờ hướng dẫn", member_id=director, at=NOW)  # fmt: skip
    old: str | None = None
    for n in range(rng.choice((0, 0, 1, 2))):
        new = rng.choice(STATUSES)
        rows.add(StatusChange, task_id=task_id, milestone_id=None,
                 member_id=rng.randint(1, members), kind="status", channel="telegram",
                 chat_id=None, at=NOW + timedelta(days=n), old_status=old, new_status=new,
                 progress=None, note=None, reference=None)  # fmt: skip
        old = new


def build_rows(tasks: int, seed: int = 8, plans: int | None = None) -> tuple[_Rows, Province]:
    """Every row of a province with ``tasks`` tasks."""
    rng = random.Random(seed)
    rows = _Rows()
    departments, offices, collective = _agencies(rows)
    leaders, probes, probe_offices, ordinary = _members(rows, departments, offices, rng)
    sizes = plan_sizes(tasks, plans)
    first_year = CURRENT_YEAR - len(sizes) + 1
    for index, size in enumerate(sizes):
        year = first_year + index
        plan_id = rows.add(Plan, year=year, code=f"{index + 1:02d}/KH-BCĐ", title=f"Kế hoạch {year}",
                           issued_on=date(year, 1, 25))  # fmt: skip
        sections = [
            rows.add(Section, plan_id=plan_id, code=code, title=f"Mục {code}", position=n)
            for n, code in enumerate(SECTIONS)
        ]
        current = year == CURRENT_YEAR
        for position in range(size):
            lead = rng.choice(ordinary)
            coordinating = [rng.choice(ordinary)] if rng.random() < 0.7 else []
            if current:  # the probes' fixed share of the current plan comes first
                probe = position // PROBE_LEAD
                if probe < PROBES:
                    lead = probe_offices[probe]
                elif probe < 2 * PROBES:
                    coordinating = [probe_offices[probe - PROBES]]
                if position >= size - COLLECTIVE_TASKS:
                    coordinating = [collective]
            _task(rows, rng, plan_id, year, sections, position, director=rng.choice(leaders),
                  lead=lead, coordinating=coordinating, members=MEMBERS)  # fmt: skip
    province = Province(
        tasks=tasks,
        plans=len(sizes),
        current_plan_tasks=sizes[-1],
        probe_chats=tuple(PROBE_CHAT_BASE + n for n in range(len(probes))),
        leader_chats=tuple(CHAT_BASE + m for m in leaders),
    )
    return rows, province


ORDER = (Agency, Member, MemberAgency, ChatAccount, Plan, Section, Task, Assignment, Milestone,
         Extension, StatusChange)  # fmt: skip


async def create_province(database: Database, tasks: int, plans: int | None = None) -> Province:
    """Migrate an empty database and fill it with a province of ``tasks`` tasks (in ``plans``
    plans, by default one per 10,000 tasks up to five)."""
    if tasks < 2 * PROBES * PROBE_LEAD:
        raise ValueError(f"at least {2 * PROBES * PROBE_LEAD} tasks (the probes' share)")
    await upgrade(database)
    rows, province = build_rows(tasks, plans=plans)
    async with database.transaction(write=True) as session:
        for model in ORDER:
            table = rows.tables.get(model, [])
            keys = {key for row in table for key in row}
            table = [{key: row.get(key) for key in keys} for row in table]
            for start in range(0, len(table), BATCH):
                await session.execute(insert(model.__table__), table[start : start + BATCH])
    if not database.url.startswith("sqlite"):
        async with database.engine.connect() as connection:  # ids were given: move sequences on
            for model in ORDER:
                if model in rows.ids:
                    name = model.__tablename__
                    await connection.exec_driver_sql(
                        f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), {rows.ids[model]})"
                    )
            await connection.commit()
        # What autovacuum does within a minute or two of a bulk load, done before measuring:
        # statistics (without them the planner guesses) and the vacuum (visibility map, hint
        # bits), which otherwise ran in the middle of the measured rounds, on the same 2 cores.
        async with database.engine.connect() as connection:
            autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
            await autocommit.exec_driver_sql("VACUUM ANALYZE")  # not inside a transaction
    return province
