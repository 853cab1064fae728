"""Extension requests on Telegram (issue 20, item 3): the "Xin gia hạn" tap on a task's detail
and on a deadline reminder, the question answered by a reply or the next message, the office's
Duyệt / Từ chối taps on the notice, and the requester told, all through python-telegram-bot
against the local Bot API server; the notices sent by the announcements' sender."""

from __future__ import annotations

from chat import texts
from fakes.bot_api import Sent
from scheduler.announcements import AnnouncementSender
from tests.bot.test_telegram import ADMIN, VINH, Harness, button, tg  # noqa: F401
from tests.scheduler.test_reminders import Stack, stack  # noqa: F401

TRUNG, OFFICE = 2001, 2002


class NoLimit:
    async def __aenter__(self) -> None:
        return None

    async def __aexit__(self, *args: object) -> None:
        return None


def text_of(message: Sent) -> str:
    assert message.text is not None
    return message.text


async def test_the_taps_ask_approve_and_refuse(tg: Harness) -> None:  # noqa: F811
    await tg.link("le-hong-vinh", VINH)
    await tg.link("van-phong", ADMIN, admin=True)
    sender = AnnouncementSender(
        tg.database, tg.clock, {"telegram": tg.channel}, NoLimit(), per_chat_seconds=0
    )
    (detail,) = await tg.ask(VINH, "/nhiemvu III.5")
    (question,) = await tg.tap(VINH, detail, texts.ACTION_REQUEST_EXTENSION)
    assert text_of(question).startswith("Xin gia hạn nhiệm vụ III.5 (hạn hiện tại 31/12/2024).")
    (filed,) = await tg.ask(
        VINH, "31/03/2025 chờ hướng dẫn của Bộ Nội vụ", reply_to=question.message_id
    )
    assert text_of(filed).startswith("Đã gửi yêu cầu gia hạn số 1 cho cơ quan thường trực")
    assert await sender.run_once() == 1
    (notice,) = await tg.api.wait_sent(ADMIN, 1)
    assert text_of(notice).startswith("⏳ YÊU CẦU GIA HẠN SỐ 1 · III.5")
    assert button(notice, texts.ACTION_APPROVE) == "/duyet 1"
    (approved,) = await tg.tap(ADMIN, notice, texts.ACTION_APPROVE)
    assert text_of(approved).startswith("Đã duyệt yêu cầu số 1 của đồng chí Lê Hồng Vinh")
    assert await sender.run_once() == 1
    told = (await tg.api.wait_sent(VINH, 4))[-1]
    assert text_of(told).startswith("✅ Yêu cầu gia hạn số 1 đã được duyệt")
    (shown,) = await tg.ask(VINH, "/nhiemvu III.5")
    assert "31/03/2025 (gia hạn, hạn ban đầu 31/12/2024)" in text_of(shown)

    # A second request, refused by tap: the bot asks the office for the reason.
    (again,) = await tg.ask(VINH, "/xingiahan III.5 30/06/2025 vẫn chờ hướng dẫn")
    assert text_of(again).startswith("Đã gửi yêu cầu gia hạn số 2")
    assert await sender.run_once() == 1
    second = (await tg.api.wait_sent(ADMIN, 3))[-1]
    (why,) = await tg.tap(ADMIN, second, texts.ACTION_REFUSE)
    assert text_of(why) == texts.REFUSE_ASK.format(number=2)
    (refused,) = await tg.ask(ADMIN, "đã gia hạn một lần")
    assert text_of(refused).startswith("Đã từ chối yêu cầu số 2")
    assert await sender.run_once() == 1
    answer = (await tg.api.wait_sent(VINH, 7))[-1]
    assert text_of(answer).startswith("❌ Yêu cầu gia hạn số 2")
    assert "Hạn vẫn là 31/03/2025." in text_of(answer)


async def test_a_deadline_reminder_carries_the_request_button(stack: Stack) -> None:  # noqa: F811
    await stack.link("nguyen-duc-trung", TRUNG)
    assert await stack.service().run_due() == 1
    await stack.link("van-phong", OFFICE, admin=True)
    (reminder,) = stack.api.messages_to(TRUNG)
    assert button(reminder, texts.ACTION_REQUEST_EXTENSION) == "/xingiahan I.10"
    before = len(stack.api.messages_to(TRUNG))
    stack.api.push_callback(TRUNG, reminder.message_id, "/xingiahan I.10")
    (question,) = (await stack.api.wait_sent(TRUNG, before + 1))[before:]
    assert text_of(question).startswith("Xin gia hạn nhiệm vụ I.10 (hạn hiện tại 30/09/2024).")
    stack.api.push_message(TRUNG, "31/10/2024 chờ ý kiến Ban Thường vụ")  # the next message
    filed = (await stack.api.wait_sent(TRUNG, before + 2))[-1]
    assert text_of(filed).startswith("Đã gửi yêu cầu gia hạn số 1")
    sender = AnnouncementSender(
        stack.database, stack.clock, {"telegram": stack.channel}, NoLimit(), per_chat_seconds=0
    )
    assert await sender.run_once() == 1
    (notice,) = await stack.api.wait_sent(OFFICE, 1)
    assert "Người đề nghị: Nguyễn Đức Trung" in text_of(notice)
