"""The yardstick: a bare python-telegram-bot echo bot (long polling, the same 16 concurrent
updates as the service, no database), run by ``bench.province`` and ``bench.mix`` against the
same local Bot API server as the service.

    TELEGRAM_BOT_TOKEN=... TELEGRAM_API_BASE=http://127.0.0.1:PORT/bot python -m bench.echo_bot

With ``ECHO_REQUEST=json`` it sends through the service's own request (``JsonRequest``, on
aiohttp) instead of PTB's default (httpx): what is left of the gap is then the service's own
work, not the HTTP client's.
"""

from __future__ import annotations

import asyncio
import os
import signal

from telegram import Update
from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters

from bot.telegram_request import JsonRequest


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.message is not None and update.message.text is not None:
        await update.message.reply_text(update.message.text, do_quote=False)


async def main() -> None:
    builder = (
        ApplicationBuilder()
        .token(os.environ["TELEGRAM_BOT_TOKEN"])
        .base_url(os.environ["TELEGRAM_API_BASE"])
        .concurrent_updates(16)
    )
    if os.environ.get("ECHO_REQUEST") == "json":
        builder = builder.request(JsonRequest())
    app = builder.build()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set)
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0, timeout=30)
        await stop.wait()
        await app.updater.stop()
        await app.stop()


if __name__ == "__main__":
    asyncio.run(main())
