"""What members feel: the mix of commands they send, at production defaults, and during a fan-out.

    .venv/bin/python -m bench.mix              # about 6 minutes on 2 cores
    .venv/bin/python -m bench.mix --quick      # fewer requests, a 1,000-reminder fan-out
    .venv/bin/python -m bench.mix --bursts 5   # only the burst, five times against the echo bot

The bundled 2024 plan with 500 linked accounts (the plan's 11 members and 489 officers of its
agencies; the first 50 officers are Sở Nội vụ's, which leads most tasks) is written to a SQLite
file (with ``--database-url``, to new databases on that PostgreSQL server), and ``python -m bot
run`` is started on it as its own process against the local Bot API server
(``bench.province.TimedBotApi``). Fifty officers send, about once a second each, the mix
members send: their list (``/nhiemvu cua toi``), one task (``/nhiemvu I.5``), an update by tap
(the task's "Đang thực hiện" button), an update by reply ("60%" in reply to the task), the report
(``/baocao``) and ``/quahan``. Latency runs from the moment getUpdates hands the update to the
bot to the moment the first message of the answer arrives.

It prints, each against its target:
- the mix's p99 (and each command's) at production defaults (no ``SEND_RATE``: 25 messages/s
  for bulk sends) and with ``SEND_RATE=10000``;
- a burst in which every one of the 500 accounts writes once at the same moment, at production
  defaults, as a share of a bare PTB echo bot's rate on the same server;
- the same mix while 5,000 reminders go out at one instant (``--count``): the replies' p99
  during the fan-out, and the fan-out's rate against ``SEND_RATE``, duplicates and missing.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from bench.province import TOKEN as PROVINCE_TOKEN
from bench.province import Process, Run, TimedBotApi, compile_sources, verdict
from db.migrate import upgrade
from db.models import Agency, ChatAccount, Member
from db.seed import apply_seed
from db.seed_file import load_seed_file
from db.session import Database
from fakes.bot_api import JsonDict
from fakes.builders import add_directing_group

SEED = Path(__file__).resolve().parent.parent / "seed_tasks.json"
TOKEN = PROVINCE_TOKEN
QUIET = "2024-09-21T09:00+07:00"  # a Saturday: nothing due, the sweep still plans every minute
FAN_OUT = "2024-09-27T07:59:40+07:00"  # I.10's reminders fall at 08:00
FAN_OUT_TASK = "I.10"
FAN_OUT_CHAT = 500_000
OFFICER_CHAT = 20_000
ACCOUNTS = 500
MIXERS = 50
TASK = "I.5"  # led by Sở Nội vụ
BULK = ("🔔", "⚠️ Nhiệm vụ quá hạn ·", "🚨", "📨", "📋", "📅", "📢")
TARGETS = {"mix_p99": 50.0, "detail_p99": 30.0, "fan_out_p99": 100.0, "burst": 0.6}


def is_reply(text: str) -> bool:
    return not text.startswith(BULK)


class MixBotApi(TimedBotApi):
    """The timed Bot API stand-in, noting the id of the update pushed last (a button press)."""

    last_pushed = 0

    def push_raw(self, update: JsonDict) -> int:
        self.last_pushed = super().push_raw(update)
        return self.last_pushed


@dataclass
class Mix:
    by_kind: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    seconds: float = 0.0

    def run(self) -> Run:
        return Run([x for xs in self.by_kind.values() for x in xs], self.seconds)


async def prepare(url: str, fan_out: int) -> tuple[list[int], list[int]]:
    """The plan, 500 linked accounts and ``fan_out`` directors of I.10; returns (all 500 chats,
    the 50 mixers' chats)."""
    database = Database(url)
    await upgrade(database)
    now = datetime.fromisoformat(QUIET)
    async with database.transaction(write=True) as session:
        await apply_seed(session, load_seed_file(SEED), now=now)
        agencies = list(await session.scalars(select(Agency).where(Agency.kind == "agency")))
        home = next(a for a in agencies if a.key == "so-noi-vu")
        chats: list[int] = []
        for n, member in enumerate(await session.scalars(select(Member).order_by(Member.id))):
            chats.append(OFFICER_CHAT - 100 + n)
            session.add(
                ChatAccount(
                    member_id=member.id,
                    channel="telegram",
                    external_id=str(chats[-1]),
                    linked_at=now,
                )
            )
        officers = ACCOUNTS - len(chats)
        mixers = []
        for n in range(officers):
            agency = home if n < MIXERS else agencies[n % len(agencies)]
            officer = Member(
                key=f"officer{n}", full_name=f"Cán bộ {n}", created_at=now, agencies=[agency]
            )
            session.add(officer)
            await session.flush()
            chat = OFFICER_CHAT + n
            session.add(
                ChatAccount(
                    member_id=officer.id, channel="telegram", external_id=str(chat), linked_at=now
                )
            )
            chats.append(chat)
            if n < MIXERS:
                mixers.append(chat)
        if fan_out:
            await add_directing_group(session, FAN_OUT_TASK, fan_out, now, first_chat=FAN_OUT_CHAT)
    await database.dispose()
    return chats, mixers


async def ask(api: TimedBotApi, chat: int, update: JsonDict) -> float:
    seen = len(api.reply_starts[chat])
    update_id = api.push_raw(update)
    started = await api.reply_start(chat, seen + 1)
    return (started - api.delivered[update_id]) * 1000


def text_update(chat: int, text: str, reply_to: int | None = None) -> JsonDict:
    message: dict[str, object] = {
        "message_id": next(_ids),
        "date": int(time.time()),
        "chat": {"id": chat, "type": "private", "first_name": "Đo"},
        "from": {"id": chat, "is_bot": False, "first_name": "Đo"},
        "text": text,
    }
    if text.startswith("/"):
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    if reply_to is not None:
        message["reply_to_message"] = {
            "message_id": reply_to,
            "date": int(time.time()),
            "chat": {"id": chat, "type": "private", "first_name": "Đo"},
            "text": "…",
        }
    return {"message": message}


_ids = iter(range(10**6, 10**9))


async def member(
    api: MixBotApi, chat: int, rounds: int, think: float, rng: random.Random, mix: Mix
) -> None:
    """One officer sending the mix ``rounds`` times over, about ``think`` s apart."""
    await asyncio.sleep(rng.uniform(0, think))
    for _ in range(rounds):
        kinds = ["list", "detail", "tap", "reply", "report", "overdue"]
        rng.shuffle(kinds)
        detail_id: int | None = None
        for kind in kinds:
            if kind in ("tap", "reply") and detail_id is None:
                mix.by_kind["detail"].append(
                    await ask(api, chat, text_update(chat, f"/nhiemvu {TASK}"))
                )
                detail_id = api.messages_to(chat)[-1].message_id
                await asyncio.sleep(rng.uniform(think / 2, think * 1.5))
            if kind == "list":
                latency = await ask(api, chat, text_update(chat, "/nhiemvu cua toi"))
            elif kind == "detail":
                latency = await ask(api, chat, text_update(chat, f"/nhiemvu {TASK}"))
                detail_id = api.messages_to(chat)[-1].message_id
            elif kind == "tap":
                assert detail_id is not None
                seen = len(api.reply_starts[chat])
                api.push_callback(chat, detail_id, f"/capnhat {TASK} Đang thực hiện")
                update_id = api.last_pushed  # no await since the push: this press's update
                started = await api.reply_start(chat, seen + 1)
                latency = (started - api.delivered[update_id]) * 1000
            elif kind == "reply":
                latency = await ask(
                    api, chat, text_update(chat, f"{rng.randint(10, 90)}%", detail_id)
                )
            elif kind == "report":
                latency = await ask(api, chat, text_update(chat, "/baocao"))
            else:
                latency = await ask(api, chat, text_update(chat, "/quahan"))
            mix.by_kind[kind].append(latency)
            await asyncio.sleep(rng.uniform(think / 2, think * 1.5))


async def run_mix(api: MixBotApi, chats: Sequence[int], rounds: int, think: float = 1.0) -> Mix:
    mix = Mix()
    began = time.perf_counter()
    rng = random.Random(7)
    await asyncio.gather(
        *(member(api, c, rounds, think, random.Random(rng.random()), mix) for c in chats)
    )
    mix.seconds = time.perf_counter() - began
    return mix


async def burst(api: TimedBotApi, chats: Sequence[int], text: str) -> float:
    """Every chat writes once at the same moment; replies per second until the last one."""
    seen = {c: len(api.reply_starts[c]) for c in chats}
    began = time.monotonic()
    for chat in chats:
        api.push_raw(text_update(chat, text))
    ends = await asyncio.gather(*(api.reply_start(c, seen[c] + 1) for c in chats))
    return len(chats) / (max(ends) - began)


def service(api: TimedBotApi, url: str, folder: Path, now: str, **env: str) -> Process:
    return Process(
        "bot run",
        {
            "DATABASE_URL": url,
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE": api.base_url,
            "BOT_NOW": now,
            "LOG_LEVEL": "INFO",
            **env,
        },
        folder,
    )


def print_mix(title: str, mix: Mix) -> None:
    print(f"{title}: {mix.run().line()}")
    for kind, latencies in sorted(mix.by_kind.items()):
        print(f"    {kind:<8} {Run(latencies, mix.seconds).line()}")


async def database_url(folder: Path, name: str, server: str | None) -> str:
    """A new SQLite file in ``folder``, or with ``server`` (a PostgreSQL URL whose user may
    create databases) a new database ``bench_<name>`` on it (dropped first if left over)."""
    if server is None:
        return f"sqlite+aiosqlite:///{folder}/{name}.db"
    import asyncpg

    database = f"bench_{name.replace('-', '_')}"
    admin = await asyncpg.connect(server.replace("postgresql+asyncpg", "postgresql"))
    try:
        await admin.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
        await admin.execute(f"CREATE DATABASE {database}")
    finally:
        await admin.close()
    return server.rsplit("/", 1)[0] + "/" + database


async def quiet_runs(
    folder: Path, rounds: int, server: str | None = None
) -> tuple[Mix, Mix, float, list[float]]:
    url = await database_url(folder, "mix", server)
    chats, mixers = await prepare(url, fan_out=0)
    api = MixBotApi(is_reply)
    api.start()
    echo_apis = [TimedBotApi(lambda text: True), TimedBotApi(lambda text: True)]
    for echo_api in echo_apis:
        echo_api.start()
    try:
        results = []
        for env in ({}, {"SEND_RATE": "10000"}):
            bot = service(api, url, folder, QUIET, **env)
            try:
                await bot.wait_log("service running")
                await run_mix(api, mixers[:5], 1, think=0.2)  # warm up
                results.append(await run_mix(api, mixers, rounds))
                if not env:
                    burst_rate = await burst(api, chats, "/nhiemvu cua toi")
            finally:
                bot.stop()
        echo_rates = []  # PTB's default request, then the service's (JsonRequest)
        for echo_api, env in zip(echo_apis, ({}, {"ECHO_REQUEST": "json"}), strict=True):
            echo = echo_bot(echo_api, folder, **env)
            try:
                await burst(echo_api, chats[:50], "/nhiemvu cua toi")  # warm up
                echo_rates.append(await burst(echo_api, chats, "/nhiemvu cua toi"))
            finally:
                echo.stop()
    finally:
        api.stop()
        for echo_api in echo_apis:
            echo_api.stop()
    return results[0], results[1], burst_rate, echo_rates


async def burst_runs(folder: Path, times: int, server: str | None = None) -> None:
    """Only the burst, ``times`` times: the service, the echo bot, and the echo bot on the
    service's own request, in turn (all running throughout, so that each row of figures is taken
    under the same load of the machine)."""
    url = await database_url(folder, "burst", server)
    chats, _ = await prepare(url, fan_out=0)
    apis = [TimedBotApi(is_reply), TimedBotApi(lambda text: True), TimedBotApi(lambda text: True)]
    for api in apis:
        api.start()
    bots = [
        service(apis[0], url, folder, QUIET),
        echo_bot(apis[1], folder),
        echo_bot(apis[2], folder, ECHO_REQUEST="json"),
    ]
    try:
        await bots[0].wait_log("service running")
        for api in apis:
            await burst(api, chats[:50], "/nhiemvu cua toi")  # warm up
        ratios = []
        for n in range(times):
            rates = []
            for api in apis:
                await asyncio.sleep(1.0)
                rates.append(await burst(api, chats, "/nhiemvu cua toi"))
            ours, theirs, json_echo = rates
            ratios.append(ours / theirs)
            print(
                f"burst {n + 1}: {ours:.0f} replies/s; echo bot {theirs:.0f}/s = {ratios[-1]:.0%}; "
                f"echo bot on JsonRequest {json_echo:.0f}/s = {ours / json_echo:.0%}",
                flush=True,
            )
        print(f"median {sorted(ratios)[len(ratios) // 2]:.0%} of the echo bot (target ≥ 60 %)")
    finally:
        for bot in bots:
            bot.stop()
        for api in apis:
            api.stop()


def echo_bot(api: TimedBotApi, folder: Path, **env: str) -> Process:
    return Process(
        "bench.echo_bot",
        {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE": api.base_url, **env},
        folder,
    )


@dataclass
class FanOut:
    during: Mix
    rate: float
    duplicates: int
    missing: int


async def fan_out_run(folder: Path, count: int, rounds: int, server: str | None = None) -> FanOut:
    url = await database_url(folder, "fan-out", server)
    _, mixers = await prepare(url, fan_out=count)
    api = MixBotApi(is_reply)
    api.start()
    try:
        bot = service(api, url, folder, FAN_OUT)
        try:
            await bot.wait_log("service running")
            await api.wait_for(
                lambda sent: [s for s in sent if s.chat_id >= FAN_OUT_CHAT], timeout=120.0
            )  # the fan-out has begun
            during = await run_mix(api, mixers, rounds)

            def fan_sends() -> list[float]:
                return [
                    c.time
                    for c in api.calls_of("sendMessage")
                    if c.status == 200 and int(c.params["chat_id"]) >= FAN_OUT_CHAT
                ]

            deadline = time.monotonic() + count / 20 + 120
            # polled twice a second: this process serves the Bot API too
            while len(set(_fan_chats(api))) < count and time.monotonic() < deadline:  # noqa: ASYNC110
                await asyncio.sleep(0.5)
            await asyncio.sleep(2.0)  # anything sent twice would arrive now
            times = sorted(fan_sends())
        finally:
            bot.stop()
    finally:
        api.stop()
    chats = Counter(_fan_chats(api))
    rate = (len(times) - 1) / (times[-1] - times[0]) if len(times) > 1 else 0.0
    return FanOut(during, rate, sum(n - 1 for n in chats.values()), count - len(chats))


def _fan_chats(api: TimedBotApi) -> list[int]:
    return [
        int(c.params["chat_id"])
        for c in api.calls_of("sendMessage")
        if c.status == 200 and int(c.params["chat_id"]) >= FAN_OUT_CHAT
    ]


async def main_async(quick: bool, count: int, server: str | None = None) -> None:
    rounds = 1 if quick else 3
    compile_sources()
    with tempfile.TemporaryDirectory(prefix="bench-mix-") as name:
        folder = Path(name)
        print(
            f"{MIXERS} officers sending the mix, ~1 request/s each; {ACCOUNTS} linked accounts",
            flush=True,
        )
        print(f"database: {(server or 'sqlite').split(':')[0]}", flush=True)
        defaults, fast, burst_rate, (echo_rate, json_echo) = await quiet_runs(
            folder, rounds, server
        )
        print_mix("mix, production defaults (SEND_RATE 25)", defaults)
        print_mix("mix, SEND_RATE=10000", fast)
        ratio = burst_rate / echo_rate
        print(
            f"burst of {ACCOUNTS} accounts at once, production defaults: {burst_rate:.0f} replies/s; "
            f"echo bot {echo_rate:.0f}/s = {ratio:.0%}; "
            f"echo bot on JsonRequest {json_echo:.0f}/s = {burst_rate / json_echo:.0%}",
            flush=True,
        )
        fan = await fan_out_run(folder, count, rounds, server)
        print_mix(f"mix during a {count:,}-reminder fan-out (SEND_RATE 25)", fan.during)
        print(
            f"fan-out: {fan.rate:.1f} msg/s ({fan.rate / 25:.0%} of SEND_RATE), "
            f"{fan.duplicates} duplicates, {fan.missing} missing"
        )
    print("\nfigure                                        measured   target")
    rows = [
        (
            "mix p99, production defaults",
            f"{defaults.run().pct(99):.1f} ms",
            "≤ 50 ms",
            defaults.run().pct(99) <= TARGETS["mix_p99"],
        ),
        (
            "mix p99, SEND_RATE=10000",
            f"{fast.run().pct(99):.1f} ms",
            "≤ 50 ms",
            fast.run().pct(99) <= TARGETS["mix_p99"],
        ),
        (
            "/nhiemvu <mã> p99, production defaults",
            f"{Run(defaults.by_kind['detail'], 1).pct(99):.1f} ms",
            "≤ 30 ms",
            Run(defaults.by_kind["detail"], 1).pct(99) <= TARGETS["detail_p99"],
        ),
        (
            "replies' p99 during the fan-out",
            f"{fan.during.run().pct(99):.1f} ms",
            "≤ 100 ms",
            fan.during.run().pct(99) <= TARGETS["fan_out_p99"],
        ),
        ("fan-out rate vs SEND_RATE", f"{fan.rate / 25:.0%}", "≥ 90 %", fan.rate / 25 >= 0.9),
        (
            "fan-out duplicates / missing",
            f"{fan.duplicates} / {fan.missing}",
            "0 / 0",
            fan.duplicates == fan.missing == 0,
        ),
        (f"burst of {ACCOUNTS} vs echo bot", f"{ratio:.0%}", "≥ 60 %", ratio >= TARGETS["burst"]),
    ]
    for label, value, target, ok in rows:
        print(f"{label:<44} {value:>10}   {target:<9} {verdict(ok)}")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--quick", action="store_true", help="one round of the mix, 1,000 reminders"
    )
    parser.add_argument("--count", type=int, help="reminders in the fan-out (default 5,000)")
    parser.add_argument("--bursts", type=int, help="only the burst, this many times")
    parser.add_argument(
        "--database-url",
        help="postgresql+asyncpg://user@host:port/db of a server where the user may create "
        "databases: the runs use new databases bench_mix and bench_fan_out on it",
    )
    args = parser.parse_args(argv)
    count = args.count or (1_000 if args.quick else 5_000)
    if args.bursts:
        with tempfile.TemporaryDirectory(prefix="bench-burst-") as name:
            asyncio.run(burst_runs(Path(name), args.bursts, args.database_url))
        return
    asyncio.run(main_async(args.quick, count, args.database_url))


if __name__ == "__main__":
    main()
