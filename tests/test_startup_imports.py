"""Start-up loads what serving members needs, no more: the seed file's models (an empty database,
the seed command, a deadline set by an admin), the web desk (WEB_PORT), the Excel and chart
libraries and Alembic (a database behind the newest migration) are loaded when used."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# What ``python -m bot run`` imports before its first answer on Telegram.
SERVICE = "import bot.cli, bot.runner, bot.telegram_channel, bot.wiring"
LATER = ("db.seed", "db.seed_file", "web.app", "jinja2", "openpyxl", "matplotlib", "alembic")


def test_the_service_imports_only_what_serving_needs() -> None:
    code = f"import sys, json; {SERVICE}; print(json.dumps(sorted(sys.modules)))"
    loaded = json.loads(
        subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout
    )
    assert "handlers.engine" in loaded  # the check itself sees the service's modules
    assert [name for name in LATER if name in loaded] == []


def test_what_is_loaded_later_still_loads() -> None:
    """The deferred imports resolve (a typo in one would show only when first used)."""
    code = (
        f"{SERVICE}\n"
        "from bot.wiring import web_desk\n"
        "from db.seed import apply_seed, sync_milestones\n"
        "from db.seed_file import MilestoneIn, SeedError, load_seed_file\n"
        "from web.app import Desk\n"
        "from handlers import admin_tasks\n"
        "assert admin_tasks._milestones('30/06/2024', 2024) is not None\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
