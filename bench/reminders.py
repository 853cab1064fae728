"""Reminder benchmark: N reminders due at one instant, through the real stack (ledger,
ReminderService, python-telegram-bot) to the local Bot API server; and the planner on 50,000
tasks.

    .venv/bin/python -m bench.reminders                 # 5,000 at the default 25 msg/s (~3.5 min)
    .venv/bin/python -m bench.reminders --rate 100      # faster, same checks

Prints the achieved send rate against the configured limit (target >= 90 %), duplicates and
missing messages (target 0 and 0), the busiest second, and the planner's time and peak memory.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import tempfile
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.settings import Settings
from bot.telegram_channel import TelegramChannel
from db.migrate import upgrade
from db.seed import apply_seed
from db.seed_file import load_seed_file
from db.session import Database
from domain.clock import FrozenClock
from fakes.bot_api import FakeBotApi
from fakes.builders import add_directing_group
from handlers.engine import Engine
from scheduler.planner import MilestonePlan, Rules, TaskPlan, plan_task
from scheduler.reminders import ReminderService

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
TOKEN = "987654321:AAH-bench-token-not-real_0123456789abcdef"
RULES = Rules(
    offsets=tuple(timedelta(days=d) for d in (7, 3, 1, 0)),
    send_time=datetime.min.time().replace(hour=8),
    zone=ZONE,
)
SEED = Path(__file__).resolve().parent.parent / "seed_tasks.json"


async def fan_out(count: int, rate: float) -> None:
    with tempfile.TemporaryDirectory() as folder:
        database = Database(f"sqlite+aiosqlite:///{folder}/bench.db")
        await upgrade(database)
        clock = FrozenClock(datetime(2024, 9, 27, 8, 0, tzinfo=ZONE))
        async with database.transaction(write=True) as session:
            await apply_seed(session, load_seed_file(SEED), now=clock.now())
            await add_directing_group(session, "I.10", count, clock.now(), first_chat=50_000)
        with FakeBotApi(token=TOKEN) as api:
            settings = Settings(
                _env_file=None,
                database_url=database.url,
                telegram_bot_token=TOKEN,
                telegram_api_base=api.base_url,
                send_rate=rate,
            )  # type: ignore[call-arg]
            channel = TelegramChannel(Engine(database, clock, ZONE), settings)
            await channel.start()
            service = ReminderService(database, clock, RULES, {"telegram": channel}, send_rate=rate)
            started = time.perf_counter()
            sent = await service.run_due()
            elapsed = time.perf_counter() - started
            await channel.stop()
        await database.dispose()
    sends = [c for c in api.calls_of("sendMessage") if c.status == 200]
    chats = Counter(c.params["chat_id"] for c in sends)
    times = sorted(c.time for c in sends)
    span = times[-1] - times[0] if len(times) > 1 else 0.0
    busiest = max(
        (sum(1 for t in times if s <= t < s + 1.0) for s in times[:: max(1, len(times) // 200)]),
        default=0,
    )
    achieved = (len(times) - 1) / span if span else float("nan")
    print(f"reminders due at one instant : {count}")
    print(f"configured rate              : {rate:.0f} msg/s")
    print(
        f"achieved rate                : {achieved:.1f} msg/s ({achieved / rate:.0%} of the limit; target >= 90%)"
    )
    print(f"busiest second               : {busiest} messages")
    print(
        f"sent / duplicates / missing  : {sent} / {sum(n - 1 for n in chats.values())} / {count - len(chats)}"
    )
    print(f"whole run (claim, send, record): {elapsed:.1f} s")


def planning(tasks: int) -> None:
    plans = [
        TaskPlan(
            n,
            roadmap=n % 40 == 0,
            milestones=(MilestonePlan(n, date(2024, 1, 31) + timedelta(days=(n * 7) % 330)),),
        )
        for n in range(tasks)
    ]
    start = datetime(2024, 9, 1, tzinfo=UTC)

    def run() -> int:
        return sum(len(plan_task(p, RULES, start, start + timedelta(days=62))) for p in plans)

    began = time.perf_counter()
    occasions = run()
    elapsed = time.perf_counter() - began
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"planner, {tasks} tasks, 62-day window: {elapsed:.2f} s, {occasions} reminders; process peak RSS {rss:.0f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=5000)
    parser.add_argument("--rate", type=float, default=25.0)
    parser.add_argument("--tasks", type=int, default=50_000)
    args = parser.parse_args()
    planning(args.tasks)
    asyncio.run(fan_out(args.count, args.rate))


if __name__ == "__main__":
    main()
