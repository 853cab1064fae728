"""Web desk benchmark: the overview page of a plan of 10,000 tasks (a synthetic province,
``bench.province_data``), rendered for a leader who sees the whole plan.

    .venv/bin/python -m bench.web                  # 10,000 tasks, 20 rounds
    .venv/bin/python -m bench.web --tasks 2000     # smaller

    .venv/bin/python -m bench.web --changing       # a note written before every load

Prints the median, 95th percentile and slowest time of a whole request (session, read,
classification, page) against the target: under 200 ms at 10,000 tasks, and the median CPU
time the process spent (on a machine shared with other work, wall time also counts the
others). The app is called in process over ASGI, so the time is the desk's own, not the
network's. The desk keeps the whole plan's verdicts under the plan's fingerprint; with
``--changing`` the plan changes before every load, so every load classifies the plan anew
(the writes themselves are not timed).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
from sqlalchemy import select, update

from bench.province_data import NOW, create_province
from db.models import Member, StatusChange, Task
from db.session import Database
from db.web_access import create_link, redeem_link
from domain.clock import FrozenClock
from web.app import COOKIE, Desk, create_app

TARGET_MS = 200.0
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


async def _leader_session(database: Database, clock: FrozenClock) -> str:
    """A session for one member made an admin (the standing office: the whole plan)."""
    async with database.transaction(write=True) as session:
        member_id = await session.scalar(select(Member.id).order_by(Member.id).limit(1))
        assert member_id is not None
        await session.execute(update(Member).where(Member.id == member_id).values(is_admin=True))
        token = await create_link(session, member_id, now=clock.now())
        cookie = await redeem_link(session, token, now=clock.now())
    assert cookie is not None
    return cookie


async def _write_note(database: Database, clock: FrozenClock, number: int) -> None:
    """A note on the plan's first task: the plan's fingerprint moves, the counts do not."""
    async with database.transaction(write=True) as session:
        task_id = await session.scalar(select(Task.id).order_by(Task.id).limit(1))
        assert task_id is not None
        session.add(
            StatusChange(
                task_id=task_id, kind="note", channel="bench", at=clock.now(), note=f"#{number}"
            )
        )


async def run(tasks: int, rounds: int, *, changing: bool = False) -> list[tuple[float, float]]:
    with tempfile.TemporaryDirectory() as folder:
        database = Database(f"sqlite+aiosqlite:///{Path(folder) / 'province.db'}")
        began = time.perf_counter()
        province = await create_province(database, tasks)
        print(
            f"province: {province.tasks} tasks, {province.current_plan_tasks} in the current "
            f"plan, built in {time.perf_counter() - began:.1f} s"
        )
        clock = FrozenClock(NOW + timedelta(days=200))
        try:
            cookie = await _leader_session(database, clock)
            desk = Desk(database, clock, ZONE, "http://bench.local")
            transport = httpx.ASGITransport(app=create_app(desk))
            times = []
            async with httpx.AsyncClient(transport=transport, base_url="http://bench.local") as c:
                c.cookies.set(COOKIE, cookie)
                for number in range(rounds + 2):
                    if changing:
                        await _write_note(database, clock, number)
                    start, cpu = time.perf_counter(), time.process_time()
                    page = await c.get("/")
                    times.append(
                        ((time.perf_counter() - start) * 1000, (time.process_time() - cpu) * 1000)
                    )
                    assert page.status_code == 200, page.text[:500]
                    assert f"{province.current_plan_tasks}</a>" in page.text
            return times[2:]  # the first two warm the caches
        finally:
            await database.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.web", description=__doc__)
    parser.add_argument("--tasks", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--changing", action="store_true", help="a note before every load")
    args = parser.parse_args()
    times = asyncio.run(run(args.tasks, args.rounds, changing=args.changing))
    wall = [w for w, _ in times]
    median = statistics.median(wall)
    cpu = statistics.median(c for _, c in times)  # on a busy machine, wall time counts others' work
    p95 = statistics.quantiles(wall, n=20, method="inclusive")[-1] if len(wall) > 1 else median
    verdict = "OK" if median < TARGET_MS else "SLOW"
    mode = ", plan changed before each" if args.changing else ""
    print(
        f"overview at {args.tasks} tasks{mode}: median {median:.0f} ms (CPU {cpu:.0f} ms), "
        f"p95 {p95:.0f} ms, slowest {max(wall):.0f} ms over {len(wall)} requests "
        f"(target < {TARGET_MS:.0f} ms): {verdict}"
    )


if __name__ == "__main__":
    main()
