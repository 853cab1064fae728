"""Telegram end to end: the real python-telegram-bot Application against a local server that
speaks the Bot API (fakes/bot_api.py). Nothing leaves the machine."""

from __future__ import annotations

import asyncio
import io
import logging
import os
import re
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select, update

from bot.logs import setup_logging
from bot.settings import Settings
from bot.telegram_channel import TelegramChannel
from chat import texts
from db import records
from db.invites import create_invite
from db.models import Member, SentMessage, StatusChange, Task
from db.session import Database
from domain.clock import FrozenClock
from fakes.bot_api import FakeBotApi, Sent
from fakes.builders import add_next_years_plan, task_id_of
from handlers.engine import Engine
from reports.workbook import HEADER_ROW
from tests.conftest import ZONE

TOKEN = "987654321:AAH-fake-token-for-tests_0123456789abcdef"
VINH, CUONG, ADMIN, STRANGER = 1001, 1002, 1003, 6666


@dataclass
class Harness:
    api: FakeBotApi
    database: Database
    engine: Engine
    channel: TelegramChannel
    clock: FrozenClock

    async def link(self, member_key: str, user_id: int, *, admin: bool = False) -> None:
        async with self.database.transaction(write=True) as session:
            member = await session.scalar(select(Member).where(Member.key == member_key))
            if member is None:
                member = Member(
                    key=member_key,
                    full_name=member_key,
                    is_admin=admin,
                    created_at=self.clock.now(),
                )
                session.add(member)
                await session.flush()
            await records.link_account(
                session, member, "telegram", str(user_id), now=self.clock.now()
            )

    async def ask(self, user_id: int, text: str, count: int = 1, **options: object) -> list[Sent]:
        before = len(self.api.messages_to(user_id))
        self.api.push_message(user_id, text, **options)  # type: ignore[arg-type]
        sent = await self.api.wait_sent(user_id, before + count)
        return sent[before:]

    async def tap(self, user_id: int, message: Sent, label: str, count: int = 1) -> list[Sent]:
        data = button(message, label)
        before = len(self.api.messages_to(user_id))
        self.api.push_callback(user_id, message.message_id, data)
        return (await self.api.wait_sent(user_id, before + count))[before:]


def button(message: Sent, label: str) -> str:
    assert message.reply_markup is not None, message.text
    for row in message.reply_markup["inline_keyboard"]:
        for b in row:
            if b["text"] == label:
                return str(b["callback_data"])
    raise AssertionError(f"no button {label!r} in {message.reply_markup}")


def settings_for(api: FakeBotApi, database: Database, **extra: object) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url=database.url,
        telegram_bot_token=TOKEN,
        telegram_api_base=api.base_url,
        **extra,
    )


@asynccontextmanager
async def telegram(
    database: Database, clock: FrozenClock, **options: Any
) -> AsyncIterator[tuple[FakeBotApi, Engine, TelegramChannel]]:
    """The real PTB channel, started against a local Bot API server; stopped after."""
    with FakeBotApi(token=TOKEN) as api:
        engine = Engine(database, clock, ZONE)
        channel = TelegramChannel(engine, settings_for(api, database), **options)
        await channel.start()
        try:
            yield api, engine, channel
        finally:
            await channel.stop()


@pytest.fixture
async def tg(seeded: Database, clock: FrozenClock) -> AsyncIterator[Harness]:
    async with telegram(seeded, clock) as (api, engine, channel):
        yield Harness(api, seeded, engine, channel, clock)


def codes(text: str | None) -> list[str]:
    return re.findall(r"^• ([IV]+\.\d+b?) ·", text or "", flags=re.M)


async def test_join_with_an_invite_then_ask_what_is_mine(tg: Harness) -> None:
    async with tg.database.transaction(write=True) as session:
        vinh = await session.scalar(select(Member).where(Member.key == "le-hong-vinh"))
        assert vinh is not None
        code = await create_invite(session, vinh, now=tg.clock.now())
    (welcome,) = await tg.ask(VINH, f"/start {code}")
    assert welcome.text is not None and welcome.text.startswith("Xin chào đồng chí Lê Hồng Vinh!")
    (again,) = await tg.ask(STRANGER, f"/start {code}")
    assert again.text == texts.INVITE_INVALID  # used codes do not work twice
    (listing,) = await tg.ask(VINH, "/nhiemvu cua toi")
    assert len(codes(listing.text)) == 17 and codes(listing.text)[0] == "I.5"
    (plain,) = await tg.ask(VINH, "nhiệm vụ của tôi")
    assert codes(plain.text) == codes(listing.text)


async def test_a_stranger_gets_only_how_to_join(tg: Harness) -> None:
    for message in ("/nhiemvu", "/nhiemvu I.5", "xin chào"):
        (answer,) = await tg.ask(STRANGER, message)
        assert answer.text == texts.NOT_LINKED


async def test_a_status_tap_then_a_note_by_reply_then_undo(tg: Harness) -> None:
    await tg.link("le-hong-vinh", VINH)
    (detail,) = await tg.ask(VINH, "/nhiemvu I.5")
    (question,) = await tg.tap(VINH, detail, "Hoàn thành")
    assert question.text is not None and question.text.startswith("Nhiệm vụ I.5 hoàn thành ngày")
    (confirmation,) = await tg.tap(VINH, question, texts.ACTION_TODAY)
    assert confirmation.text is not None
    assert confirmation.text.startswith(
        "Đã cập nhật nhiệm vụ I.5: Chưa triển khai → Hoàn thành (100%)."
    )
    assert "trả lời tin nhắn này" in confirmation.text
    assert tg.api.calls_of("answerCallbackQuery")  # the spinner stops
    (noted,) = await tg.ask(VINH, "Kế hoạch số 15/KH-UBND", reply_to=confirmation.message_id)
    assert noted.text == "Đã ghi văn bản, kết quả cho nhiệm vụ I.5: “Kế hoạch số 15/KH-UBND”"
    (undone,) = await tg.tap(VINH, confirmation, texts.ACTION_UNDO)
    assert undone.text == "Đã hoàn tác: nhiệm vụ I.5 trở lại Chưa triển khai."


async def test_replying_to_a_task_message_updates_that_task(tg: Harness) -> None:
    await tg.link("le-hong-vinh", VINH)
    (detail,) = await tg.ask(VINH, "/nhiemvu IV.4")
    (answer,) = await tg.ask(VINH, "đang làm 60% đã trình dự thảo", reply_to=detail.message_id)
    assert answer.text is not None
    assert answer.text.startswith(
        "Đã cập nhật nhiệm vụ IV.4: Chưa triển khai → Đang thực hiện (60%)."
    )
    assert button(answer, texts.ACTION_UNDO).startswith("/hoantac ")
    async with tg.database.transaction() as session:
        change = await session.scalar(select(StatusChange))
        assert change is not None and (change.channel, change.chat_id) == ("telegram", str(VINH))


async def test_a_forged_tap_changes_nothing(tg: Harness) -> None:
    await tg.link("le-hong-vinh", VINH)
    await tg.link("le-duc-cuong", CUONG)
    (detail,) = await tg.ask(VINH, "/nhiemvu I.5")
    data = button(detail, "Hoàn thành")
    # Lê Đức Cường replays Vinh's button in his own chat (same data, his identity).
    (own,) = await tg.ask(CUONG, "/trogiup")
    tg.api.push_callback(CUONG, own.message_id, data)
    refusal = (await tg.api.wait_sent(CUONG, 2))[-1]
    assert refusal.text is not None and "không thể thay đổi tình trạng nhiệm vụ I.5" in refusal.text
    async with tg.database.transaction() as session:
        assert (await session.scalars(select(StatusChange))).all() == []


async def test_long_replies_are_split_below_4096(tg: Harness) -> None:
    await tg.link("admin", ADMIN, admin=True)
    self_count = len(tg.api.messages_to(ADMIN))
    tg.api.push_message(ADMIN, "/tatca")
    sent = await tg.api.wait_for(
        lambda s: (
            [m for m in s if m.chat_id == ADMIN][self_count:]
            if sum("IV.9 ·" in (m.text or "") for m in s if m.chat_id == ADMIN)
            else None
        )
    )
    assert len(sent) >= 2
    assert all(len(m.text or "") <= 4096 for m in sent)
    assert len([c for m in sent for c in codes(m.text)]) == 42


async def test_task_text_is_sent_verbatim_without_a_parse_mode(tg: Harness) -> None:
    await tg.link("le-hong-vinh", VINH)
    tricky = "Kiểm tra <b>đậm</b> & _nghiêng_ *sao* [liên kết](http://x) `mã`"
    async with tg.database.transaction(write=True) as session:
        await session.execute(update(Task).where(Task.code == "I.5").values(content=tricky))
    (detail,) = await tg.ask(VINH, "/nhiemvu I.5")
    assert detail.text is not None and detail.text.startswith(f"I.5 · {tricky}")
    assert all("parse_mode" not in c.params for c in tg.api.calls_of("sendMessage"))
    # as a JSON body (bot.telegram_request), the Vietnamese as UTF-8, not a urlencoded form
    assert {c.body_type for c in tg.api.calls_of("sendMessage")} == {"application/json"}


async def test_button_data_stays_under_64_bytes(tg: Harness) -> None:
    await tg.link("admin", ADMIN, admin=True)
    (detail,) = await tg.ask(ADMIN, "/nhiemvu IV.4b")
    (confirmation,) = await tg.tap(ADMIN, detail, "Gặp vướng mắc")
    for message in (detail, confirmation):
        assert message.reply_markup is not None
        for row in message.reply_markup["inline_keyboard"]:
            assert all(len(b["callback_data"].encode()) <= 64 for b in row)


async def test_the_command_menu_is_in_vietnamese(tg: Harness) -> None:
    (call,) = tg.api.calls_of("setMyCommands")
    commands = {c["command"]: c["description"] for c in call.params["commands"]}
    assert commands["nhiemvu"] == "Nhiệm vụ của tôi" and "quahan" in commands


async def test_a_failing_menu_call_does_not_stop_the_service(
    seeded: Database, clock: FrozenClock
) -> None:
    with FakeBotApi(token=TOKEN) as api:
        api.fail_next("setMyCommands", times=5, status=500)
        channel = TelegramChannel(Engine(seeded, clock, ZONE), settings_for(api, seeded))
        await channel.start()
        try:
            api.push_message(STRANGER, "/nhiemvu")
            (answer,) = await api.wait_sent(STRANGER)
            assert answer.text == texts.NOT_LINKED
        finally:
            await channel.stop()


async def test_group_chats_get_no_personal_data(tg: Harness) -> None:
    await tg.link("le-hong-vinh", VINH)
    group = -100123
    tg.api.push_message(VINH, "/nhiemvu", chat_id=group)
    (answer,) = await tg.api.wait_sent(group)
    assert answer.text == texts.GROUP_PRIVATE


async def test_photos_edits_bots_and_channels(tg: Harness) -> None:
    await tg.link("le-hong-vinh", VINH)
    tg.api.push_photo(VINH)  # about no task: the bot says how to send it
    (answer,) = await tg.api.wait_sent(VINH)
    assert answer.text == texts.FILE_NO_TASK
    tg.api.push_sticker(VINH)
    assert (await tg.api.wait_sent(VINH, 2))[-1].text == texts.UNSUPPORTED
    tg.api.push_edited_message(VINH, "/capnhat I.5 xong")
    tg.api.push_message(4242, "/nhiemvu", is_bot=True)
    tg.api.push_channel_post(-100999, "/nhiemvu")
    (help_,) = await tg.ask(VINH, "/trogiup")  # processed after the three above
    assert help_.text is not None and "/nhiemvu" in help_.text
    assert len(tg.api.messages_to(VINH)) == 3 and not tg.api.messages_to(4242)
    assert not tg.api.messages_to(-100999)


async def test_the_token_never_reaches_the_logs(tg: Harness) -> None:
    """Through the service's own logging set-up (setup_logging, as `python -m bot run` calls
    it), at DEBUG: a message, a failed send and its retry leave log lines, none with the token
    and none of httpx's request lines (each carries the URL, and so the token)."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    noisy = {name: logging.getLogger(name).level for name in ("httpx", "httpcore")}
    stream = io.StringIO()
    try:
        setup_logging("DEBUG", [TOKEN])
        root.handlers[0].setStream(stream)  # type: ignore[attr-defined]
        await tg.link("le-hong-vinh", VINH)
        await tg.ask(VINH, "/nhiemvu")
        tg.api.fail_next("sendMessage", times=1, status=500)
        tg.api.push_message(VINH, "/trogiup")
        await tg.api.wait_calls("sendMessage", 3)
    finally:
        root.handlers[:], _ = saved
        root.setLevel(saved[1])
        for name, level in noisy.items():
            logging.getLogger(name).setLevel(level)
    text = stream.getvalue()
    assert "getUpdates" in text and "sendMessage" in text  # the traffic was logged
    assert TOKEN not in text
    assert "HTTP Request:" not in text and "httpcore" not in text


def test_webhook_url_without_a_secret_is_refused() -> None:
    with pytest.raises(ValueError, match="TELEGRAM_WEBHOOK_SECRET"):
        Settings(_env_file=None, telegram_webhook_url="https://x/telegram")  # type: ignore[call-arg]


async def test_an_admin_gets_the_report_with_its_chart_and_the_workbook(tg: Harness) -> None:
    await tg.link("office-admin", ADMIN, admin=True)
    await tg.link("le-hong-vinh", VINH)
    summary, chart = await tg.ask(ADMIN, "/baocao", count=2)
    assert summary.method == "sendMessage" and summary.text is not None
    assert summary.text.startswith("📊 BÁO CÁO TIẾN ĐỘ · Kế hoạch 02/KH-BCĐ năm 2024")
    assert "Tổng số: 42 nhiệm vụ" in summary.text
    assert chart.method == "sendPhoto"
    (name, _, data) = chart.files["photo"]
    assert name.endswith(".png") and data[:8] == b"\x89PNG\r\n\x1a\n"
    assert chart.text is not None and chart.text.startswith("Biểu đồ: Nhiệm vụ theo mục")
    caption, workbook = await tg.ask(ADMIN, "/xuat", count=2)
    assert caption.text is not None and caption.text.startswith("📎 Báo cáo Excel")
    assert workbook.method == "sendDocument"
    (filename, _, content) = workbook.files["document"]
    assert filename == "bao-cao-ke-hoach-2024-ngay-20-03-2024.xlsx"
    assert content[:2] == b"PK"  # a zip: the .xlsx container
    uploads = tg.api.calls_of("sendPhoto") + tg.api.calls_of("sendDocument")
    assert {c.body_type for c in uploads} == {"multipart/form-data"}  # files: PTB's own form
    (refused,) = await tg.ask(VINH, "/xuat")
    assert refused.text == texts.ADMIN_ONLY


async def _stored(database: Database, statement, expected: object) -> None:  # type: ignore[no-untyped-def]
    for _ in range(200):
        async with database.transaction() as session:
            if await session.scalar(statement) == expected:
                return
        await asyncio.sleep(0.025)
    raise AssertionError(f"never stored: {statement}")


async def test_a_reply_updates_the_task_it_answers_even_after_a_switch_of_year(
    tg: Harness,
) -> None:
    """A confirmation is bound to its task's id: replying to 2024's II.1 confirmation after
    /kehoach 2025 (even while Telegram was still taking the confirmation) changes 2024's II.1."""
    async with tg.database.transaction(write=True) as session:
        await add_next_years_plan(session, tg.clock.now())
        ids = {year: await task_id_of(session, "II.1", year) for year in (2024, 2025)}
    await tg.link("admin", ADMIN, admin=True)
    tg.api.fail_next("sendMessage", status=500, delay=1.0)  # the confirmation is slow to go out
    tg.api.push_message(ADMIN, "/capnhat II.1 đang thực hiện 50%")
    await _stored(tg.database, select(func.count(StatusChange.id)), 1)
    tg.api.push_message(ADMIN, "/kehoach 2025")  # answered while the confirmation is retried

    def confirmation(sent: list[Sent]) -> Sent | None:
        return next((m for m in sent if (m.text or "").startswith("Đã cập nhật")), None)

    confirmed = await tg.api.wait_for(confirmation, timeout=10)
    switched, later = (m.text or "" for m in tg.api.messages_to(ADMIN))
    assert switched.startswith("Đồng chí đang xem") and later == confirmed.text  # in this order
    await _stored(
        tg.database,
        select(SentMessage.task_id).where(SentMessage.message_id == str(confirmed.message_id)),
        ids[2024],
    )
    (answer,) = await tg.ask(ADMIN, "xong", reply_to=confirmed.message_id)
    assert answer.text is not None and "II.1" in answer.text and "→ Hoàn thành" in answer.text
    async with tg.database.transaction() as session:
        changed = (await session.scalars(select(StatusChange.task_id))).all()
    assert changed == [ids[2024], ids[2024]]  # 2025's II.1 untouched


async def test_button_data_with_odd_digits_or_control_characters_is_answered_plainly(
    tg: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    """Button data is text from outside like anything typed: cleaned at the engine's entry,
    and numbers read as ASCII digits within range."""
    await tg.link("le-hong-vinh", VINH)
    (detail,) = await tg.ask(VINH, "/nhiemvu I.5")
    caplog.clear()
    for data, answer in (
        ("/hoantac ²", texts.UNDO_UNKNOWN),
        ("/hoantac 99999999999999999999999", texts.UNDO_UNKNOWN),
        ("/kehoach ²²²²", "Không có kế hoạch năm ²²²². Các năm hiện có: 2024."),
    ):
        before = len(tg.api.messages_to(VINH))
        tg.api.push_callback(VINH, detail.message_id, data)
        assert (await tg.api.wait_sent(VINH, before + 1))[-1].text == answer
    before = len(tg.api.messages_to(VINH))
    tg.api.push_callback(VINH, detail.message_id, "/capnhat I.5 ghi chú\x01 họp\u202e xong\x0b")
    assert (await tg.api.wait_sent(VINH, before + 1))[-1].text == (
        "Đã ghi chú vào nhiệm vụ I.5: “họp xong”"
    )
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_a_reply_is_cleaned_as_a_command_is_and_the_plan_still_exports(
    tg: Harness, tmp_path: Path
) -> None:
    """Control and bidi characters in a reply are dropped before anything is stored (they once
    were stored: /xuat apologised, `export --xlsx` died on IllegalCharacterError)."""
    await tg.link("admin", ADMIN, admin=True)
    (done,) = await tg.ask(ADMIN, "/capnhat I.1 hoàn thành")
    (saved,) = await tg.ask(ADMIN, "Quyết định\x01 số\x0b 45/QĐ-UBND\x1b", reply_to=done.message_id)
    assert saved.text == "Đã ghi văn bản, kết quả cho nhiệm vụ I.1: “Quyết định số 45/QĐ-UBND”"
    (detail,) = await tg.ask(ADMIN, "/nhiemvu I.2")
    (noted,) = await tg.ask(ADMIN, "đã họp\u202e lần 2\x00", reply_to=detail.message_id)
    assert noted.text == "Đã ghi chú vào nhiệm vụ I.2: “đã họp lần 2”"
    async with tg.database.transaction() as session:
        stored = (await session.scalars(select(StatusChange).order_by(StatusChange.id))).all()
    assert [(c.note, c.evidence) for c in stored[1:]] == [
        (None, "Quyết định số 45/QĐ-UBND"),
        ("đã họp lần 2", None),
    ]
    _, document = await tg.ask(ADMIN, "/xuat", count=2)
    (_, _, content) = document.files["document"]
    cli = tmp_path / "export.xlsx"
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "ZALO_", "BOT_"))
    }
    environment.update(DATABASE_URL=tg.database.url, BOT_NOW="2024-03-20T09:00+07:00")
    exported = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "bot", "export", "--xlsx", str(cli)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=environment,
        timeout=60,
        check=False,
    )
    assert exported.returncode == 0, exported.stderr
    for workbook in (load_workbook(io.BytesIO(content)), load_workbook(cli)):
        rows = list(workbook["Kế hoạch 2024"].iter_rows(min_row=HEADER_ROW + 1, values_only=True))
        i1 = next(r for r in rows if str(r[1]).startswith("Ban hành Kế hoạch công tác"))
        assert str(i1[7]).startswith("Quyết định số 45/QĐ-UBND")  # the document column
