"""The console channel: the same engine on stdin/stdout, one reply block per input line.

Choices that Telegram shows as buttons are printed as the command that takes them.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TextIO

from chat import texts
from chat.messages import Inbound, Reply, made
from domain.files import safe_name
from handlers.engine import Engine

CHANNEL = "console"
SEPARATOR = "─" * 40


def _new_file(folder: Path, name: str, data: bytes) -> Path:
    """Write ``data`` to a file of ``folder`` that did not exist: ``name``, else ``name`` with
    -2, -3… before its suffix. A file saved earlier (another report, another run) is kept."""
    stem, suffix = Path(name).stem, Path(name).suffix
    path, n = folder / name, 1
    while True:
        try:
            with path.open("xb") as out:  # exclusive: never replaces a file
                out.write(data)
        except FileExistsError:
            n += 1
            path = folder / f"{stem}-{n}{suffix}"
            continue
        return path


def save_files(replies: list[Reply], folder: Path) -> list[str]:
    """Write each attachment to a new file under ``folder`` (its name made safe: a person may
    have chosen it); return the lines that say where."""
    lines = []
    for reply in replies:
        for attachment in reply.files:
            folder.mkdir(parents=True, exist_ok=True)
            path = _new_file(folder, safe_name(attachment.filename), attachment.data)
            template = (
                texts.REPORT_CHART_SAVED if attachment.kind == "photo" else texts.REPORT_FILE_SAVED
            )
            lines.append(template.format(path=path))
    return lines


def render_block(replies: list[Reply], saved: list[str] | None = None) -> str:
    parts = []
    for reply in replies:
        text = reply.text
        if reply.actions:
            text += "\n" + "\n".join(f"  ↳ {a.label}: {a.command}" for a in reply.actions)
        parts.append(text)
    if saved:
        parts.append("\n".join(saved))
    return "\n\n".join(parts)


async def chat(
    engine: Engine, account: str, stdin: TextIO, stdout: TextIO, files: Path = Path("data/reports")
) -> None:
    """Answer each line of ``stdin`` as ``account`` until end of input; charts and workbooks are
    saved under ``files`` and their paths printed."""
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
        replies = await made(
            await engine.handle(
                Inbound(channel=CHANNEL, chat_id=account, user_id=account, text=text)
            )
        )
        saved = await asyncio.to_thread(save_files, replies, files)
        stdout.write(render_block(replies, saved) + "\n" + SEPARATOR + "\n")
        stdout.flush()
