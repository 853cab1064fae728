"""Settings: offsets, the clock's start, tokens kept secret."""

from __future__ import annotations

import re
from datetime import time, timedelta
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from bot.runner import rules_from
from bot.settings import Settings, parse_offsets
from scheduler.planner import Rules
from tests.conftest import ROOT


def test_offsets_in_days_and_seconds() -> None:
    assert parse_offsets("7d,3d,1d,0d") == tuple(timedelta(days=d) for d in (7, 3, 1, 0))
    assert parse_offsets("90s, 1d") == (timedelta(days=1), timedelta(seconds=90))
    with pytest.raises(ValueError, match="mốc nhắc"):
        parse_offsets("soon")


def test_settings_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REMINDER_OFFSETS", "3d,90s")
    monkeypatch.setenv("BOT_NOW", "2024-09-27T07:59:00+07:00")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456:ABC-real-looking")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.reminder_offsets == (timedelta(days=3), timedelta(seconds=90))
    assert settings.bot_now is not None and settings.bot_now.utcoffset() == timedelta(hours=7)
    assert "ABC-real-looking" not in repr(settings)  # the token is a SecretStr


def test_an_empty_token_means_no_channel(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "")
    assert Settings(_env_file=None).telegram_bot_token is None  # type: ignore[call-arg]


def test_a_placeholder_token_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "changeme")
    with pytest.raises(ValidationError, match="placeholder"):
        Settings(_env_file=None)  # type: ignore[call-arg]


def test_the_shipped_reminder_defaults_are_the_documented_ones(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With nothing set, the service reminds 7, 3, 1 and 0 days before a deadline at 08:00
    local time and escalates after 14 days (docs/OPERATIONS.md, "Settings"): every other test builds its
    own rules, so only this one notices a changed default."""
    for name in ("REMINDER_OFFSETS", "REMINDER_TIME", "BOT_TIMEZONE", "ESCALATE_AFTER_DAYS"):
        monkeypatch.delenv(name, raising=False)
    rules = rules_from(Settings(_env_file=None))  # type: ignore[call-arg]
    assert rules == Rules(
        offsets=(timedelta(days=7), timedelta(days=3), timedelta(days=1), timedelta(days=0)),
        send_time=time(8, 0),
        zone=ZoneInfo("Asia/Ho_Chi_Minh"),
        escalate_after_days=14,
    )
    settings_doc = (ROOT / "docs" / "OPERATIONS.md").read_text(encoding="utf-8")
    documented = re.search(r"^\| `REMINDER_OFFSETS` \| `([^`]+)` \|", settings_doc, re.MULTILINE)
    assert documented is not None and parse_offsets(documented[1]) == rules.offsets


def test_repeating_unacknowledged_reminders_is_on_by_default_and_validated(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from bot.runner import rules_from

    assert Settings(_env_file=None).repeat_unacknowledged is True  # type: ignore[call-arg]
    monkeypatch.setenv("REPEAT_UNACKNOWLEDGED", "0")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert rules_from(settings).repeat_unacknowledged is False
    monkeypatch.setenv("REPEAT_UNACKNOWLEDGED", "sometimes")
    with pytest.raises(ValidationError, match="repeat_unacknowledged"):
        Settings(_env_file=None)  # type: ignore[call-arg]
