"""``python -m bot run``: the long-running service, until SIGINT or SIGTERM."""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
import sys
from typing import Protocol

from bot.logs import setup_logging
from bot.service import open_service
from bot.settings import Settings
from scheduler.announcements import AnnouncementSender
from scheduler.planner import Rules
from scheduler.service import Outbox, ReminderService


class Channel(Outbox, Protocol):
    async def stop(self) -> None: ...


def rules_from(settings: Settings) -> Rules:
    return Rules(
        offsets=settings.reminder_offsets,
        send_time=settings.reminder_time,
        zone=settings.zone,
        escalate_after_days=settings.escalate_after_days,
    )


NO_TOKEN = """No channel is configured: set TELEGRAM_BOT_TOKEN (from @BotFather) and/or
ZALO_BOT_TOKEN, in the environment or in .env, then run again.

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
    if settings.telegram_bot_token is None and settings.zalo_bot_token is None:
        print(NO_TOKEN, file=sys.stderr)
        return 1
    setup_logging(settings.log_level, settings.secrets())
    service = await open_service(settings, seed_if_empty=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    channels: list[Channel] = []
    reminders = None
    announcements = None
    try:
        if settings.telegram_bot_token is not None:
            from bot.telegram_channel import TelegramChannel

            telegram = TelegramChannel(service.engine, settings)
            await telegram.start()
            channels.append(telegram)
        if settings.zalo_bot_token is not None:
            from bot.zalo_channel import ZaloChannel

            zalo = ZaloChannel(service.engine, settings)
            await zalo.start()
            channels.append(zalo)
        service.engine.outboxes = {c.channel: c for c in channels}  # notices for others
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
            reminders.limiter,
            leadership=reminders.leadership,  # one lock: the reminder sender sends these too
        )
        service.engine.on_change.append(announcements.wake)
        await reminders.start()
        await announcements.start()
        settle_heap()
        log.info("service running; stop with Ctrl-C or SIGTERM")
        await stop.wait()
    finally:
        if announcements is not None:
            await announcements.stop()
        if reminders is not None:
            await reminders.stop()
        for channel in reversed(channels):
            await channel.stop()
        await service.close()
        log.info("service stopped")
    return 0
