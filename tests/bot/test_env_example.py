"""``.env.example`` lists every setting the service reads, once each, with a comment: the names
come from the settings class itself, so a new setting cannot be left out."""

from __future__ import annotations

import re
from itertools import pairwise
from pathlib import Path

from bot.settings import Settings

EXAMPLE = Path(__file__).parents[2] / ".env.example"
SETTING_LINE = re.compile(r"^#?\s*([A-Z][A-Z0-9_]*)=")


def environment_names() -> set[str]:
    """The environment variables Settings reads: its prefix and each field's name or alias."""
    prefix = str(Settings.model_config.get("env_prefix", ""))
    names = set()
    for name, field in Settings.model_fields.items():
        alias = field.validation_alias or field.alias
        names.add(alias.upper() if isinstance(alias, str) else (prefix + name).upper())
    return names


def test_the_names_come_from_the_settings_class() -> None:
    names = environment_names()
    assert {"DATABASE_URL", "TELEGRAM_WEBHOOK_URL", "TELEGRAM_WEBHOOK_SECRET"} <= names
    assert len(names) == len(Settings.model_fields)


def test_every_setting_is_in_the_example_once() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    for name in sorted(environment_names()):
        count = len(re.findall(rf"(?<![A-Z0-9_]){name}(?![A-Z0-9_])", text))
        assert count == 1, f"{name} appears {count} times in .env.example"


def test_the_example_sets_nothing_the_service_does_not_read() -> None:
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    listed = [m[1] for line in lines if (m := SETTING_LINE.match(line))]
    assert sorted(listed) == sorted(environment_names())


def test_each_setting_has_a_comment_above_it() -> None:
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    for above, line in pairwise(lines):
        if SETTING_LINE.match(line):
            assert above.startswith("# ") and not SETTING_LINE.match(above), line
            assert len(above) > len("# ") + 10, line  # says something
