"""Zalo end to end: the Zalo channel (httpx) against a local server that speaks the Zalo Bot API
(fakes/zalo_api.py), the same engine, database and reminder service as Telegram."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import time, timedelta

import pytest
from sqlalchemy import select

from bot.logs import setup_logging
from bot.settings import Settings
from bot.telegram_channel import TelegramChannel
from bot.zalo_channel import ZaloChannel
from chat import texts
from db import records
from db.invites import create_invite
from db.models import ChatAccount, Member, StatusChange
from db.session import Database
from domain.clock import FrozenClock
from fakes.bot_api import FakeBotApi
from fakes.zalo_api import FakeZaloApi
from handlers.engine import Engine
from scheduler.leader import Always
from scheduler.planner import Rules
from scheduler.reminders import ReminderService
from tests.bot.test_telegram import TOKEN as TG_TOKEN
from tests.conftest import ZONE, local

TOKEN = "1234567890:zalo-fake-token-for-tests-abcdefgh"
VINH, TRUNG, STRANGER = "zl-1001", "zl-2001", "zl-6666"


@dataclass
class Zalo:
    api: FakeZaloApi
    database: Database
    engine: Engine
    channel: ZaloChannel
    clock: FrozenClock

    async def ask(self, user: str, text: str, count: int = 1) -> list[str]:
        before = len(self.api.messages_to(user))
        self.api.push_text(user, text)
        sent = await self.api.wait_sent(user, before + count)
        return [s.text for s in sent[before:]]

    async def link(self, key: str, user: str) -> None:
        async with self.database.transaction(write=True) as session:
            member = await session.scalar(select(Member).where(Member.key == key))
            assert member is not None
            await records.link_account(session, member, "zalo", user, now=self.clock.now())


def settings_for(api: FakeZaloApi, database: Database, **extra: object) -> Settings:
    return Settings(
        _env_file=None,
        database_url=database.url,
        zalo_bot_token=TOKEN,
        zalo_api_base=api.base_url,
        **extra,
    )  # type: ignore[call-arg]


@pytest.fixture
async def zalo(seeded: Database, clock: FrozenClock) -> AsyncIterator[Zalo]:
    with FakeZaloApi(token=TOKEN) as api:
        engine = Engine(seeded, clock, ZONE)
        channel = ZaloChannel(engine, settings_for(api, seeded), poll_timeout=1, retry_seconds=2)
        await channel.start()
        try:
            yield Zalo(api, seeded, engine, channel, clock)
        finally:
            await channel.stop()


async def test_join_then_ask_what_is_mine(zalo: Zalo) -> None:
    async with zalo.database.transaction(write=True) as session:
        vinh = await session.scalar(select(Member).where(Member.key == "le-hong-vinh"))
        assert vinh is not None
        code = await create_invite(session, vinh, now=zalo.clock.now())
    assert await zalo.ask(STRANGER, "/nhiemvu") == [texts.NOT_LINKED]
    (welcome,) = await zalo.ask(VINH, f"/start {code}")
    assert welcome.startswith("Xin chào đồng chí Lê Hồng Vinh! Tài khoản Zalo này đã được liên kết")
    listing = "\n".join(await zalo.ask(VINH, "nhiem vu cua toi", count=2))  # over 2,000 chars
    assert "Nhiệm vụ của đồng chí Lê Hồng Vinh" in listing and "• I.5 ·" in listing


async def test_report_by_number_then_by_reply(zalo: Zalo) -> None:
    await zalo.link("le-hong-vinh", VINH)
    (detail,) = await zalo.ask(VINH, "/nhiemvu I.5")
    assert detail.endswith(
        "Trả lời bằng số:\n1. Đang thực hiện\n2. Hoàn thành\n3. Gặp vướng mắc\n4. ⏳ Xin gia hạn"
    )
    (question,) = await zalo.ask(VINH, "2")  # Hoàn thành: which day?
    assert question.endswith("Trả lời bằng số:\n1. Hôm nay\n2. Hôm qua")
    (done,) = await zalo.ask(VINH, "1")
    assert done.startswith("Đã cập nhật nhiệm vụ I.5: Chưa triển khai → Hoàn thành (100%).")
    assert done.endswith("1. ↩️ Hoàn tác")  # the undo choice is now number 1
    (undone,) = await zalo.ask(VINH, "1")
    assert undone == "Đã hoàn tác: nhiệm vụ I.5 trở lại Chưa triển khai."
    (progress,) = await zalo.ask(VINH, "đang làm 60% đã trình dự thảo")  # about I.5, shown last
    assert progress.startswith("Đã cập nhật nhiệm vụ I.5: Chưa triển khai → Đang thực hiện (60%).")
    (chatter,) = await zalo.ask(VINH, "cảm ơn")  # not an update: not written anywhere
    assert chatter == texts.UNKNOWN
    async with zalo.database.transaction() as session:
        changes = (await session.scalars(select(StatusChange).order_by(StatusChange.id))).all()
        assert [(c.channel, c.new_status) for c in changes] == [
            ("zalo", "hoan_thanh"),
            ("zalo", "chua_trien_khai"),
            ("zalo", "dang_thuc_hien"),
        ]


async def test_an_extension_request_by_number_then_the_next_message(zalo: Zalo) -> None:
    await zalo.link("le-hong-vinh", VINH)
    await zalo.ask(VINH, "/nhiemvu III.5")
    (question,) = await zalo.ask(VINH, "4")  # ⏳ Xin gia hạn
    assert question.startswith("Xin gia hạn nhiệm vụ III.5 (hạn hiện tại 31/12/2024).")
    (filed,) = await zalo.ask(VINH, "31/03/2025 chờ hướng dẫn của Bộ Nội vụ")
    assert filed.startswith("Đã gửi yêu cầu gia hạn số 1 cho cơ quan thường trực: nhiệm vụ III.5")


async def test_long_replies_are_cut_at_2000_on_line_boundaries(zalo: Zalo) -> None:
    await zalo.link("le-hong-vinh", VINH)
    zalo.api.push_text(VINH, "/nhiemvu")
    sent = await zalo.api.wait_sent(VINH, 2)
    assert all(len(s.text) <= 2000 for s in sent)
    joined = "\n".join(s.text for s in sent)
    assert joined.count("• ") == 17 and joined.endswith("ví dụ /nhiemvu I.5")


async def test_images_stickers_duplicates_and_bare_updates(zalo: Zalo) -> None:
    await zalo.link("le-hong-vinh", VINH)
    zalo.api.push_event(VINH, "message.image.received")
    answer = (await zalo.api.wait_sent(VINH))[0].text
    assert answer == texts.ZALO_UNSUPPORTED and "gửi qua Telegram" in answer  # files: Telegram
    zalo.api.push_text(VINH, "/trogiup", message_id="dup-1")
    zalo.api.push_text(VINH, "/trogiup", message_id="dup-1")  # delivered twice by Zalo
    zalo.api.push_text(VINH, "/quahan", wrapped=False)  # the bare update form
    sent = await zalo.api.wait_sent(VINH, 3)
    assert sent[1].text.startswith("Các lệnh của bot") and sent[2].text.startswith(
        "Nhiệm vụ quá hạn"
    )
    assert len(zalo.api.messages_to(VINH)) == 3


async def test_errors_back_off_and_nothing_is_lost(
    zalo: Zalo, capfd: pytest.CaptureFixture[str]
) -> None:
    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level
    setup_logging("DEBUG", zalo.channel.settings.secrets())  # the service's own log setup
    try:
        await zalo.link("le-hong-vinh", VINH)
        zalo.api.fail_next("getUpdates", 502)  # the poll after the one already waiting
        zalo.api.fail_next("sendMessage", 500)
        zalo.api.fail_next("sendMessage", 429, ok_false_in_200=True)  # an error inside a 200
        (answer,) = await zalo.ask(VINH, "/trogiup")
        assert answer.startswith("Các lệnh của bot")
        assert (await zalo.ask(VINH, "/trogiup"))[0].startswith("Các lệnh")  # after the 502
    finally:
        root.handlers[:] = saved_handlers
        root.setLevel(saved_level)
    logged = capfd.readouterr().err
    assert "zalo getUpdates failed with 502" in logged and "Retrying" in logged
    assert TOKEN not in logged


async def test_reminders_reach_zalo_and_both_channels(seeded: Database) -> None:
    clock = FrozenClock(local("2024-09-27 08:00"))
    rules = Rules(
        offsets=tuple(timedelta(days=d) for d in (7, 3, 1, 0)), send_time=time(8), zone=ZONE
    )
    with FakeZaloApi(token=TOKEN) as zapi, FakeBotApi(token=TG_TOKEN) as tapi:
        engine = Engine(seeded, clock, ZONE)
        zchannel = ZaloChannel(engine, settings_for(zapi, seeded), poll_timeout=1, retry_seconds=2)
        tsettings = Settings(
            _env_file=None,
            database_url=seeded.url,
            telegram_bot_token=TG_TOKEN,
            telegram_api_base=tapi.base_url,
        )  # type: ignore[call-arg]
        tchannel = TelegramChannel(engine, tsettings, retry_seconds=2)
        await zchannel.start()
        await tchannel.start()
        try:
            harness = Zalo(zapi, seeded, engine, zchannel, clock)
            await harness.link("nguyen-duc-trung", TRUNG)
            async with seeded.transaction(write=True) as session:
                trung = await session.scalar(select(Member).where(Member.key == "nguyen-duc-trung"))
                assert trung is not None
                await records.link_account(session, trung, "telegram", "3001", now=clock.now())
            service = ReminderService(
                seeded,
                clock,
                rules,
                {"zalo": zchannel, "telegram": tchannel},
                per_chat_seconds=0.05,
                leadership=Always(),  # never started nor stopped: no lock to hold
            )
            assert await service.run_due() == 2  # one reminder, on both of his accounts
            (on_zalo,) = zapi.messages_to(TRUNG)
            assert (
                on_zalo.text.startswith("🔔 Nhắc việc · I.10") and "2. Hoàn thành" in on_zalo.text
            )
            assert "I.10" in (tapi.messages_to(3001)[0].text or "")
            (answer,) = await harness.ask(TRUNG, "xong")  # answering the reminder on Zalo
            assert answer.startswith("Đã cập nhật nhiệm vụ I.10:")
            # He chooses Zalo only: the next reminder (Monday 30/09) goes there alone.
            await harness.ask(TRUNG, "/kenh zalo")
            clock.instant = local("2024-09-30 08:00")
            await service.run_due()
            assert len(tapi.messages_to(3001)) == 1
        finally:
            await zchannel.stop()
            await tchannel.stop()


async def test_the_report_on_zalo_says_where_the_chart_and_workbook_are(zalo: Zalo) -> None:
    async with zalo.database.transaction(write=True) as session:
        trung = await session.scalar(select(Member).where(Member.key == "nguyen-duc-trung"))
        assert trung is not None
        trung.is_admin = True
    await zalo.link("nguyen-duc-trung", TRUNG)
    zalo.api.push_text(TRUNG, "/baocao")
    for count in range(1, 6):  # the report is cut at 2,000 characters: wait for its last piece
        pieces = [s.text for s in await zalo.api.wait_sent(TRUNG, count)]
        if pieces[-1].endswith(texts.REPORT_NO_FILES_HERE):
            break
    assert pieces[0].startswith("📊 BÁO CÁO TIẾN ĐỘ")
    assert pieces[-1].endswith(texts.REPORT_NO_FILES_HERE)
    assert all(len(p) <= 2000 for p in pieces)


async def test_a_group_chat_gets_the_group_rule_as_on_telegram(zalo: Zalo) -> None:
    """A linked member's /nhiemvu in a Zalo group once got their personal list in the group."""
    await zalo.link("le-hong-vinh", VINH)
    group = "zl-group-77"
    for text in ("/nhiemvu", "/nhiemvu I.5", "/quahan", "/capnhat I.5 xong", "nhiệm vụ của tôi"):
        before = len(zalo.api.messages_to(group))
        zalo.api.push_text(VINH, text, chat_id=group)
        assert (await zalo.api.wait_sent(group, before + 1))[-1].text == texts.GROUP_PRIVATE, text
    zalo.api.push_text(VINH, "xong", chat_id=group)  # chatter: silence
    zalo.api.push_text(VINH, "/trogiup", chat_id=group)
    (*_, help_) = await zalo.api.wait_sent(group, 6)
    assert help_.text.startswith("Các lệnh của bot") and len(zalo.api.messages_to(group)) == 6
    assert not zalo.api.messages_to(VINH)  # nothing went to the member's own chat either
    (mine,) = await zalo.ask(VINH, "/nhiemvu I.5")  # privately, as before
    assert mine.startswith("I.5 ·")
    async with zalo.database.transaction() as session:
        assert (await session.scalars(select(StatusChange))).all() == []


async def test_a_lone_surrogate_or_odd_digits_from_zalo_are_answered_plainly(
    zalo: Zalo, caplog: pytest.LogCaptureFixture
) -> None:
    """JSON may carry a lone surrogate (\\ud800), which no database stores: dropped at the
    engine's entry, in a display name too. "²" is not a choice number."""
    async with zalo.database.transaction(write=True) as session:
        vinh = await session.scalar(select(Member).where(Member.key == "le-hong-vinh"))
        assert vinh is not None
        code = await create_invite(session, vinh, now=zalo.clock.now())
    caplog.clear()
    zalo.api.push_text(VINH, f"/start {code}", display_name="Vinh\ud800 \u202eLê")
    (welcome,) = await zalo.api.wait_sent(VINH)
    assert welcome.text.startswith("Xin chào đồng chí Lê Hồng Vinh!")
    (detail,) = await zalo.ask(VINH, "/nhiemvu I.5")
    assert detail.endswith("3. Gặp vướng mắc\n4. ⏳ Xin gia hạn")
    assert await zalo.ask(VINH, "²") == [texts.UNKNOWN]  # not choice 2
    (noted,) = await zalo.ask(VINH, "ghi chú đã họp\ud800 lần 2")
    assert noted == "Đã ghi chú vào nhiệm vụ I.5: “đã họp lần 2”"
    async with zalo.database.transaction() as session:
        account = await session.scalar(select(ChatAccount).where(ChatAccount.external_id == VINH))
        assert account is not None and account.display_name == "Vinh Lê"
        assert [c.note for c in (await session.scalars(select(StatusChange))).all()] == [
            "đã họp lần 2"
        ]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
