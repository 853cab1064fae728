"""``python -m bot run``: the long-running service."""

from __future__ import annotations

import sys

from bot.settings import Settings

NO_TOKEN = """No channel is configured: set TELEGRAM_BOT_TOKEN (from @BotFather) and/or ZALO_BOT_TOKEN,
in the environment or in .env, then run again.

To try the service without a token, open the console on the seeded plan:
    python -m bot chat --as "Lê Hồng Vinh"
"""


async def run_service(settings: Settings) -> int:
    if settings.telegram_bot_token is None and settings.zalo_bot_token is None:
        print(NO_TOKEN, file=sys.stderr)
        return 1
    raise SystemExit("channels are added by the Telegram work (issue #3)")
