"""Through PTB and the Bot API stand-in: showing a task takes no write transaction, a tap on its
status button one, and a reply to the task's message updates that task whether its link is in
this process's memory, written, or (at another instance) not written yet."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence

import pytest
from sqlalchemy import select

from bench.transactions import TransactionCounter
from chat import texts
from db.models import SentMessage
from fakes.builders import task_id_of
from handlers import report as report_handler
from handlers.link_writer import LinkWriter
from reports.chart import render_chart
from reports.chart_memo import ChartMemo
from reports.model import Breakdown
from tests.bot.test_telegram import VINH, Harness, tg  # noqa: F401  (the fixture)

NEVER = 3600.0
SETTLE = 0.3  # the channel notes the link after the Bot API has answered: let it


async def test_a_view_takes_no_write_transaction_and_a_tap_one(tg: Harness) -> None:  # noqa: F811
    tg.engine.links.interval = NEVER
    await tg.link("le-hong-vinh", VINH)
    with TransactionCounter(tg.database) as viewing:
        (detail,) = await tg.ask(VINH, "/nhiemvu I.5")
        await asyncio.sleep(SETTLE)
    assert detail.text is not None and detail.text.startswith("I.5 · ")
    assert (viewing.write_transactions, viewing.writing_statements) == (0, 0)
    with TransactionCounter(tg.database) as tapping:
        (confirmation,) = await tg.tap(VINH, detail, texts.ACTION_IN_PROGRESS)
        await asyncio.sleep(SETTLE)
    assert confirmation.text is not None
    assert confirmation.text.startswith("Đã cập nhật nhiệm vụ I.5: Chưa triển khai → Đang thực")
    assert tapping.write_transactions == 1
    (answer,) = await tg.ask(VINH, "70%", reply_to=detail.message_id)  # its link not written
    assert answer.text is not None and answer.text.startswith("Đã cập nhật nhiệm vụ I.5:")
    assert "(70%)" in answer.text
    await tg.engine.close()  # as at shutdown: what is in memory is written
    async with tg.database.transaction() as session:
        i5 = await task_id_of(session, "I.5")
        linked = set(await session.scalars(select(SentMessage.message_id)))
        assert (
            await session.scalar(
                select(SentMessage.task_id).where(SentMessage.message_id == str(detail.message_id))
            )
            == i5
        )
    assert {str(detail.message_id), str(confirmation.message_id)} <= linked


async def test_a_reply_whose_link_another_instance_holds_finds_the_task_by_its_text(
    tg: Harness,  # noqa: F811
) -> None:
    """The link of the detail is in the memory of the instance that showed it, not written yet;
    the reply reaches an instance that has not seen it (here: the same engine with a fresh
    writer) and finds IV.4 in the text of the message it answers (Telegram's reply_to_message)."""
    tg.engine.links.interval = NEVER
    await tg.link("le-hong-vinh", VINH)
    (detail,) = await tg.ask(VINH, "/nhiemvu IV.4")
    await asyncio.sleep(SETTLE)
    tg.engine.links = LinkWriter(tg.database, interval=NEVER)  # what the other instance knows
    (answer,) = await tg.ask(VINH, "60% đã trình dự thảo", reply_to=detail.message_id)
    assert answer.text is not None
    assert answer.text.startswith("Đã cập nhật nhiệm vụ IV.4: Chưa triển khai → Đang thực hiện")
    (listing,) = await tg.ask(VINH, "/quahan")
    (unknown,) = await tg.ask(VINH, "60%", reply_to=listing.message_id)  # not about one task
    assert unknown.text == texts.UNKNOWN


async def test_the_reports_text_goes_out_before_its_chart_is_drawn(
    tg: Harness,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """/baocao's text never waits for matplotlib: it is sent while the chart is still being
    drawn, and the chart follows as a photo."""
    release = threading.Event()

    def held(breakdowns: Sequence[Breakdown], title: str) -> bytes:
        release.wait(10)
        return render_chart(breakdowns, title)

    monkeypatch.setattr(report_handler, "CHARTS", ChartMemo(held))
    await tg.link("le-hong-vinh", VINH)
    try:
        (summary,) = await tg.ask(VINH, "/baocao")
        assert summary.method == "sendMessage" and summary.text is not None
        assert summary.text.startswith("📊 BÁO CÁO TIẾN ĐỘ")
        await asyncio.sleep(SETTLE)
        assert len(tg.api.messages_to(VINH)) == 1  # the chart is still being drawn
    finally:
        release.set()
    chart = (await tg.api.wait_sent(VINH, 2))[-1]
    assert chart.method == "sendPhoto" and chart.files["photo"][2][:8] == b"\x89PNG\r\n\x1a\n"
