"""Settings from environment variables and an optional ``.env`` file (every one is listed in
``.env.example``; what each means: docs/OPERATIONS.md, "Settings")."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from functools import cached_property
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///data/bot.db"
_OFFSET = re.compile(r"^(\d+)\s*([dhms])$")
_UNITS = {"d": "days", "h": "hours", "m": "minutes", "s": "seconds"}
_PLACEHOLDERS = {"changeme", "your-token-here", "token", "xxx", "placeholder", "<token>"}
MAX_OFFSET = timedelta(days=366)  # a reminder more than a year ahead of its deadline is a typo
FIRST_YEAR, LAST_YEAR = 2000, 2100  # BOT_NOW outside these years is a typo
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
DRIVERS = ("sqlite+aiosqlite", "postgresql+asyncpg")


def parse_offsets(text: str) -> tuple[timedelta, ...]:
    """ "7d,3d,1d,0d" -> offsets before a deadline, largest first. Units: d, h, m, s."""
    offsets = []
    for part in text.split(","):
        match = _OFFSET.match(part.strip().lower())
        if not match:
            raise ValueError(
                f"không đọc được mốc nhắc '{part.strip()}' (ví dụ: 7d,3d,1d,0d hoặc 90s)"
            )
        amount, unit = int(match[1]), timedelta(**{_UNITS[match[2]]: 1})
        if amount > MAX_OFFSET // unit:  # compared first: 99999999999d overflows a timedelta
            raise ValueError(f"mốc nhắc '{part.strip()}' quá xa: tối đa {MAX_OFFSET.days} ngày")
        offsets.append(amount * unit)
    return tuple(sorted(set(offsets), reverse=True))


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    database_url: str = DEFAULT_DATABASE_URL
    telegram_bot_token: SecretStr | None = None
    telegram_api_base: str = "https://api.telegram.org/bot"
    telegram_webhook_url: str | None = None  # set to receive by webhook instead of polling
    telegram_webhook_secret: SecretStr | None = None
    telegram_webhook_listen: str = "0.0.0.0"
    telegram_webhook_port: int = Field(default=8443, ge=1, le=65535)
    # messages per second overall, below Telegram's 30 (more only for a local Bot API server)
    send_rate: float = Field(
        default=25.0, gt=0, le=100_000
    )  # bulk messages/s; benchmarks use 10000
    zalo_bot_token: SecretStr | None = None
    zalo_api_base: str = "https://bot-api.zaloplatforms.com"
    zalo_webhook_url: str | None = None  # set to receive by webhook instead of polling
    zalo_webhook_secret: SecretStr | None = None
    zalo_webhook_listen: str = "0.0.0.0"
    zalo_webhook_port: int = Field(default=8444, ge=1, le=65535)
    bot_timezone: str = "Asia/Ho_Chi_Minh"
    bot_now: datetime | None = None
    reminder_offsets: Annotated[tuple[timedelta, ...], NoDecode] = Field(
        default=parse_offsets("7d,3d,1d,0d")
    )
    reminder_time: time = time(8, 0)
    # An agency's completion shows "chờ xác nhận" until the standing office confirms it.
    confirm_completion: bool = False
    # overdue this long: the standing office and directors are told
    escalate_after_days: int = Field(default=14, ge=1, le=366)
    # a deadline-day or overdue reminder nobody acknowledged or answered: repeated once (1/0)
    repeat_unacknowledged: bool = True
    log_level: str = "INFO"
    reports_dir: Path = Path("data/reports")  # the console saves charts and workbooks here
    files_dir: Path = Path("data/files")  # files that back a completion (/tailieu)
    web_host: str = (
        "127.0.0.1"  # the web desk (python -m bot web; run serves it when WEB_PORT is set)
    )
    web_port: int = Field(default=8080, ge=1, le=65535)
    web_base_url: str | None = None  # how people reach the desk (https behind a proxy), for links

    @field_validator("reminder_offsets", mode="before")
    @classmethod
    def _offsets(cls, value: object) -> object:
        return parse_offsets(value) if isinstance(value, str) else value

    @field_validator("database_url")
    @classmethod
    def _database(cls, value: str) -> str:
        try:
            url = make_url(value)
        except ArgumentError as exc:
            raise ValueError(
                "not a database URL; e.g. sqlite+aiosqlite:///data/bot.db or "
                "postgresql+asyncpg://user:password@host/db"
            ) from exc
        if url.drivername not in DRIVERS:
            raise ValueError(
                f"unsupported database {url.drivername!r}: use sqlite+aiosqlite:///<file> or "
                "postgresql+asyncpg://user:password@host/db"
            )
        if url.drivername.startswith("sqlite") and (
            not url.database or url.database == ":memory:" or "memory" in url.query.values()
        ):
            raise ValueError(
                "SQLite needs a file (an in-memory database is lost at every command): "
                "sqlite+aiosqlite:///data/bot.db"
            )
        if url.drivername.startswith("postgresql") and not url.database:
            raise ValueError("names no database: postgresql+asyncpg://user:password@host/db")
        return value

    @field_validator("log_level")
    @classmethod
    def _log_level(cls, value: str) -> str:
        if value.strip().upper() not in LOG_LEVELS:
            raise ValueError(f"unknown log level; one of {', '.join(LOG_LEVELS)}")
        return value.strip().upper()

    @field_validator("telegram_api_base", "zalo_api_base")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("needs an http:// or https:// URL")
        return value

    @field_validator("web_base_url")
    @classmethod
    def _base_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        if not value.startswith(("http://", "https://")):
            raise ValueError("WEB_BASE_URL starts with https:// (or http:// on one machine)")
        return value.strip().rstrip("/")

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
        if value is not None and not FIRST_YEAR <= value.year <= LAST_YEAR:
            raise ValueError(f"must fall between the years {FIRST_YEAR} and {LAST_YEAR}")
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

    @classmethod
    def load(cls) -> Settings:
        """The settings, or SettingsError naming each bad setting in one line."""
        try:
            return cls()
        except ValidationError as exc:
            raise SettingsError(describe(exc)) from None

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

    @property
    def web_url(self) -> str:
        """Where the desk is reached: WEB_BASE_URL, else its own host and port."""
        return self.web_base_url or f"http://{self.web_host}:{self.web_port}"

    def sqlite_path(self) -> Path | None:
        """The database file when the URL is a SQLite file, else None."""
        prefix = "sqlite+aiosqlite:///"
        if self.database_url.startswith(prefix) and ":memory:" not in self.database_url:
            return Path(self.database_url.removeprefix(prefix))
        return None


class SettingsError(Exception):
    """A setting refused at start; the message names it, in one line."""


def describe(error: ValidationError) -> str:
    """One line naming each refused setting (as its environment variable) and why; the value
    is not repeated (it may be a secret)."""
    reasons = []
    for item in error.errors():
        name = "_".join(str(part) for part in item["loc"]).upper() or "settings"
        message = str(item["msg"]).removeprefix("Value error, ")
        reasons.append(f"{name}: {message}")
    return "; ".join(reasons).replace("\n", " ")
