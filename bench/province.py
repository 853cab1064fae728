"""Province-scale benchmark: ``/nhiemvu cua toi`` through the real service.

    .venv/bin/python -m bench.province            # about 5 minutes on 2 cores
    .venv/bin/python -m bench.province --quick    # fewer requests, no 100,000-task step

A synthetic province (``bench.province_data``: 50,000 tasks over five yearly plans, 5,000
members, 40 departments and the offices of 21 districts and towns) is written to a SQLite file;
``python -m bot run`` is started on it as its own process, talking long polling to the local Bot
API server (``fakes.bot_api``) in this process; members are simulated by pushing updates to
that server. Latency is measured on the server's clock, from the moment getUpdates hands the
update to the bot to the moment the bot's first sendMessage of the reply arrives.

It prints:
- latency p50/p95/p99 with 1 member; with 50 members at once, each waiting about 5 s between
  requests (reading the list: ~10 requests/s) and about 1 s (~50 requests/s, about what this
  process can serve); and with 50 members sending without pause (saturation);
- throughput at saturation, next to a bare PTB echo bot (``bench.echo_bot``) measured in the
  same run on the same kind of server, in three alternating rounds after one of each that is
  not counted (the median ratio is the figure), and the CPU each spends per update;
- start-up time (process start to the first getUpdates, and to "service running", which comes
  after the first reminder run) and the service's resident memory (now and peak);
- one member's latency at 1,000, 10,000, 50,000 and 100,000 tasks (the probe members' lists
  are 25 tasks at every size: what grows is the database, not the reply).

The service runs with SEND_RATE=10000 (so the 25 msg/s Telegram limit does not cap what is
measured) and its clock on Saturday 21/09/2024 09:00, when no reminder falls due, but the
reminder sweep still plans every minute as in production.
"""

from __future__ import annotations

import argparse
import asyncio
import compileall
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.province_data import Province, create_province
from db.session import Database
from fakes.bot_api import FakeBotApi, Files, JsonDict

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "987654321:AAH-bench-token-not-real_0123456789abcdef"
BOT_NOW = "2024-09-21T09:00+07:00"  # a Saturday: no reminder due, the sweep still plans
ASK = "/nhiemvu cua toi"
REPLY_START = "Nhiệm vụ của đồng chí"
ROUNDS = 3  # saturation rounds, alternating service and echo bot
TARGETS = {"p99_50": 50.0, "ratio": 0.5, "startup": 3.0, "rss": 200.0, "growth": 1.5}


class TimedBotApi(FakeBotApi):
    """The fake Bot API, noting when each update is handed out and when each reply starts."""

    def __init__(self, starts_reply: Callable[[str], bool]) -> None:
        super().__init__(token=TOKEN)
        self.starts_reply = starts_reply
        self.delivered: dict[int, float] = {}
        self.first_poll: float | None = None
        self.reply_starts: dict[int, list[float]] = defaultdict(list)
        self._waiters: dict[int, tuple[int, asyncio.AbstractEventLoop, asyncio.Future[None]]] = {}

    def _get_updates(self, params: JsonDict) -> list[JsonDict]:
        if self.first_poll is None:
            self.first_poll = time.monotonic()
        ready = super()._get_updates(params)
        now = time.monotonic()
        for update in ready:
            self.delivered.setdefault(int(update["update_id"]), now)
        return ready

    def _record(self, message: JsonDict, markup: JsonDict | None, files: Files) -> JsonDict:
        result = super()._record(message, markup, files)
        text, chat = message.get("text") or "", int(message["chat"]["id"])
        if self._method == "sendMessage" and self.starts_reply(text):
            self.reply_starts[chat].append(time.monotonic())
            waiter = self._waiters.get(chat)
            if waiter is not None and len(self.reply_starts[chat]) >= waiter[0]:
                del self._waiters[chat]
                waiter[1].call_soon_threadsafe(_resolve, waiter[2])
        return result

    async def reply_start(self, chat: int, count: int) -> float:
        """The time the ``count``-th reply to ``chat`` started (waiting for it)."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        with self._cond:
            if len(self.reply_starts[chat]) < count:
                self._waiters[chat] = (count, loop, future)
            else:
                future.set_result(None)
        await asyncio.wait_for(future, 60.0)
        return self.reply_starts[chat][count - 1]


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


@dataclass
class Run:
    latencies_ms: list[float]
    seconds: float
    cpu_ms: float = float("nan")  # the bot process's CPU per update, when measured

    @property
    def throughput(self) -> float:
        return len(self.latencies_ms) / self.seconds if self.seconds else 0.0

    def pct(self, p: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]

    def line(self) -> str:
        return (
            f"p50 {self.pct(50):6.1f} ms   p95 {self.pct(95):6.1f} ms   p99 {self.pct(99):6.1f} ms"
            f"   ({len(self.latencies_ms)} requests, {self.throughput:.0f}/s)"
        )


async def converse(
    api: TimedBotApi, chat: int, requests: int, think: float, rng: random.Random
) -> list[float]:
    """One member asking ``requests`` times, waiting for each reply (and ``think`` s or so).
    With pauses, members start at random moments within the first pause, as people do: not
    all in the same millisecond (that burst is the no-pause case)."""
    latencies = []
    if think:
        await asyncio.sleep(rng.uniform(0, think))
    for _ in range(requests):
        seen = len(api.reply_starts[chat])
        update_id = api.push_raw(_text_update(chat, ASK))
        started = await api.reply_start(chat, seen + 1)
        latencies.append((started - api.delivered[update_id]) * 1000)
        if think:
            await asyncio.sleep(rng.uniform(think / 2, think * 1.5))
    return latencies


async def load(api: TimedBotApi, chats: Sequence[int], requests: int, think: float = 0.0) -> Run:
    rng = random.Random(1)
    began = time.perf_counter()
    results = await asyncio.gather(*(converse(api, c, requests, think, rng) for c in chats))
    return Run([x for r in results for x in r], time.perf_counter() - began)


async def saturate(api: TimedBotApi, bot: Process, chats: Sequence[int], requests: int) -> Run:
    """Every member asking ``requests`` times without pause, and the CPU the bot spent."""
    cpu = bot.cpu_seconds()
    run = await load(api, chats, requests)
    run.cpu_ms = (bot.cpu_seconds() - cpu) / len(run.latencies_ms) * 1000
    return run


def merge(runs: Sequence[Run]) -> Run:
    return Run([x for r in runs for x in r.latencies_ms], sum(r.seconds for r in runs))


async def sequential(api: TimedBotApi, chats: Sequence[int], requests: int) -> Run:
    """One member at a time (taking turns over ``chats`` so no reply is served from a cache)."""
    began = time.perf_counter()
    latencies: list[float] = []
    for n in range(requests):
        latencies += await converse(api, chats[n % len(chats)], 1, 0.0, random.Random(n))
    return Run(latencies, time.perf_counter() - began)


_next_message = iter(range(10**6, 10**9))


def _text_update(chat: int, text: str) -> JsonDict:
    length = len(text.split()[0])
    return {
        "message": {
            "message_id": next(_next_message),
            "date": int(time.time()),
            "chat": {"id": chat, "type": "private", "first_name": "Đo"},
            "from": {"id": chat, "is_bot": False, "first_name": "Đo"},
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": length}],
        }
    }


class Process:
    """A child process (the service or the echo bot) with its output in a file."""

    def __init__(self, module: str, env: dict[str, str], folder: Path) -> None:
        self.log = folder / f"{module}.log"
        self.started = time.monotonic()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", *module.split()],
            cwd=folder,
            env={**os.environ, "PYTHONPATH": str(ROOT), **env},
            stdout=subprocess.DEVNULL,
            stderr=self.log.open("w"),
        )

    def cpu_seconds(self) -> float:
        """CPU time the process has used (user + system, all threads), from /proc."""
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def rss_mb(self) -> tuple[float, float]:
        """(resident now, peak) in MB, from /proc."""
        fields = dict(
            line.split(":", 1)
            for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines()
        )
        return (int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024)

    async def wait_log(self, text: str) -> float:
        deadline = time.monotonic() + 300.0
        while text not in self.log.read_text():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{text!r} not seen; log:\n{self.log.read_text()[-3000:]}")
            await asyncio.sleep(0.01)
        return time.monotonic() - self.started

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def compile_sources() -> None:
    """The service's bytecode, written ahead as the Docker image and scripts/setup.sh do:
    where PYTHONDONTWRITEBYTECODE is set, each start would otherwise compile every module."""
    for package in ("bot", "web", "handlers", "scheduler", "reports", "chat", "db", "domain"):
        compileall.compile_dir(ROOT / package, quiet=1)


def service_env(api: FakeBotApi, url: str) -> dict[str, str]:
    return {
        "DATABASE_URL": url,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE": api.base_url,
        "BOT_NOW": BOT_NOW,
        "SEND_RATE": "10000",
        "LOG_LEVEL": "INFO",
    }


@dataclass
class Started:
    process: Process
    to_poll: float
    to_running: float


async def start_service(api: TimedBotApi, url: str, folder: Path) -> Started:
    api.first_poll = None
    process = Process("bot run", service_env(api, url), folder)
    to_running = await process.wait_log("service running")
    assert api.first_poll is not None
    return Started(process, api.first_poll - process.started, to_running)


_made: dict[int, tuple[str, Province, float]] = {}


async def make_database(folder: Path, tasks: int) -> tuple[str, Province, float]:
    """A province of ``tasks`` tasks in a new SQLite file (made once per size and run)."""
    if tasks not in _made:
        url = f"sqlite+aiosqlite:///{folder}/province-{tasks}.db"
        began = time.perf_counter()
        database = Database(url)
        province = await create_province(database, tasks)
        await database.dispose()
        _made[tasks] = (url, province, time.perf_counter() - began)
    return _made[tasks]


async def growth_step(api: TimedBotApi, folder: Path, tasks: int, requests: int) -> Run:
    url, province, made = await make_database(folder, tasks)
    started = await start_service(api, url, folder)
    try:
        await sequential(api, province.probe_chats, len(province.probe_chats))  # warm up
        run = await sequential(api, province.probe_chats, requests)
    finally:
        started.process.stop()
    print(
        f"  {tasks:>7,} tasks ({province.plans} plans, {province.current_plan_tasks:,} in the "
        f"current one; made in {made:.1f} s): {run.line()}",
        flush=True,
    )
    return run


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


async def fill(url: str, tasks: int) -> tuple[str, Province, float]:
    """A province in the (empty) database at ``url``, e.g. PostgreSQL."""
    began = time.perf_counter()
    database = Database(url)
    province = await create_province(database, tasks)
    await database.dispose()
    return url, province, time.perf_counter() - began


async def main_async(quick: bool, tasks: int, database_url: str | None) -> None:
    scale = 0.25 if quick else 1.0
    with tempfile.TemporaryDirectory(prefix="bench-province-") as name:
        folder = Path(name)
        api = TimedBotApi(lambda text: text.startswith(REPLY_START)).start()
        try:
            print(f"Province: {tasks:,} tasks, 5,000 members; generating…", flush=True)
            if database_url:
                url, province, made = await fill(database_url, tasks)
            else:
                url, province, made = await make_database(folder, tasks)
            print(f"  database: {url.split('://')[0]}; load average {_load()}", flush=True)
            print(
                f"  {province.plans} plans, {province.current_plan_tasks:,} tasks in the current "
                f"one; written in {made:.1f} s",
                flush=True,
            )
            compile_sources()
            started = await start_service(api, url, folder)
            echo_api = TimedBotApi(lambda text: text == ASK).start()
            echo: Process | None = None
            try:
                probes = province.probe_chats
                await sequential(api, probes, len(probes))  # warm up
                one = await sequential(api, probes, int(400 * scale))
                readers = await load(api, probes, int(10 * scale), think=5.0)
                people = await load(api, probes, int(20 * scale), think=1.0)
                echo_env = {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE": echo_api.base_url}
                echo = Process("bench.echo_bot", echo_env, folder)
                await sequential(echo_api, probes, len(probes))  # warm up
                echo_one = await sequential(echo_api, probes, int(400 * scale))
                # Saturation in alternating rounds, service then echo bot, each idle (waiting
                # on its long poll) while the other runs: this machine's speed drifts by ±20 %
                # over minutes, and each round's ratio compares neighbours in time.
                per_round = max(1, int(20 * scale) // ROUNDS)
                # A round of each first, not counted: until then the echo bot has answered one
                # member at a time, and its first saturation opens the connections the rounds
                # then reuse.
                await load(api, probes, per_round)
                await load(echo_api, probes, per_round)
                rounds = [
                    (
                        await saturate(api, started.process, probes, per_round),
                        await saturate(echo_api, echo, probes, per_round),
                    )
                    for _ in range(ROUNDS)
                ]
                rss, peak = started.process.rss_mb()
            finally:
                if echo is not None:
                    echo.stop()
                started.process.stop()
                echo_api.stop()
        finally:
            api.stop()
        saturated = merge([service for service, _ in rounds])
        echo_saturated = merge([echo_run for _, echo_run in rounds])
        ratios = sorted(service.throughput / e.throughput for service, e in rounds)
        ratio = ratios[len(ratios) // 2]

        print(f"\n/nhiemvu cua toi, {tasks:,} tasks (a 25-task list, about 4 KB of text):")
        print(f"  1 member               : {one.line()}")
        print(f"  50 members, ~5 s pauses: {readers.line()}")
        print(f"  50 members, ~1 s pauses: {people.line()}")
        print(f"  50 members, no pause   : {saturated.line()}")
        print(f"  echo bot, 1 member     : {echo_one.line()}")
        print(f"  echo bot, 50, no pause : {echo_saturated.line()}")
        print("throughput at saturation, in alternating rounds (service vs echo bot):")
        for service, e in rounds:
            print(
                f"  {service.throughput:4.0f} vs {e.throughput:4.0f} updates/s = "
                f"{service.throughput / e.throughput:4.0%}   CPU per update "
                f"{service.cpu_ms:.1f} vs {e.cpu_ms:.1f} ms"
            )
        print(f"  median ratio: {ratio:.0%}")
        print(
            f"start-up: first getUpdates after {started.to_poll:.2f} s, service running (first "
            f"reminder run done) after {started.to_running:.2f} s"
        )
        print(f"resident memory: {rss:.0f} MB now, {peak:.0f} MB peak")

        sizes = (1_000, 10_000, 50_000) if quick else (1_000, 10_000, 50_000, 100_000)
        growth = float("nan")
        if not database_url:  # the growth series makes its own SQLite files
            growth_api = TimedBotApi(lambda text: text.startswith(REPLY_START)).start()
            print("\nOne member's latency as the database grows:")
            try:
                runs = {
                    n: await growth_step(growth_api, folder, n, int(300 * scale)) for n in sizes
                }
            finally:
                growth_api.stop()
            growth = runs[sizes[-1]].pct(50) / runs[sizes[0]].pct(50)

    print(f"\nload average at the end: {_load()} (2 cores)")
    print("\nfigure                                   measured   target")
    rows: list[tuple[str, str, str, bool]] = [
        ("p99, 50 members at once (~5 s pauses)", f"{readers.pct(99):.1f} ms", "≤ 50 ms",
         readers.pct(99) <= TARGETS["p99_50"]),
        ("p99, 50 members at once (~1 s pauses)", f"{people.pct(99):.1f} ms", "≤ 50 ms",
         people.pct(99) <= TARGETS["p99_50"]),
        ("p99, 50 members without pause", f"{saturated.pct(99):.1f} ms", "(≤ 50 ms)",
         saturated.pct(99) <= TARGETS["p99_50"]),
        ("throughput vs echo bot", f"{ratio:.0%}", "≥ 50 %", ratio >= TARGETS["ratio"]),
        ("start-up (to service running)", f"{started.to_running:.2f} s", "≤ 3 s",
         started.to_running <= TARGETS["startup"]),
        ("resident memory (peak)", f"{peak:.0f} MB", "≤ 200 MB", peak <= TARGETS["rss"]),
        (f"p50 at {sizes[-1]:,} / at {sizes[0]:,} tasks", f"{growth:.2f}×", "≤ 1.5×",
         growth <= TARGETS["growth"]),
    ]  # fmt: skip
    for label, value, target, ok in rows:
        if "nan" in value:  # not measured in this run
            value, ok_text = "—", "(SQLite run only)"
        else:
            ok_text = verdict(ok)
        print(f"{label:<40} {value:>9}   {target:<9} {ok_text}")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="fewer requests, up to 50,000 tasks")
    parser.add_argument("--tasks", type=int, default=50_000)
    parser.add_argument(
        "--database-url",
        help="an EMPTY database for the main figures (e.g. postgresql+asyncpg://…/bench); "
        "the growth series (SQLite files) is then skipped",
    )
    args = parser.parse_args(argv)
    asyncio.run(main_async(args.quick, args.tasks, args.database_url))


def _load() -> str:
    """The machine's load average (1, 5 min): other work on it skews every figure."""
    one, five, _ = os.getloadavg()
    return f"{one:.1f} / {five:.1f}"


if __name__ == "__main__":
    main()
