"""The commands members send most, answered in this process: each one's time and transactions.

    .venv/bin/python -m bench.hot_path [--rounds 100]

The bundled 2024 plan in a SQLite file, Lê Hồng Vinh linked (Sở Nội vụ leads most tasks). The
engine answers each command of the mix ``rounds`` times, as the Telegram channel has it answered
(an answer about a task is noted as sent): the task (``/nhiemvu I.5``), a tap on one of its
status buttons, a reply ("60%") to it, ``/baocao``, the member's list and ``/quahan``. No network
and no other load: the service's own share of each answer. Prints each command's p50/p95/p99
and the write transactions, writing statements and statements it took (``bench.transactions``);
the message links an answer notes are written apart, in batches, and timed apart.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bench.transactions import Tally, TransactionCounter
from chat.messages import Inbound
from db import records
from db.migrate import upgrade
from db.models import Member
from db.seed import apply_seed
from db.seed_file import load_seed_file
from db.session import Database
from domain.clock import FrozenClock
from handlers.engine import Engine

SEED = Path(__file__).resolve().parent.parent / "seed_tasks.json"
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime.fromisoformat("2024-09-21T09:00+07:00")
ACCOUNT = "4242"
TAPS = ("/capnhat I.5 Đang thực hiện", "/capnhat I.5 Gặp vướng mắc")  # each tap a change
KINDS = ("detail", "tap", "reply", "report", "list", "overdue")


class Sender:
    """The member as the channel: says a text, notes an answer about a task as sent."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.message_ids = iter(range(1, 10**9))
        self.detail_id = ""

    async def say(self, text: str, reply_to: str | None = None) -> str:
        replies = await self.engine.handle(
            Inbound("telegram", ACCOUNT, ACCOUNT, text, reply_to=reply_to)
        )
        last = ""
        for reply in replies:
            last = str(next(self.message_ids))
            if reply.task_id is not None:
                await self.engine.remember("telegram", ACCOUNT, last, reply.task_id)
        return last


async def prepare(url: str) -> Database:
    database = Database(url)
    await upgrade(database)
    async with database.transaction(write=True) as session:
        await apply_seed(session, load_seed_file(SEED), now=NOW)
        member = await session.scalar(select(Member).where(Member.key == "le-hong-vinh"))
        assert member is not None
        await records.link_account(session, member, "telegram", ACCOUNT, now=NOW)
    return database


async def command(member: Sender, kind: str, n: int) -> None:
    if kind == "detail":
        member.detail_id = await member.say("/nhiemvu I.5")
    elif kind == "tap":
        await member.say(TAPS[n % 2])
    elif kind == "reply":
        await member.say(f"{10 + n % 80}%", reply_to=member.detail_id)
    elif kind == "report":
        await member.say("/baocao")
    elif kind == "list":
        await member.say("/nhiemvu cua toi")
    else:
        await member.say("/quahan")


def pct(values: Sequence[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def run(rounds: int) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-hot-") as folder:
        database = await prepare(f"sqlite+aiosqlite:///{folder}/hot.db")
        engine = Engine(database, FrozenClock(NOW), ZONE)
        links = getattr(engine, "links", None)  # the batched writer, where there is one
        if links is not None:
            links.interval = 3600.0  # written below, apart from the commands
        member = Sender(engine)
        times: dict[str, list[float]] = defaultdict(list)
        tallies: dict[str, list[Tally]] = defaultdict(list)
        flushes: list[float] = []
        for n in range(rounds + 1):  # the first round warms up
            for kind in KINDS:
                with TransactionCounter(database) as tally:
                    began = time.perf_counter()
                    await command(member, kind, n)
                    took = (time.perf_counter() - began) * 1000
                if n:
                    times[kind].append(took)
                    tallies[kind].append(tally)
            if links is not None:
                began = time.perf_counter()
                await links.flush()
                flushes.append((time.perf_counter() - began) * 1000)
        await database.dispose()
    print(f"{rounds} rounds, one member, in-process (ms; per answer: write txns / writes / stmts)")
    for kind in KINDS:
        t, c = times[kind], tallies[kind]
        print(
            f"  {kind:<8} p50 {pct(t, 50):6.2f}  p95 {pct(t, 95):6.2f}  p99 {pct(t, 99):6.2f}"
            f"   {statistics.mean(x.write_transactions for x in c):.1f} /"
            f" {statistics.mean(x.writing_statements for x in c):.1f} /"
            f" {statistics.mean(x.statements for x in c):.1f}"
        )
    if flushes:
        print(f"  links    p50 {pct(flushes, 50):6.2f}  (one batch a round, 1 write txn)")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=100)
    asyncio.run(run(parser.parse_args(argv).rounds))


if __name__ == "__main__":
    main()
