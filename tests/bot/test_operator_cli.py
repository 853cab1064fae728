"""What an operator sees on the first run: the console's dates in the service's zone, a backup
that is one file, charts that never overwrite each other, help that points to the right page.
Real ``python -m bot`` processes on the test's own SQLite file (and the console's file saving
on its own)."""

from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from chat import texts
from tests.processes import environment, run_bot

pytestmark = pytest.mark.sqlite_only  # its own SQLite file, in a child process

# 23:30 UTC on 30/11 is 06:30 on 01/12 in Vietnam: a different day in each zone.
LATE_UTC = "2026-11-30T23:30+00:00"


def bot(
    tmp_path: Path, *args: str, stdin: str = "", database: str = "cli.db", **env: str
) -> subprocess.CompletedProcess[str]:
    """``python -m bot`` on the test's own ``database``, with only the settings given."""
    return run_bot(tmp_path, *args, env=environment(tmp_path / database, **env), stdin=stdin)


@pytest.mark.parametrize(
    ("now", "zone", "today"),
    [
        # The list and the note give the day in Asia/Ho_Chi_Minh, not UTC's 30/11.
        (LATE_UTC, "Asia/Ho_Chi_Minh", "01/12/2026"),
        (LATE_UTC, "America/New_York", "30/11/2026"),  # 18:30 on 30/11 there
        # 01/01/2025 in Vietnam: the 2024 plan is already last year's there.
        ("2024-12-31T23:30+00:00", "Asia/Ho_Chi_Minh", "01/01/2025"),
    ],
    ids=["vietnam", "bot_timezone", "new_year_in_vietnam"],
)
def test_the_old_plan_note_gives_today_in_the_services_zone(
    tmp_path: Path, now: str, zone: str, today: str
) -> None:
    result = bot(
        tmp_path,
        "chat",
        "--as",
        "Lê Hồng Vinh",
        stdin="/nhiemvu\n",
        BOT_NOW=now,
        BOT_TIMEZONE=zone,
    )
    assert result.returncode == 0, result.stderr
    assert f"tính đến {today}" in result.stdout
    assert texts.CONSOLE_OLD_PLAN.format(today=today, year=2024) in result.stderr
    assert "30/11/2026" not in result.stderr or today == "30/11/2026"


def test_a_backup_is_one_self_contained_file(tmp_path: Path) -> None:
    assert bot(tmp_path, "seed").returncode == 0
    copies = tmp_path / "copies"
    result = bot(tmp_path, "backup", str(copies / "bot-backup.db"))
    assert result.returncode == 0, result.stderr
    assert "integrity ok" in result.stdout
    assert sorted(p.name for p in copies.iterdir()) == ["bot-backup.db"]  # no -wal, -shm
    # Moved on its own (as an operator copies it off the machine), it opens read-only, whole.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.move(copies / "bot-backup.db", elsewhere / "bot-backup.db")
    elsewhere.chmod(0o555)  # not even a -shm file can be made beside it
    try:
        copy = sqlite3.connect(f"file:{elsewhere / 'bot-backup.db'}?mode=ro", uri=True)
        try:
            assert copy.execute("SELECT count(*) FROM tasks").fetchone()[0] == 42
            assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        finally:
            copy.close()
    finally:
        elsewhere.chmod(0o755)
    assert sorted(p.name for p in elsewhere.iterdir()) == ["bot-backup.db"]


def test_a_restored_backup_serves_again(tmp_path: Path) -> None:
    """The restore steps: stop, copy the backup over the database file, start."""
    now = {"BOT_NOW": "2024-06-20T09:00+07:00"}
    assert bot(tmp_path, "grant-admin", "Nguyễn Văn Đề").returncode == 0
    done = bot(tmp_path, "admin", "--as", "Nguyễn Văn Đề", "/capnhat I.9 xong", **now)
    assert "→ Hoàn thành" in done.stdout, done.stdout + done.stderr
    assert bot(tmp_path, "backup", "backup.db").returncode == 0
    shutil.copy(tmp_path / "backup.db", tmp_path / "restored.db")
    again = bot(tmp_path, "seed", database="restored.db")
    assert again.returncode == 0, again.stderr
    assert "created nothing; updated nothing" in again.stdout
    detail = bot(
        tmp_path, "admin", "--as", "Nguyễn Văn Đề", "/nhiemvu I.9", database="restored.db", **now
    )
    assert "Hoàn thành" in detail.stdout, detail.stdout + detail.stderr
    with sqlite3.connect(tmp_path / "restored.db") as restored:
        assert restored.execute("PRAGMA journal_mode").fetchone()[0] == "wal"  # as the service runs


def _saved(output: str) -> list[Path]:
    prefix = texts.REPORT_CHART_SAVED.format(path="")
    return [Path(line.removeprefix(prefix)) for line in output.splitlines() if prefix in line]


def test_each_chart_the_console_saves_has_its_own_file(tmp_path: Path) -> None:
    now = {"BOT_NOW": "2024-07-01T09:00+07:00", "REPORTS_DIR": "charts"}
    console = bot(
        tmp_path, "chat", "--as", "Lê Hồng Vinh", stdin="/baocao\n/baocao chidao\n", **now
    )
    assert console.returncode == 0, console.stderr
    by_section, by_director = _saved(console.stdout)
    assert by_section != by_director
    first, second = (tmp_path / by_section).read_bytes(), (tmp_path / by_director).read_bytes()
    assert first[:4] == second[:4] == b"\x89PNG" and first != second  # two charts, both kept
    # The next command adds a file; it never overwrites one.
    assert bot(tmp_path, "grant-admin", "Nguyễn Văn Đề").returncode == 0
    admin = bot(tmp_path, "admin", "--as", "Nguyễn Văn Đề", "/baocao", **now)
    assert admin.returncode == 0, admin.stderr
    [third] = _saved(admin.stdout)
    assert third not in (by_section, by_director)
    assert (tmp_path / by_section).read_bytes() == first
    assert (tmp_path / third).read_bytes()[:4] == b"\x89PNG"
    assert sorted(p.name for p in (tmp_path / "charts").iterdir()) == sorted(
        p.name for p in (by_section, by_director, third)
    )


def test_help_points_to_the_operations_guide(tmp_path: Path) -> None:
    result = bot(tmp_path, "--help")
    assert result.returncode == 0, result.stderr
    assert "docs/OPERATIONS.md" in result.stdout
    assert "README" not in result.stdout  # the CLI is documented in docs/OPERATIONS.md
    assert (Path(__file__).parents[2] / "docs" / "OPERATIONS.md").is_file()


def test_a_console_file_name_stays_in_the_reports_folder(tmp_path: Path) -> None:
    """A file's name is what a person typed on their phone: never a path out of the folder."""
    from bot.console import save_files
    from chat.messages import Attachment, Reply

    folder = tmp_path / "reports"
    reply = Reply("", files=(Attachment("document", "../../ra-ngoai.pdf", b"%PDF-1.4"),))
    [line] = save_files([reply], folder)
    [saved] = folder.iterdir()
    assert saved.read_bytes() == b"%PDF-1.4" and str(saved) in line
    assert not (tmp_path.parent / "ra-ngoai.pdf").exists()
    assert re.fullmatch(r"[\w.-]+\.pdf", saved.name)
