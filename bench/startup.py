"""Start-up to the first answer, and resident memory at scale.

    .venv/bin/python -m bench.startup                       # the seeded plan, 5 starts
    .venv/bin/python -m bench.startup --tasks 50000 --plans 1   # 50,000 tasks in one plan

``python -m bot run`` is started as its own process against the local Bot API server
(``bench.province.TimedBotApi``) with a member's ``/nhiemvu cua toi`` already waiting: the
figure is the time from the process's start to the first message of the answer (imports,
migrations check, the database, the first getUpdates, the answer), with the time to "service
running" (after the first reminder run) beside it. Without ``--tasks`` the database is the
bundled plan the service seeds into an empty file (with a linked member); with ``--tasks`` it is
a synthetic province (``bench.province_data``), and after the starts the service answers the
probe members for a while (their lists, ``/quahan``, one task each) and its resident memory,
now and peak, is printed.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bench.province import (
    ASK,
    TOKEN,
    Process,
    TimedBotApi,
    _text_update,
    compile_sources,
    service_env,
    verdict,
)
from bench.province_data import create_province
from db.migrate import upgrade
from db.models import ChatAccount, Member
from db.seed import apply_seed
from db.seed_file import load_seed_file
from db.session import Database

TARGETS = {"first_answer": 1.5, "rss": 150.0}
SEED = Path(__file__).resolve().parent.parent / "seed_tasks.json"
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
SEEDED_CHAT = 4_242
SERVE = ("/nhiemvu cua toi", "/quahan", "/nhiemvu I.{n}")


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=ZONE)


async def seeded_plan(url: str) -> list[int]:
    """The bundled plan with Lê Hồng Vinh linked; his chat."""
    database = Database(url)
    await upgrade(database)
    async with database.transaction(write=True) as session:
        await apply_seed(session, load_seed_file(SEED), now=local("2024-01-25 08:00"))
        member = await session.scalar(select(Member).where(Member.key == "le-hong-vinh"))
        assert member is not None
        session.add(
            ChatAccount(
                member_id=member.id,
                channel="telegram",
                external_id=str(SEEDED_CHAT),
                linked_at=local("2024-01-26 08:00"),
            )
        )
    await database.dispose()
    return [SEEDED_CHAT]


async def first_answer(
    api: TimedBotApi, url: str, folder: Path, chat: int
) -> tuple[float, float, Process]:
    """Start the service with a question waiting: (seconds to the answer, to "service running",
    the process, still running)."""
    seen = len(api.reply_starts[chat])
    api.push_raw(_text_update(chat, ASK))
    process = Process("bot run", {**service_env(api, url), "TELEGRAM_BOT_TOKEN": TOKEN}, folder)
    answered = await api.reply_start(chat, seen + 1) - process.started
    running = await process.wait_log("service running")
    return answered, running, process


async def serve(api: TimedBotApi, chats: Sequence[int], rounds: int) -> None:
    """Each chat asks each of SERVE in turn, ``rounds`` times, waiting for each answer."""
    for n in range(rounds):
        for chat in chats:
            for text in SERVE:
                seen = len(api.reply_starts[chat])
                api.push_raw(_text_update(chat, text.format(n=1 + n % 9)))
                await api.reply_start(chat, seen + 1)


async def main_async(tasks: int | None, plans: int | None, starts: int) -> None:
    compile_sources()
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as name:
        folder = Path(name)
        url = f"sqlite+aiosqlite:///{folder}/startup.db"
        if tasks:
            province = await create_province(Database(url), tasks, plans)
            chats = list(province.probe_chats)
            print(
                f"{tasks:,} tasks, {province.plans} plans, {province.current_plan_tasks:,} in the current one"
            )
        else:
            chats = await seeded_plan(url)
            print("the seeded plan (bundled), one linked member")
        api = TimedBotApi(lambda text: not text.startswith("⏳")).start()
        try:
            answers, runnings = [], []
            for n in range(starts):
                answered, running, process = await first_answer(api, url, folder, chats[0])
                try:
                    if tasks and n == starts - 1:
                        await serve(api, chats, 3)
                        now, peak = process.rss_mb()
                        print(
                            f"resident memory after serving {len(chats)} members: {now:.0f} MB, peak {peak:.0f} MB "
                            f"(target ≤ {TARGETS['rss']:.0f} MB: {verdict(peak <= TARGETS['rss'])})"
                        )
                finally:
                    process.stop()
                answers.append(answered)
                runnings.append(running)
                print(
                    f"  start {n + 1}: first answer {answered:.2f} s, service running {running:.2f} s",
                    flush=True,
                )
        finally:
            api.stop()
    best, median = min(answers), statistics.median(answers)
    print(
        f"start-up to the first answer: median {median:.2f} s, best {best:.2f} s; "
        f"to service running: median {statistics.median(runnings):.2f} s "
        f"(target ≤ {TARGETS['first_answer']} s: {verdict(median <= TARGETS['first_answer'])})"
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tasks", type=int, help="a synthetic province of this many tasks")
    parser.add_argument("--plans", type=int, help="in this many plans (default: 1 per 10,000)")
    parser.add_argument("--starts", type=int, default=5)
    args = parser.parse_args(argv)
    asyncio.run(main_async(args.tasks, args.plans, args.starts))


if __name__ == "__main__":
    main()
