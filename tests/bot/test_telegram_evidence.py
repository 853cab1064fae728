"""Telegram end to end, for the verdict by the day it was really done: the real PTB
Application against the local Bot API server. A tap on Hoàn thành, "Hôm nay", a PDF sent as a
reply (kept with its checksum, listed, returned by /tailieu), the office confirming one
completion and returning another (CONFIRM_COMPLETION=1), each told in their own chat (through the announcements' ledger, as in the service)."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from contextlib import nullcontext
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.telegram_channel import TelegramChannel
from chat import texts
from db.models import EvidenceFile
from db.session import Database
from domain.clock import FrozenClock
from fakes.bot_api import FakeBotApi
from handlers.engine import Engine
from scheduler.announcements import AnnouncementSender
from tests.bot.test_telegram import ADMIN, TOKEN, VINH, Harness, button, settings_for
from tests.conftest import ZONE, local

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


@pytest.fixture
async def office(seeded: Database, tmp_path: Path) -> AsyncIterator[Harness]:
    api = FakeBotApi(token=TOKEN).start()
    clock = FrozenClock(local("2024-06-20 09:00"))
    settings = settings_for(api, seeded, confirm_completion=True, files_dir=tmp_path / "files")
    engine = Engine(
        seeded,
        clock,
        ZONE,
        confirm_completion=settings.confirm_completion,
        files_dir=settings.files_dir,
    )
    channel = TelegramChannel(engine, settings)
    # Notices to the office and the reporter go through the ledger, as in the service.
    notices = AnnouncementSender(
        seeded, clock, {channel.channel: channel}, nullcontext(), per_chat_seconds=0
    )
    engine.on_change.append(notices.wake)
    await channel.start()
    await notices.start()
    harness = Harness(api, seeded, engine, channel, clock)
    await harness.link("le-hong-vinh", VINH)
    await harness.link("office-admin", ADMIN, admin=True)
    try:
        yield harness
    finally:
        await notices.stop()
        await channel.stop()
        api.stop()


async def test_tap_today_reply_with_a_pdf_then_the_office_confirms(
    office: Harness, tmp_path: Path
) -> None:
    tg = office
    (detail,) = await tg.ask(VINH, "/nhiemvu I.5")
    (question,) = await tg.tap(VINH, detail, texts.ACTION_DONE)
    assert question.text is not None and question.text.startswith("Nhiệm vụ I.5 hoàn thành ngày")
    (done,) = await tg.tap(VINH, question, texts.ACTION_TODAY)
    assert done.text is not None
    assert "→ Hoàn thành (100%)" in done.text and "Ngày hoàn thành: 20/06/2024" in done.text
    assert "⏳ Chờ cơ quan thường trực xác nhận." in done.text
    (asked,) = await tg.api.wait_sent(ADMIN)  # the office is asked, with the two choices
    assert asked.text is not None and asked.text.startswith("⏳ Nhiệm vụ I.5 được báo hoàn thành")

    # The signed document, as a PDF in reply to the confirmation.
    tg.api.push_document(VINH, PDF, "QD-45-UBND.pdf", reply_to=done.message_id)
    saved = (await tg.api.wait_sent(VINH, 4))[-1]
    assert saved.text == "📎 Đã lưu tệp “QD-45-UBND.pdf” (0 KB) cho nhiệm vụ I.5."
    async with tg.database.transaction() as session:
        (kept,) = (await session.scalars(select(EvidenceFile))).all()
    digest = hashlib.sha256(PDF).hexdigest()
    assert (kept.sha256, kept.size, kept.file_name) == (digest, len(PDF), "QD-45-UBND.pdf")
    assert (tmp_path / "files" / kept.path).read_bytes() == PDF
    assert kept.file_id.startswith("DOC-")

    (listed,) = await tg.ask(ADMIN, "/nhiemvu I.5")
    assert listed.text is not None and "📎 QD-45-UBND.pdf" in listed.text
    await tg.ask(ADMIN, "/tailieu I.5", count=2)
    (sent_back,) = tg.api.calls_of("sendDocument")
    assert sent_back.params["document"] == kept.file_id  # by Telegram's id: no upload again
    assert int(sent_back.params["chat_id"]) == ADMIN

    # One tap on the office's notice confirms; the reporter is told.
    before = len(tg.api.messages_to(VINH))
    (confirmed,) = await tg.tap(ADMIN, asked, texts.ACTION_CONFIRM)
    assert confirmed.text == "Đã xác nhận nhiệm vụ I.5 hoàn thành ngày 20/06/2024."
    told = (await tg.api.wait_sent(VINH, before + 1))[-1]
    assert told.text is not None and told.text.startswith("✅ Cơ quan thường trực đã xác nhận")


async def test_the_office_returns_a_completion_and_the_reporter_is_told(office: Harness) -> None:
    tg = office
    (done,) = await tg.ask(VINH, "I.6 xong")
    assert done.text is not None and "Chờ cơ quan thường trực xác nhận" in done.text
    (asked,) = await tg.api.wait_sent(ADMIN)
    (how,) = await tg.tap(ADMIN, asked, texts.ACTION_RETURN)
    assert how.text == texts.RETURN_REASON_MISSING.format(code="I.6")
    before = len(tg.api.messages_to(VINH))
    (returned,) = await tg.ask(ADMIN, "/tralai I.6 chưa có văn bản ban hành")
    assert returned.text is not None and returned.text.startswith("Đã trả lại")
    told = (await tg.api.wait_sent(VINH, before + 1))[-1]
    assert told.text is not None and "Lý do: chưa có văn bản ban hành" in told.text
    assert button(told, texts.ACTION_DONE) == "/hoanthanh I.6"  # to report it done again
    (detail,) = await tg.ask(VINH, "/nhiemvu I.6")
    assert detail.text is not None and "🔵 Đang thực hiện" in detail.text


async def test_programs_and_odd_files_are_refused(office: Harness) -> None:
    tg = office
    (detail,) = await tg.ask(VINH, "/nhiemvu I.5")
    tg.api.push_document(VINH, b"MZ\x90\x00program", "quyet-dinh.pdf", reply_to=detail.message_id)
    refusal = (await tg.api.wait_sent(VINH, 2))[-1]
    assert refusal.text == texts.FILE_REFUSALS["executable"]
    tg.api.push_document(VINH, b"echo hi", "run.sh", "text/x-sh", reply_to=detail.message_id)
    refusal = (await tg.api.wait_sent(VINH, 3))[-1]
    assert refusal.text == texts.FILE_REFUSALS["kind"]
    assert len(tg.api.calls_of("getFile")) == 1  # the script was refused by its name, unread
    async with tg.database.transaction() as session:
        assert (await session.scalars(select(EvidenceFile))).all() == []


async def test_tailieu_is_for_directors_and_the_office(office: Harness) -> None:
    tg = office
    await tg.link("le-duc-cuong", 1002)
    (answer,) = await tg.ask(1002, "/tailieu I.5")
    assert answer.text == texts.FILES_REFUSED.format(code="I.5")
    (none,) = await tg.ask(ADMIN, "/tailieu I.5")
    assert none.text == texts.FILES_NONE.format(code="I.5")


async def test_a_photo_right_after_completing_backs_that_task(office: Harness) -> None:
    tg = office
    (done,) = await tg.ask(ADMIN, "/capnhat I.3 hoàn thành ngày 25/01/2024")
    assert done.text is not None and "Ngày hoàn thành: 25/01/2024" in done.text
    tg.api.push_photo(ADMIN, data=b"\xff\xd8\xff\xe0 signed page")  # no reply: the task just done
    saved = (await tg.api.wait_sent(ADMIN, 2))[-1]
    assert saved.text is not None and saved.text.startswith("📎 Đã lưu tệp “anh-")
    assert saved.text.endswith("cho nhiệm vụ I.3.")
    tg.clock.advance(timedelta(hours=1))  # later, a photo about nothing is not filed anywhere
    tg.api.push_photo(ADMIN)
    assert (await tg.api.wait_sent(ADMIN, 3))[-1].text == texts.FILE_NO_TASK
    async with tg.database.transaction() as session:
        assert len((await session.scalars(select(EvidenceFile))).all()) == 1
