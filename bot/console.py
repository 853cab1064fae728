"""The console channel: the same engine on stdin/stdout, one reply block per input line.

Choices that Telegram shows as buttons are printed as the command that takes them.
"""

from __future__ import annotations

import asyncio
from typing import TextIO

from handlers.engine import Engine
from handlers.types import Inbound, Reply

CHANNEL = "console"
SEPARATOR = "─" * 40


def render_block(replies: list[Reply]) -> str:
    parts = []
    for reply in replies:
        text = reply.text
        if reply.actions:
            text += "\n" + "\n".join(f"  ↳ {a.label}: {a.command}" for a in reply.actions)
        parts.append(text)
    return "\n\n".join(parts)


async def chat(engine: Engine, account: str, stdin: TextIO, stdout: TextIO) -> None:
    """Answer each line of ``stdin`` as ``account`` until end of input."""
    interactive = stdin.isatty()
    while True:
        if interactive:
            stdout.write("> ")
            stdout.flush()
        line = await asyncio.to_thread(stdin.readline)
        if not line:
            break
        text = line.rstrip("\r\n")
        if interactive and not text.strip():
            continue
        replies = await engine.handle(
            Inbound(channel=CHANNEL, chat_id=account, user_id=account, text=text)
        )
        stdout.write(render_block(replies) + "\n" + SEPARATOR + "\n")
        stdout.flush()
