"""Settings from environment variables and an optional ``.env`` file (see README, "Settings")."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from functools import cached_property
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///data/bot.db"
_OFFSET = re.compile(r"^(\d+)\s*([dhms])$")
_UNITS = {"d": "days", "h": "hours", "m": "minutes", "s": "seconds"}
_PLACEHOLDERS = {"changeme", "your-token-here", "token", "xxx", "placeholder", "<token>"}


def parse_offsets(text: str) -> tuple[timedelta, ...]:
    """ "7d,3d,1d,0d" -> offsets before a deadline, largest first. Units: d, h, m, s."""
    offsets = []
    for part in text.split(","):
        match = _OFFSET.match(part.strip().lower())
        if not match:
            raise ValueError(
                f"không đọc được mốc nhắc '{part.strip()}' (ví dụ: 7d,3d,1d,0d hoặc 90s)"
            )
        offsets.append(timedelta(**{_UNITS[match[2]]: int(match[1])}))
    return tuple(sorted(set(offsets), reverse=True))


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    database_url: str = DEFAULT_DATABASE_URL
    telegram_bot_token: SecretStr | None = None
    telegram_api_base: str = "https://api.telegram.org/bot"
    telegram_webhook_url: str | None = None  # set to receive by webhook instead of polling
    telegram_webhook_secret: SecretStr | None = None
    telegram_webhook_listen: str = "0.0.0.0"
    telegram_webhook_port: int = 8443
    send_rate: float = 25.0  # messages per second overall, below Telegram's 30
    zalo_bot_token: SecretStr | None = None
    zalo_api_base: str = "https://bot-api.zaloplatforms.com"
    zalo_webhook_url: str | None = None  # set to receive by webhook instead of polling
    zalo_webhook_secret: SecretStr | None = None
    zalo_webhook_listen: str = "0.0.0.0"
    zalo_webhook_port: int = 8444
    bot_timezone: str = "Asia/Ho_Chi_Minh"
    bot_now: datetime | None = None
    reminder_offsets: Annotated[tuple[timedelta, ...], NoDecode] = Field(
        default=parse_offsets("7d,3d,1d,0d")
    )
    reminder_time: time = time(8, 0)
    # An agency's completion shows "chờ xác nhận" until the standing office confirms it.
    confirm_completion: bool = False
    escalate_after_days: int = 14  # overdue this long: the standing office and directors are told
    log_level: str = "INFO"
    reports_dir: Path = Path("data/reports")
    files_dir: Path = Path(
        "data/files"
    )  # files that back a completion (/tailieu)  # the console saves charts and workbooks here

    @field_validator("reminder_offsets", mode="before")
    @classmethod
    def _offsets(cls, value: object) -> object:
        return parse_offsets(value) if isinstance(value, str) else value

    @field_validator("bot_timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("bot_now")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("BOT_NOW needs a UTC offset, e.g. 2024-03-20T09:00+07:00")
        return value

    @field_validator("telegram_bot_token", "zalo_bot_token")
    @classmethod
    def _real_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None
        if value.get_secret_value().strip().lower() in _PLACEHOLDERS:
            raise ValueError("the token is a placeholder: put the real token from BotFather")
        return value

    @model_validator(mode="after")
    def _webhook_secret(self) -> Settings:
        if self.telegram_webhook_url and not self.telegram_webhook_secret:
            raise ValueError(
                "TELEGRAM_WEBHOOK_URL needs TELEGRAM_WEBHOOK_SECRET (1-256 of A-Z a-z 0-9 _ -)"
            )
        if self.zalo_webhook_url and not self.zalo_webhook_secret:
            raise ValueError("ZALO_WEBHOOK_URL needs ZALO_WEBHOOK_SECRET")
        return self

    def secrets(self) -> list[str]:
        """Every secret value, for the log redactor."""
        values = (
            self.telegram_bot_token,
            self.zalo_bot_token,
            self.telegram_webhook_secret,
            self.zalo_webhook_secret,
        )
        return [v.get_secret_value() for v in values if v is not None]

    @cached_property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.bot_timezone)

    def sqlite_path(self) -> Path | None:
        """The database file when the URL is a SQLite file, else None."""
        prefix = "sqlite+aiosqlite:///"
        if self.database_url.startswith(prefix) and ":memory:" not in self.database_url:
            return Path(self.database_url.removeprefix(prefix))
        return None
