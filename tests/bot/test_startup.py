"""Start-up as an operator meets it: the real `python -m bot run` process, its output captured.

A rejected token, a typo in the Bot API's base URL, a bad setting, a database that cannot be
opened: each ends in one line that names what to check, exit non-zero, no traceback, the token
nowhere. A Telegram that cannot be reached at start is waited for, not a crash. Uncaught
exceptions (any thread, the event loop) go through the redacting log.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from fakes.bot_api import FakeBotApi
from tests.conftest import ROOT

pytestmark = pytest.mark.sqlite_only  # its own SQLite file, in a child process

# Shaped like a real token (the redactor also knows the shape), and not the fake server's.
TOKEN = "987654321:AAHrealLookingTokenValue_0123456789ab"


def environment(tmp_path: Path, **settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "ZALO_", "BOT_"))}
    env.update(
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
        TELEGRAM_BOT_TOKEN=TOKEN,
        BOT_NOW="2024-03-20T09:00+07:00",
        PYTHONPATH=str(ROOT),
    )
    env.update(settings)
    return env


def run(tmp_path: Path, **settings: str) -> subprocess.CompletedProcess[str]:
    """`python -m bot run` to its end (a service that keeps running fails the test)."""
    return subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        cwd=tmp_path,
        env=environment(tmp_path, **settings),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def last_line(result: subprocess.CompletedProcess[str]) -> str:
    return (result.stdout + result.stderr).strip().splitlines()[-1]


def assert_clean(result: subprocess.CompletedProcess[str]) -> None:
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "Traceback" not in output, output
    assert TOKEN not in output and TOKEN.split(":")[1] not in output


@pytest.mark.parametrize("where", ["rejected_token", "base_url_typo"])
def test_a_refused_token_ends_in_one_redacted_line(tmp_path: Path, where: str) -> None:
    # Another bot's token on the server: 401 for ours; a typo in the path: 404. PTB's own
    # message quotes the token (``The token `…` was rejected``).
    with FakeBotApi(token="111111:ANOTHER-BOTS-TOKEN-xxxxxxxxxxxxxxxx") as api:
        base = api.base_url if where == "rejected_token" else api.base_url + "x/bot"
        result = run(tmp_path, TELEGRAM_API_BASE=base)
    assert_clean(result)
    line = last_line(result)
    assert "start-up failed" in line and "TELEGRAM_BOT_TOKEN" in line, line
    assert "TELEGRAM_API_BASE" in line, line


def test_an_unreachable_telegram_at_start_is_waited_for(tmp_path: Path) -> None:
    log = tmp_path / "service.log"
    with FakeBotApi(token=TOKEN) as api:
        api.drop_connections(times=3, method="getMe")  # unreachable for the first three tries
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"],
            cwd=tmp_path,
            env=environment(tmp_path, TELEGRAM_API_BASE=api.base_url),
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
        )
        try:
            api.push_message(4242, "/trogiup")
            asyncio.run(api.wait_sent(4242, timeout=60))  # up and answering
        finally:
            process.send_signal(signal.SIGTERM)
            code = process.wait(timeout=30)
    output = log.read_text()
    assert code == 0, output
    assert output.count("Telegram unreachable at start") == 3, output
    assert "Traceback" not in output and TOKEN not in output


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


BAD_SETTINGS = {
    "send_rate_zero": ("SEND_RATE", "0"),
    "send_rate_negative": ("SEND_RATE", "-1"),
    "log_level": ("LOG_LEVEL", "LOUD"),
    "offsets_overflow": ("REMINDER_OFFSETS", "99999999999d"),
    "bot_now_year_9999": ("BOT_NOW", "9999-12-31T23:00+00:00"),
    "database_garbage": ("DATABASE_URL", "::not a url::"),
    "database_mysql": ("DATABASE_URL", "mysql://bcd:x@localhost/bcd"),
    "database_sqlite_no_file": ("DATABASE_URL", "sqlite://"),
    "database_memory": ("DATABASE_URL", ":memory:"),
    "database_aiosqlite_memory": ("DATABASE_URL", "sqlite+aiosqlite:///:memory:"),
    "escalate_negative": ("ESCALATE_AFTER_DAYS", "-5"),
}


@pytest.mark.parametrize("case", sorted(BAD_SETTINGS))
def test_a_bad_setting_is_refused_in_one_line_naming_it(tmp_path: Path, case: str) -> None:
    name, value = BAD_SETTINGS[case]
    with FakeBotApi(token=TOKEN) as api:
        result = run(tmp_path, TELEGRAM_API_BASE=api.base_url, **{name: value})
    assert_clean(result)
    assert result.stderr.strip().count("\n") == 0, result.stderr  # one line
    assert result.stderr.startswith(f"settings error: {name}: "), result.stderr


def test_an_unreachable_postgresql_is_one_line_naming_database_url(tmp_path: Path) -> None:
    url = f"postgresql+asyncpg://bcd:secret@127.0.0.1:{free_port()}/bcd"  # nothing listens
    with FakeBotApi(token=TOKEN) as api:
        result = run(tmp_path, TELEGRAM_API_BASE=api.base_url, DATABASE_URL=url)
    assert_clean(result)
    line = last_line(result)
    assert "cannot open the database" in line and "check DATABASE_URL" in line, line


HOOKS = """
import asyncio, threading
from bot.logs import install_hooks, log_loop_exception
install_hooks("INFO", [{token!r}])

def in_a_thread():
    raise RuntimeError("thread: " + {token!r})

thread = threading.Thread(target=in_a_thread)
thread.start()
thread.join()

async def main():
    loop = asyncio.get_running_loop()
    loop.set_exception_handler(log_loop_exception)
    async def forgotten():
        raise RuntimeError("task: " + {token!r})
    task = loop.create_task(forgotten())
    await asyncio.sleep(0.05)
    del task  # collected with its exception never retrieved: the loop's handler reports it

asyncio.run(main())
import gc; gc.collect()
raise RuntimeError("main: " + {token!r})
"""


def test_uncaught_exceptions_anywhere_go_through_the_redacting_log(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", HOOKS.format(token=TOKEN)],
        cwd=tmp_path,
        env=environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    output = result.stderr
    assert result.returncode == 1
    assert TOKEN not in output and TOKEN.split(":")[1] not in output, output
    for where in ("thread: [REDACTED]", "task: [REDACTED]", "main: [REDACTED]"):
        assert where in output, output
    assert "CRITICAL bot.uncaught: uncaught exception in thread" in output
    assert "ERROR bot.uncaught: asyncio: Task exception was never retrieved" in output
    assert "CRITICAL bot.uncaught: uncaught exception\n" in output
