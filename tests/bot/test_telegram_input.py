"""Bad input through the Telegram stack (python-telegram-bot and the local Bot API server): any
text as a private message gets exactly one answer; the same text as an edited message, a channel
post or another bot's message gets the documented silence; in a group, silence or the group
answer. Nothing fails."""

from __future__ import annotations

import logging
from collections import Counter

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.telegram_channel import TelegramChannel
from chat import texts
from db.session import Database
from domain.clock import FrozenClock
from fakes.bot_api import FakeBotApi
from handlers.engine import Engine
from tests.bot.test_telegram import TOKEN, VINH, Harness, settings_for
from tests.conftest import ZONE

OTHER_BOT, CHANNEL, GROUP = 4242, -100999, -100123
TEXT = st.one_of(
    st.text(min_size=1, max_size=300),
    st.sampled_from(["/nhiemvu", "/capnhat I.5 ", "/start ", "/hoantac ", "/"]).flatmap(
        lambda head: st.text(max_size=100).map(lambda tail: head + tail)
    ),
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=TEXT)
@example(text="/capnhat I.5 xong")
@example(text="<b>đậm</b> ' OR 1=1 -- 👨‍👩‍👧 \x00\u200b")
async def test_any_update_gets_one_answer_or_a_documented_silence(
    seeded: Database, clock: FrozenClock, caplog: pytest.LogCaptureFixture, text: str
) -> None:
    caplog.set_level(logging.WARNING)
    with FakeBotApi(token=TOKEN) as api:
        # A channel per example: stopping it waits for the updates being handled.
        channel = TelegramChannel(Engine(seeded, clock, ZONE), settings_for(api, seeded))
        await channel.start()
        try:
            await Harness(api, seeded, channel.engine, channel, clock).link("le-hong-vinh", VINH)
            api.push_edited_message(VINH, text)
            api.push_channel_post(CHANNEL, text)
            api.push_message(OTHER_BOT, text, is_bot=True)
            api.push_message(VINH, text, chat_id=GROUP)
            api.push_message(VINH, text)
            api.push_message(VINH, "/trogiup")  # fetched after all the others
            await api.wait_for(lambda s: any("/capnhat <mã>" in (m.text or "") for m in s) or None)
        finally:
            await channel.stop()
    sent = Counter(s.chat_id for s in api.sent)
    assert sent[VINH] == 2  # the message's answer and /trogiup's; none for the edit
    assert sent[OTHER_BOT] == sent[CHANNEL] == 0
    assert sent[GROUP] <= 1 and set(sent) <= {VINH, GROUP}
    assert all(s.text and s.text != texts.INTERNAL_ERROR for s in api.sent)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
