"""``python -m bot run``: the long-running service, until SIGINT or SIGTERM."""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
import sys
from typing import Protocol

from bot.housekeeping import Housekeeping
from bot.instance_lock import InstanceLock
from bot.logs import log_loop_exception, setup_logging
from bot.settings import Settings
from bot.startup import StartupError, one_line, start_with_retries
from bot.wiring import open_service, web_desk
from chat.delivery import Outbox
from scheduler.announcements import AnnouncementSender
from scheduler.planner import Rules
from scheduler.reminders import ReminderService


class Channel(Outbox, Protocol):
    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    def start_is_transient(self, exc: BaseException) -> bool:
        """Whether a failure of ``start`` is worth trying again (the network, a 5xx)."""
        ...


def rules_from(settings: Settings) -> Rules:
    return Rules(
        offsets=settings.reminder_offsets,
        send_time=settings.reminder_time,
        zone=settings.zone,
        escalate_after_days=settings.escalate_after_days,
        repeat_unacknowledged=settings.repeat_unacknowledged,
    )


NO_TOKEN = """No channel is configured: set TELEGRAM_BOT_TOKEN (from @BotFather) and/or
ZALO_BOT_TOKEN, in the environment or in .env, then run again (with WEB_PORT set, the service
also serves the web desk; see docs/OPERATIONS.md).

To try the service without a token, open the console on the seeded plan:
    python -m bot chat --as "Lê Hồng Vinh"
"""
log = logging.getLogger(__name__)
# The young generation is collected every 10,000 allocations instead of every 700, the older ones
# less often too: one /nhiemvu allocates thousands of short-lived objects, and with the default
# every message paid for several collections (bench.province: 12.4 -> 9.9 ms of CPU per message
# at saturation).
GC_THRESHOLDS = (10_000, 50, 100)  # Python's: (700, 10, 10)


def settle_heap() -> None:
    """After start-up: what is loaded by then (modules, the bot, the plan) lives as long as the
    process, so the collector stops walking it (``gc.freeze``), and collects the young less often.
    Garbage is still collected; only the walks over what never becomes garbage are spared."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


async def run_service(settings: Settings) -> int:
    """Run until SIGINT or SIGTERM (0). A start-up failure ends in one logged line that says
    what to check (1): a rejected token, a database that cannot be opened, another instance on
    the same SQLite file."""
    serves_web = "web_port" in settings.model_fields_set
    if settings.telegram_bot_token is None and settings.zalo_bot_token is None and not serves_web:
        print(NO_TOKEN, file=sys.stderr)
        return 1
    setup_logging(settings.log_level, settings.secrets())
    loop = asyncio.get_running_loop()
    loop.set_exception_handler(log_loop_exception)
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    database_file = settings.sqlite_path()
    lock = InstanceLock(database_file) if database_file is not None else None
    if lock is not None and not lock.acquire():
        log.error(
            "another instance (process %s) is already running on %s; stop it first "
            "(one service per SQLite file; several instances need PostgreSQL)",
            lock.holder(),
            database_file,
        )
        return 1
    try:
        return await _serve(settings, stop)
    except StartupError as exc:
        log.error("start-up failed: %s", exc)
        return 1
    except Exception as exc:  # a bug: its traceback (redacted), then the one line to read
        log.critical("the service failed", exc_info=True)
        log.error("stopped: %s (traceback above)", one_line(exc))
        return 1
    finally:
        if lock is not None:
            lock.release()


def _refusal(exc: BaseException) -> StartupError | None:
    """A channel's refusal at start, as the line that says what to check."""
    from telegram.error import InvalidToken

    if isinstance(exc, InvalidToken):
        return StartupError(
            "Telegram refused the token (401/404): check TELEGRAM_BOT_TOKEN and TELEGRAM_API_BASE"
        )
    from bot.zalo_channel import ZaloError

    if isinstance(exc, ZaloError):
        return StartupError(
            f"Zalo refused the start ({exc.status}): check ZALO_BOT_TOKEN and ZALO_API_BASE"
        )
    return None


async def _start_channel(name: str, channel: Channel, stop: asyncio.Event) -> bool:
    """Start one channel, retrying while it cannot be reached; False: stopped meanwhile."""
    try:
        started = await start_with_retries(name, channel.start, channel.start_is_transient, stop)
    except Exception as exc:
        refusal = _refusal(exc)
        await channel.stop()
        if refusal is not None:
            raise refusal from exc
        raise StartupError(f"{name} did not start ({one_line(exc)})") from exc
    if not started:
        await channel.stop()
    return started


async def _serve(settings: Settings, stop: asyncio.Event) -> int:
    service = await open_service(settings, seed_if_empty=True)
    channels: list[Channel] = []
    reminders = None
    announcements = None
    housekeeping = Housekeeping(service.database, service.clock)
    desk = None
    try:
        if "web_port" in settings.model_fields_set:  # WEB_PORT set: the web desk too
            from web.server import Background

            desk = Background(web_desk(service), settings.web_host, settings.web_port)
            await desk.start()
        if settings.telegram_bot_token is not None:
            from bot.telegram_channel import TelegramChannel

            telegram = TelegramChannel(service.engine, settings)
            if not await _start_channel("Telegram", telegram, stop):
                raise StartupError(
                    "stopped before Telegram could be reached: check TELEGRAM_API_BASE and the network"
                )
            channels.append(telegram)
        if settings.zalo_bot_token is not None:
            from bot.zalo_channel import ZaloChannel

            zalo = ZaloChannel(service.engine, settings)
            if not await _start_channel("Zalo", zalo, stop):
                raise StartupError(
                    "stopped before Zalo could be reached: check ZALO_API_BASE and the network"
                )
            channels.append(zalo)
        reminders = ReminderService(
            service.database,
            service.clock,
            rules_from(settings),
            {c.channel: c for c in channels},
            send_rate=settings.send_rate,
        )
        service.engine.on_change.append(reminders.plan_changed)
        announcements = AnnouncementSender(
            service.database,
            service.clock,
            {c.channel: c for c in channels},
            reminders.pacer.limiter,
            leadership=reminders.leadership,  # one lock: the reminder sender sends these too
        )
        service.engine.on_change.append(announcements.wake)
        await reminders.start()
        await announcements.start()
        housekeeping.start()
        settle_heap()
        log.info("service running; stop with Ctrl-C or SIGTERM")
        await stop.wait()
    finally:
        await housekeeping.stop()
        if announcements is not None:
            await announcements.stop()
        if reminders is not None:
            await reminders.stop()
        for channel in reversed(channels):
            await channel.stop()
        if desk is not None:
            await desk.stop()
        await service.close()
        log.info("service stopped")
    return 0
