"""The fake Bot API speaks the protocol the real python-telegram-bot expects (loopback only)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Iterator

import httpx
import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllGroupChats,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    MessageEntity,
    Update,
)
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter
from telegram.ext import (
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from fakes.bot_api import FakeBotApi


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    with FakeBotApi() as fake:
        yield fake


def keyboard(*data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(d, callback_data=d) for d in data]])


async def test_plain_bot_sends_and_edits(api: FakeBotApi) -> None:
    async with Bot(api.token, base_url=api.base_url) as bot:
        assert bot.username == "bcd_test_bot"
        me = await bot.get_me()
        assert (me.id, me.first_name, me.can_join_groups) == (123456, "BCĐ CCHC", True)

        message = await bot.send_message(42, "Xin chào")
        assert (message.chat.id, message.chat.type, message.text) == (42, "private", "Xin chào")
        assert message.from_user is not None and message.from_user.id == 123456
        [call] = api.calls_of("sendMessage")
        assert call.params["chat_id"] == 42 and call.params["text"] == "Xin chào"

        group = await bot.send_message(-100123, "Việc mới", reply_markup=keyboard("done:1"))
        assert group.chat.type == "supergroup" and group.reply_markup == keyboard("done:1")
        assert api.sent[-1].reply_markup == keyboard("done:1").to_dict()
        assert group.message_id > message.message_id

        edited = await bot.edit_message_text("Đã xong", -100123, group.message_id)
        assert isinstance(edited, Message)
        assert edited.text == "Đã xong" and edited.reply_markup is None  # keyboard dropped
        assert edited.edit_date is not None
        with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
            await bot.edit_message_text("Đã xong", -100123, group.message_id)
        await bot.edit_message_reply_markup(-100123, group.message_id, reply_markup=keyboard("x"))
        assert [s.method for s in api.messages_to(-100123)] == [
            "sendMessage",
            "editMessageText",
            "editMessageReplyMarkup",
        ]
        with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
            await bot.edit_message_text("?", 42, 999)

        reply = await bot.send_message(42, "Trả lời", reply_to_message_id=message.message_id)
        assert reply.reply_to_message is not None
        assert reply.reply_to_message.text == "Xin chào"


async def test_telegram_refusals(api: FakeBotApi) -> None:
    async with Bot(api.token, base_url=api.base_url) as bot:
        with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
            await bot.send_message(42, "x", reply_markup=keyboard("đ" * 33))  # 66 bytes
        await bot.send_message(42, "x", reply_markup=keyboard("d" * 64))
        with pytest.raises(BadRequest, match=r"(?i)message is too long"):
            await bot.send_message(42, "a" * 4097)
        await bot.send_message(42, "a" * 4096)
        with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
            await bot.send_message(42, "  ")
    assert [c.status for c in api.calls_of("sendMessage")] == [400, 200, 400, 200, 400]


async def test_application_receives_updates_and_answers(api: FakeBotApi) -> None:
    pressed: list[str] = []

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text("Chào mừng", reply_markup=keyboard("ok"))

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(f"echo: {update.effective_message.text}")

    async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None and query.data is not None
        pressed.append(query.data)
        await query.answer("Đã nhận")
        await query.edit_message_reply_markup(None)

    app = ApplicationBuilder().token(api.token).base_url(api.base_url).build()
    app.add_handler(CommandHandler("start", start))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    app.add_handler(CallbackQueryHandler(button))
    await app.initialize()
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0.0, timeout=1)
    try:
        api.push_message(77, "Báo cáo tiến độ")
        [reply] = await api.wait_sent(77)
        assert reply.text == "echo: Báo cáo tiến độ"

        api.push_message(77, "/start")
        welcome = (await api.wait_sent(77, count=2))[1]
        assert welcome.text == "Chào mừng" and welcome.reply_markup == keyboard("ok").to_dict()

        query_id = api.push_callback(77, welcome.message_id, "ok")
        [answer] = await api.wait_calls("answerCallbackQuery")
        assert answer.params["callback_query_id"] == query_id
        assert answer.params["text"] == "Đã nhận"
        edit = await api.wait_for(lambda sent: [s for s in sent if s.method.startswith("edit")])
        assert edit[0].message_id == welcome.message_id and pressed == ["ok"]
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
    assert api.calls_of("deleteWebhook") and api.calls_of("getMe")
    assert api.confirmed_offset == 4  # all three updates confirmed on the way out


async def test_pushed_updates_deserialise(api: FakeBotApi) -> None:
    async with Bot(api.token, base_url=api.base_url) as bot:
        question = await bot.send_message(9, "Câu hỏi?")
        api.push_message(9, "/start@bcd_test_bot now", reply_to=question.message_id)
        api.push_edited_message(9, "đã sửa")
        api.push_channel_post(-1001, "tin kênh")
        api.push_photo(9)
        api.push_sticker(9)
        api.push_message(5, "trong nhóm", chat_id=-100777, first_name="An")
        query_id = api.push_callback(9, question.message_id, "b:1")
        api.push_raw({"my_chat_member": None, "update_id": 100})
        updates = await bot.get_updates(timeout=0)

        first = updates[0].message
        assert first is not None and first.reply_to_message is not None
        assert (
            first.parse_entities([MessageEntity.BOT_COMMAND]).popitem()[1] == "/start@bcd_test_bot"
        )
        assert first.reply_to_message.message_id == question.message_id
        assert updates[1].edited_message is not None and updates[1].edited_message.text == "đã sửa"
        assert updates[2].channel_post is not None
        assert updates[2].channel_post.chat.type == "channel"
        photo = updates[3].message
        assert photo is not None and photo.text is None and photo.photo[-1].width == 320
        assert updates[4].message is not None and updates[4].message.sticker is not None
        group = updates[5].message
        assert group is not None and group.chat.type == "supergroup"
        assert group.from_user is not None and group.from_user.first_name == "An"
        query = updates[6].callback_query
        assert query is not None and (query.id, query.data) == (query_id, "b:1")
        assert query.message is not None and query.message.message_id == question.message_id
        assert updates[7].update_id == 100

        assert await bot.get_updates(offset=101, timeout=0) == ()
        assert api.confirmed_offset == 101


async def test_raw_protocol_and_long_polling(api: FakeBotApi) -> None:
    root = api.base_url.removesuffix("/bot")
    async with httpx.AsyncClient(base_url=f"{api.base_url}{api.token}") as client:
        wrong = await client.post(f"{root}/bot1:WRONG/getMe")
        assert wrong.status_code == 401
        assert wrong.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}
        missing = await client.get("/noSuchMethod")
        assert missing.status_code == 404
        assert missing.json()["description"] == "Not Found: method not found"

        sent = await client.post("/sendMessage", json={"chat_id": 5, "text": "json"})
        assert sent.json()["result"]["text"] == "json"
        sent = await client.get("/sendMessage", params={"chat_id": "5", "text": "query"})
        assert sent.json()["result"]["chat"] == {"id": 5, "type": "private", "first_name": "Test"}
        markup = json.dumps(keyboard("a").to_dict())
        form = {"chat_id": "5", "text": "form", "reply_markup": markup}
        sent = await client.post("/sendMessage", data=form)
        assert sent.json()["result"]["reply_markup"] == json.loads(markup)
        assert api.calls_of("sendMessage")[-1].params["reply_markup"] == json.loads(markup)

        first, second = api.push_message(1, "a"), api.push_message(1, "b")
        updates = (await client.post("/getUpdates", data={"offset": "0"})).json()["result"]
        assert [u["update_id"] for u in updates] == [1, 2] and first < second
        updates = (await client.post("/getUpdates", json={"offset": 2})).json()["result"]
        assert [u["update_id"] for u in updates] == [2] and api.confirmed_offset == 2

        poll = asyncio.create_task(client.post("/getUpdates", json={"offset": 3, "timeout": 5}))
        await asyncio.sleep(0.2)
        assert not poll.done()
        started = time.monotonic()
        api.push_message(1, "c")
        updates = (await asyncio.wait_for(poll, 2)).json()["result"]
        assert [u["message"]["text"] for u in updates] == ["c"]
        assert time.monotonic() - started < 0.5


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")  # RetryAfter
async def test_fault_injection(api: FakeBotApi) -> None:
    async with Bot(api.token, base_url=api.base_url) as bot:
        api.fail_next("sendMessage", 1, status=429, retry_after=3)
        with pytest.raises(RetryAfter, match="Retry in 3 seconds"):
            await bot.send_message(1, "x")

        api.fail_next(None, 2)
        for _ in range(2):
            with pytest.raises(NetworkError, match="Internal Server Error") as failed:
                await bot.send_chat_action(1, "typing")
            assert type(failed.value) is NetworkError
        await bot.send_message(1, "recovered")

        api.reject_chat(666)
        with pytest.raises(Forbidden, match="bot was blocked by the user"):
            await bot.send_message(666, "x")
        await bot.send_message(1, "other chats still work")

        api.drop_connections(1)
        with pytest.raises(NetworkError):
            await bot.send_message(1, "x")

        api.set_outage(0.3, status=502)
        with pytest.raises(NetworkError, match="Bad Gateway"):
            await bot.get_me()
        await asyncio.sleep(0.35)
        await bot.get_me()

        api.fail_next("getMe", 1, status=503, delay=0.2)
        started = time.monotonic()
        with pytest.raises(NetworkError, match="Service Unavailable"):
            await bot.get_me()
        assert time.monotonic() - started >= 0.2
    statuses = [c.status for c in api.calls_of("sendMessage")]
    assert statuses == [429, 200, 403, 200, 0]


async def test_uploads_keep_their_bytes(api: FakeBotApi) -> None:
    content = bytes(range(256)) * 4 + b"\r\n--boundary\r\n\r"
    async with Bot(api.token, base_url=api.base_url) as bot:
        document = await bot.send_document(42, content, filename="Báo cáo.pdf", caption="Quý I")
        assert document.document is not None and document.caption == "Quý I"
        assert document.document.file_name == "Báo cáo.pdf"
        assert document.document.file_size == len(content)
        [call] = api.calls_of("sendDocument")
        assert call.files["document"] == ("Báo cáo.pdf", "application/pdf", content)
        assert call.params["caption"] == "Quý I"
        photo = await bot.send_photo(42, b"\x89PNG\r\n\x1a\nfake", caption="Ảnh")
        assert photo.photo[0].width == 1
        assert await bot.send_chat_action(42, "upload_document")
    sent = api.messages_to(42)
    assert [(s.method, s.text) for s in sent] == [("sendDocument", "Quý I"), ("sendPhoto", "Ảnh")]
    assert sent[0].files["document"][2] == content


async def test_commands_and_webhook(api: FakeBotApi) -> None:
    commands = [BotCommand("start", "Bắt đầu"), BotCommand("viec_cua_toi", "Việc của tôi")]
    async with Bot(api.token, base_url=api.base_url) as bot:
        assert await bot.set_my_commands(commands)
        await bot.set_my_commands(commands[:1], scope=BotCommandScopeAllGroupChats())
        assert await bot.get_my_commands() == tuple(commands)
        assert await bot.get_my_commands(scope=BotCommandScopeAllGroupChats()) == (commands[0],)
        with pytest.raises(BadRequest, match=r"(?i)bot_command_invalid"):
            await bot.set_my_commands([BotCommand("Báo_cáo", "x")])
        assert await bot.delete_my_commands()
        assert await bot.get_my_commands() == ()

        await bot.set_webhook("https://example.org/hook", secret_token="s3cret")
        assert (await bot.get_webhook_info()).url == "https://example.org/hook"
        assert (api.webhook_url, api.webhook_secret) == ("https://example.org/hook", "s3cret")
        await bot.delete_webhook()
        info = await bot.get_webhook_info()
        assert (info.url, info.pending_update_count) == ("", 0)


async def test_wait_for_reports_what_was_sent(api: FakeBotApi) -> None:
    async with Bot(api.token, base_url=api.base_url) as bot:
        await bot.send_message(3, "một")
    with pytest.raises(AssertionError, match="sendMessage 3#1: 'một'"):
        await api.wait_sent(3, count=2, timeout=0.1)


async def test_stop_wakes_long_polls_quickly() -> None:
    api = FakeBotApi().start()
    async with Bot(api.token, base_url=api.base_url) as bot:
        poll = asyncio.create_task(bot.get_updates(timeout=5))
        await api.wait_calls("getUpdates")
        await asyncio.sleep(0.05)
        started = time.monotonic()
        await asyncio.to_thread(api.stop)
        with contextlib.suppress(NetworkError):  # the cut may beat the empty answer
            assert await asyncio.wait_for(poll, 1) == ()
        assert time.monotonic() - started < 1
        with pytest.raises(NetworkError):
            await bot.get_me()
