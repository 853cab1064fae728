"""Replies to members who just wrote are not held to the bulk-send limit (``SEND_RATE``).

Telegram's ~30 messages/s is for bulk notifications; answers to users who wrote are not the bulk
case. Reminders, digests and announcements pace themselves (the scheduler's limiter and one
second per chat); the application's limiter keeps only the group limit and the 429 retries.
"""

from __future__ import annotations

import asyncio

from bot.telegram_channel import TelegramChannel
from chat import texts
from db.session import Database
from domain.clock import FrozenClock
from fakes.bot_api import FakeBotApi
from handlers.engine import Engine
from tests.bot.test_telegram import TOKEN, settings_for
from tests.conftest import ZONE

MEMBERS = 12


async def test_a_burst_of_members_is_answered_at_once_whatever_the_bulk_rate(
    seeded: Database, clock: FrozenClock
) -> None:
    api = FakeBotApi(token=TOKEN).start()
    # one bulk message a second: the old overall limiter held the 12th answer ~11 s
    channel = TelegramChannel(Engine(seeded, clock, ZONE), settings_for(api, seeded, send_rate=1))
    await channel.start()
    try:
        users = range(7001, 7001 + MEMBERS)
        for user in users:
            api.push_message(user, "/nhiemvu")
        answers = await asyncio.gather(*(api.wait_sent(u, 1, timeout=20.0) for u in users))
    finally:
        await channel.stop()
        api.stop()
    assert all(sent[0].text == texts.NOT_LINKED for sent in answers)
    times = sorted(sent[0].time for sent in answers)
    assert times[-1] - times[0] < 4.0, times
