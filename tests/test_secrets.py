"""Secrets: the bot token never reaches the logs (tracebacks included), the database, its WAL or
a backup; settings never print it; .env is ignored by git; invite codes are stored hashed."""

from __future__ import annotations

import io
import logging
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from bot.logs import RedactingFormatter, setup_logging
from bot.settings import Settings
from bot.telegram_channel import TelegramChannel
from db.backup import backup_sqlite
from db.invites import create_invite
from db.models import Member
from db.session import Database
from domain.clock import FrozenClock
from fakes.bot_api import FakeBotApi
from handlers.engine import Engine
from tests.bot.test_telegram import TOKEN, settings_for
from tests.conftest import ROOT, ZONE

OTHER_TOKEN = "1234567890:AAE-another-token-shaped-secret_xyz987"  # not in the secrets list
URL = f"https://api.telegram.org/bot{TOKEN}/sendMessage"


@pytest.fixture
def root_logging() -> Iterator[io.StringIO]:
    """setup_logging() writing to a buffer; the root logger is restored afterwards."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    noisy = {name: logging.getLogger(name).level for name in ("httpx", "httpcore")}
    stream = io.StringIO()
    try:
        setup_logging("DEBUG", [TOKEN, "s3cret-Token_1"])
        root.handlers[0].setStream(stream)  # type: ignore[attr-defined]
        yield stream
    finally:
        root.handlers[:], _ = saved
        root.setLevel(saved[1])
        for name, level in noisy.items():
            logging.getLogger(name).setLevel(level)


def test_exception_tracebacks_are_scrubbed(root_logging: io.StringIO) -> None:
    log = logging.getLogger("bot.telegram_channel")
    try:
        request = httpx.Request("POST", URL)
        raise httpx.ConnectError(f"connection to {URL} failed", request=request)
    except httpx.ConnectError:
        log.exception("send failed for %s", URL, extra={"chat": 1001})
    try:
        raise RuntimeError(f"webhook secret s3cret-Token_1 and {OTHER_TOKEN}")
    except RuntimeError as exc:
        log.error("failed: %r", exc, exc_info=True)
    text = root_logging.getvalue()
    assert "Traceback (most recent call last)" in text and "ConnectError" in text
    assert TOKEN not in text and "s3cret-Token_1" not in text and OTHER_TOKEN not in text
    assert text.count("[REDACTED]") >= 5


def test_request_urls_are_not_logged(root_logging: io.StringIO) -> None:
    logging.getLogger("httpx").info("HTTP Request: POST %s", URL)  # as httpx does, at INFO
    logging.getLogger("httpcore").debug("send_request_headers.started request=%s", URL)
    assert root_logging.getvalue() == ""


def test_a_stray_token_shape_is_redacted_even_if_unknown() -> None:
    formatter = RedactingFormatter([])
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, OTHER_TOKEN, None, None)
    assert OTHER_TOKEN not in formatter.format(record)


def test_settings_never_show_the_token() -> None:
    settings = Settings(_env_file=None, telegram_bot_token=TOKEN)  # type: ignore[call-arg]
    assert TOKEN not in repr(settings) and TOKEN not in str(settings.model_dump())
    assert settings.secrets() == [TOKEN]  # what the log formatter is given


def test_dot_env_is_ignored_by_git() -> None:
    result = subprocess.run(
        ["git", "check-ignore", "--no-index", "-q", ".env"], cwd=ROOT, check=False
    )
    assert result.returncode == 0  # 0: ignored; 1: it would be committed


@pytest.mark.sqlite_only
async def test_the_token_is_in_no_file_after_a_session(
    seeded: Database, clock: FrozenClock, tmp_path: Path
) -> None:
    async with seeded.transaction(write=True) as session:
        vinh = await session.scalar(select(Member).where(Member.key == "le-hong-vinh"))
        assert vinh is not None
        code = await create_invite(session, vinh, now=clock.now())
    with FakeBotApi(token=TOKEN) as api:
        channel = TelegramChannel(Engine(seeded, clock, ZONE), settings_for(api, seeded))
        await channel.start()
        try:
            for n, text in enumerate([f"/start {code}", "/nhiemvu I.5", "/capnhat I.5 xong"]):
                api.push_message(1001, text)
                await api.wait_sent(1001, n + 1)
        finally:
            await channel.stop()
    files = [Path(seeded.url.split(":///", 1)[1])]
    files += [files[0].with_name(files[0].name + suffix) for suffix in ("-wal", "-shm")]
    backup = tmp_path / "backup.db"
    backup_sqlite(files[0], backup)
    for path in [*files, backup]:
        if path.exists():
            data = path.read_bytes()
            assert TOKEN.encode() not in data and TOKEN.split(":")[1].encode() not in data, path
            assert code.encode() not in data, path  # invite codes: only their hash is stored
