"""docs/HUONG_DAN.md stays true to the engine: every chat command has an example a person can
copy, and every command the guide shows is one the bot answers."""

from __future__ import annotations

import re

from handlers.engine import ROUTES
from tests.conftest import ROOT

GUIDE = (ROOT / "docs" / "HUONG_DAN.md").read_text(encoding="utf-8")
# What a person copies: fenced blocks and inline code.
EXAMPLES = re.findall(r"```.*?```", GUIDE, re.S) + re.findall(r"`[^`\n]+`", GUIDE)
SHOWN = {m for example in EXAMPLES for m in re.findall(r"(?<![\w/])/([a-z]+)\b", example)}


def test_every_command_has_an_example_in_the_guide() -> None:
    missing = sorted(set(ROUTES) - SHOWN)
    assert not missing, f"no example in docs/HUONG_DAN.md for: {missing}"


def test_every_command_the_guide_shows_is_answered() -> None:
    unknown = sorted(SHOWN - set(ROUTES) - {"start"})  # /start: how a chat opens, with a join code
    assert not unknown, f"docs/HUONG_DAN.md shows commands the bot does not know: {unknown}"
