"""The command line as an operator uses it: seed, chat, invite, run — real processes."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from chat import texts
from reports.workbook import HEADER_ROW
from tests.conftest import SEED
from tests.processes import environment, run_bot

pytestmark = pytest.mark.sqlite_only  # its own SQLite file, in a child process


def bot(
    tmp_path: Path, *args: str, stdin: str = "", timeout: float = 60, **env: str
) -> subprocess.CompletedProcess[str]:
    """``python -m bot`` on the test's own ``cli.db``, with only the settings given."""
    return run_bot(
        tmp_path, *args, env=environment(tmp_path / "cli.db", **env), stdin=stdin, timeout=timeout
    )


def test_seed_is_idempotent(tmp_path: Path) -> None:
    first = bot(tmp_path, "seed", str(SEED))
    assert first.returncode == 0, first.stderr
    assert "42 task" in first.stdout
    second = bot(tmp_path, "seed")  # default file: the bundled seed_tasks.json
    assert second.returncode == 0, second.stderr
    assert "created nothing; updated nothing" in second.stdout


def test_the_first_admin_is_made_by_seed_without_editing_anything(tmp_path: Path) -> None:
    first = bot(tmp_path, "seed")
    assert first.returncode == 0, first.stderr
    assert "no admin yet" in first.stdout and "--admin" in first.stdout
    refused = bot(tmp_path, "admin", "--as", "Nguyễn Đức Trung", "/chuathamgia")
    assert refused.returncode != 0
    made = bot(tmp_path, "seed", "--admin", "Nguyen Duc Trung")  # diacritics optional
    assert made.returncode == 0, made.stderr
    assert "Nguyễn Đức Trung is now an admin." in made.stdout
    assert "no admin yet" not in bot(tmp_path, "seed").stdout
    works = bot(tmp_path, "admin", "--as", "Nguyễn Đức Trung", "/chuathamgia")
    assert works.returncode == 0, works.stderr


def test_a_bad_seed_file_fails_clearly(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(
        SEED.read_text(encoding="utf-8").replace('"code": "I.5"', '"code": "I.55"'),
        encoding="utf-8",
    )
    result = bot(tmp_path, "seed", str(bad))
    assert result.returncode == 1
    assert "seed failed, nothing written" in result.stderr and "I.55" in result.stderr
    assert not (tmp_path / "cli.db").exists()


def test_the_console_lists_vinhs_tasks_on_the_morning_of_20_march(tmp_path: Path) -> None:
    assert bot(tmp_path, "seed").returncode == 0
    result = bot(
        tmp_path,
        "chat",
        "--as",
        "Lê Hồng Vinh",
        stdin="/nhiemvu cua toi\n/nhiemvu I.5\nxin chào\n",
        BOT_NOW="2024-04-05T09:00+07:00",
    )
    assert result.returncode == 0, result.stderr
    blocks = result.stdout.split("─" * 40 + "\n")
    assert len(blocks) == 4 and blocks[-1] == ""  # one block per input line
    listed = re.findall(r"^• ([IV]+\.\d+b?) ·", blocks[0], flags=re.M)
    assert len(listed) == 17 and listed[0] == "I.5"
    assert "⚠️ Quá hạn 5 ngày (hạn 31/03/2024)" in blocks[0]
    assert "  ↳ Hoàn thành: /hoanthanh I.5" in blocks[1]  # asks the day it was done
    assert "/trogiup" in blocks[2]
    assert "Lưu ý" not in result.stderr  # the clock is in the plan's year: nothing to explain


def test_the_console_seeds_an_empty_database_by_itself(tmp_path: Path) -> None:
    result = bot(tmp_path, "chat", "--as", "le hong vinh", stdin="/nhiemvu\n")
    assert result.returncode == 0, result.stderr
    assert "Nhiệm vụ của đồng chí Lê Hồng Vinh" in result.stdout
    # on a clock past 2024 the console says why the bundled plan shows as overdue
    year = int(re.search(r"đang là \d\d/\d\d/(\d{4})", result.stderr).group(1))  # type: ignore[union-attr]
    assert year > 2024 and "BOT_NOW=2024-03-20T09:00+07:00" in result.stderr


def test_an_unknown_member_gets_the_closest_names(tmp_path: Path) -> None:
    result = bot(tmp_path, "chat", "--as", "Le Hong Vin", stdin="")
    assert result.returncode == 2
    assert "Không có thành viên tên “Le Hong Vin”" in result.stderr
    assert "Lê Hồng Vinh" in result.stderr


def test_invite_prints_a_code_alone_on_its_last_line(tmp_path: Path) -> None:
    assert bot(tmp_path, "seed").returncode == 0
    result = bot(tmp_path, "invite", "Nguyễn Đức Trung")
    assert result.returncode == 0, result.stderr
    code = result.stdout.rstrip("\n").splitlines()[-1]
    assert re.fullmatch(r"[A-Z2-7]{16}", code)


def test_run_without_a_token_says_what_to_do(tmp_path: Path) -> None:
    result = bot(tmp_path, "run")
    assert result.returncode == 1
    assert "TELEGRAM_BOT_TOKEN" in result.stderr
    assert 'python -m bot chat --as "Lê Hồng Vinh"' in result.stderr


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"TELEGRAM_BOT_TOKEN": "changeme"}, "placeholder"),
        ({"REMINDER_OFFSETS": "7 ngày"}, "mốc nhắc"),
        ({"BOT_NOW": "2024-03-20T09:00"}, "UTC offset"),
        ({"BOT_TIMEZONE": "Mars/Olympus"}, "unknown time zone"),
    ],
)
def test_bad_settings_are_refused_at_start(
    tmp_path: Path, env: dict[str, str], message: str
) -> None:
    result = bot(tmp_path, "seed", **env)
    assert result.returncode == 2
    assert message in result.stderr


def test_invite_shows_the_t_me_link_when_the_bot_is_known(tmp_path: Path) -> None:
    from fakes.bot_api import FakeBotApi

    assert bot(tmp_path, "seed").returncode == 0
    token = "987654321:AAH-fake-token-for-tests_0123456789abcdef"
    with FakeBotApi(token=token, username="bcd_nghean_bot") as api:
        result = bot(
            tmp_path,
            "invite",
            "Lê Hồng Vinh",
            TELEGRAM_BOT_TOKEN=token,
            TELEGRAM_API_BASE=api.base_url,
        )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert f"Link: https://t.me/bcd_nghean_bot?start={lines[-1]}" in lines
    assert token not in result.stdout + result.stderr


def test_remind_dry_run_lists_what_would_be_sent_and_to_whom(tmp_path: Path) -> None:
    result = bot(tmp_path, "remind", "--dry-run", "--at", "2024-09-27T08:00+07:00")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Nhắc việc đến hạn lúc 27/09/2024 08:00 (Asia/Ho_Chi_Minh): 4"
    assert "- I.10, hạn 30/09/2024: nhắc hạn" in lines
    assert f"    Nguyễn Đức Trung: {texts.PREVIEW_UNREACHABLE}" in lines
    quiet = bot(tmp_path, "remind", "--dry-run", "--at", "2024-09-28T08:00+07:00")  # Saturday
    assert quiet.stdout.splitlines()[0].endswith(": 0")


def test_the_dry_run_lists_what_the_run_sends_once_each(tmp_path: Path) -> None:
    """15/02/2024, the first working day after Tết: I.1 is overdue (and escalated) once, not
    twice; its director, owed the escalation, is not listed for the overdue reminder too."""
    result = bot(tmp_path, "remind", "--dry-run", "--at", "2024-02-15T08:00+07:00")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    i1 = [line for line in lines if line.startswith("- I.1,")]
    assert i1 == [
        "- I.1, hạn 31/01/2024: quá hạn kéo dài: báo cơ quan thường trực và lãnh đạo chỉ đạo",
        "- I.1, hạn 31/01/2024: quá hạn",
    ]
    overdue = lines.index("- I.1, hạn 31/01/2024: quá hạn")
    assert lines[overdue + 1] == texts.PREVIEW_IN_ESCALATION  # Thái Thanh Quý: the escalation


def test_backup_is_consistent_while_a_write_is_in_progress(tmp_path: Path) -> None:
    import sqlite3

    assert bot(tmp_path, "seed").returncode == 0
    writer = sqlite3.connect(tmp_path / "cli.db", isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # the service in the middle of a write
    writer.execute("UPDATE tasks SET content = 'chưa lưu' WHERE code = 'I.1'")
    result = bot(tmp_path, "backup", str(tmp_path / "copies" / "bot-backup.db"))
    writer.execute("ROLLBACK")
    writer.close()
    assert result.returncode == 0, result.stderr
    assert "integrity ok" in result.stdout
    copy = sqlite3.connect(tmp_path / "copies" / "bot-backup.db")
    assert copy.execute("SELECT count(*) FROM tasks").fetchone()[0] == 42
    assert copy.execute("SELECT content FROM tasks WHERE code = 'I.1'").fetchone()[0] != "chưa lưu"
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    copy.close()


def test_export_import_and_admin_from_the_command_line(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    now = {"BOT_NOW": "2024-07-01T09:00+07:00"}
    assert bot(tmp_path, "seed").returncode == 0
    exported = bot(tmp_path, "export", "--xlsx", "out/report.xlsx", **now)
    assert exported.returncode == 0, exported.stderr
    assert "42 tasks, as of 2024-07-01" in exported.stdout
    workbook = load_workbook(tmp_path / "out" / "report.xlsx")
    # Issue 20: the seeded plan's collective tasks give a sheet of their parts.
    assert workbook.sheetnames == ["Kế hoạch 2024", "Tổng hợp", "Phần việc các cơ quan"]

    refused_year = bot(tmp_path, "import", "out/report.xlsx", "--plan", "2025")
    assert refused_year.returncode == 1
    assert "names plan 02/KH-BCĐ of 2024, not of 2025" in refused_year.stderr
    old_dates = bot(tmp_path, "import", "out/report.xlsx", "--plan", "2025", "--code", "05/KH-BCĐ")
    assert old_dates.returncode == 1 and "created" not in old_dates.stdout
    assert re.search(
        r"row \d+: task I\.5: completion time 'Quý I/2024' gives 31/03/2024, before the plan's "
        r"year 2025",
        old_dates.stderr,
    ), old_dates.stderr
    assert "--allow-old-dates" in old_dates.stderr
    new_year = ("--plan", "2025", "--code", "05/KH-BCĐ", "--allow-old-dates")
    imported = bot(tmp_path, "import", "out/report.xlsx", *new_year)
    assert imported.returncode == 0, imported.stderr
    assert "created 1 plan, 4 section, 42 task" in imported.stdout
    assert "imported as written (--allow-old-dates)" in imported.stdout
    assert "task I.5: completion time 'Quý I/2024'" in imported.stdout
    again = bot(tmp_path, "import", "out/report.xlsx", *new_year)
    assert "created nothing; updated nothing" in again.stdout

    sheet = workbook["Kế hoạch 2024"]
    row = HEADER_ROW + 3  # under the header: section I, I.1, then I.2
    sheet[f"D{row}"] = "Sở Không Tồn Tại"
    workbook.save(tmp_path / "bad.xlsx")
    failed = bot(tmp_path, "import", "bad.xlsx", "--plan", "2026")
    assert failed.returncode == 1
    assert "import failed, nothing written" in failed.stderr
    assert f"sheet 'Kế hoạch 2024', row {row}: unknown agency 'Sở Không Tồn Tại'" in failed.stderr
    assert "created" not in bot(tmp_path, "import", "missing.xlsx", "--plan", "2026").stdout

    refused = bot(tmp_path, "admin", "--as", "Nguyễn Văn Đề", "/chuathamgia")
    assert refused.returncode == 2 and "grant-admin" in refused.stderr
    granted = bot(tmp_path, "grant-admin", "Nguyen Van De")
    assert granted.returncode == 0 and "Nguyễn Văn Đề is now an admin." in granted.stdout
    added = bot(tmp_path, "admin", "--as", "Nguyễn Văn Đề", "/themcq Sở Tư pháp")
    assert added.stdout.strip() == "Đã thêm cơ quan Sở Tư pháp (nhóm: sở, ban, ngành)."
    report = bot(tmp_path, "admin", "--as", "Nguyễn Văn Đề", "/baocao", REPORTS_DIR="charts", **now)
    assert report.returncode == 0, report.stderr
    saved = re.search(r"Biểu đồ đã lưu: (\S+\.png)", report.stdout)
    assert saved is not None and (tmp_path / saved[1]).read_bytes()[:4] == b"\x89PNG"
    audit = bot(tmp_path, "admin", "--as", "Nguyễn Văn Đề", "/nhatky")
    assert "thêm cơ quan Sở Tư pháp" in audit.stdout
    assert "cli: cấp quyền quản trị cho Nguyễn Văn Đề" in audit.stdout


def test_an_extension_to_the_year_1_is_refused_in_vietnamese(tmp_path: Path) -> None:
    assert bot(tmp_path, "grant-admin", "Nguyễn Đức Trung").returncode == 0
    result = bot(tmp_path, "admin", "--as", "Nguyễn Đức Trung", "/giahan I.5 31/12/0001 chờ")
    assert result.returncode == 0, result.stderr
    assert "Ngày 31/12/0001 nằm ngoài khoảng cho phép" in result.stdout
    assert "Traceback" not in result.stderr
    detail = bot(tmp_path, "admin", "--as", "Nguyễn Đức Trung", "/nhiemvu I.5")
    assert "0001" not in detail.stdout and "(gia hạn" not in detail.stdout


@pytest.mark.parametrize(
    "args",
    [
        ("remind", "--dry-run", "--at", "2024-09-27T08:00+07:00"),
        ("admin", "--as", "Nguyễn Đức Trung", "/nhiemvu"),
    ],
    ids=["remind", "admin"],
)
def test_output_into_a_closed_pipe_ends_quietly(tmp_path: Path, args: tuple[str, ...]) -> None:
    """`… | head -1`: the reader goes away; the command stops without a traceback."""
    assert bot(tmp_path, "grant-admin", "Nguyễn Đức Trung").returncode == 0
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before the first line is written
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "ZALO_", "BOT_"))
    }
    environment.update(DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}")
    try:
        result = subprocess.run(
            [sys.executable, "-m", "bot", *args],
            stdout=write_end,
            stderr=subprocess.PIPE,
            cwd=tmp_path,
            env=environment,
            timeout=60,
            check=False,
            text=True,
        )
    finally:
        os.close(write_end)
    assert "BrokenPipeError" not in result.stderr and "Traceback" not in result.stderr, (
        result.stderr
    )
    assert "Exception ignored" not in result.stderr, result.stderr
    assert result.returncode == 1


def test_the_verdict_by_the_day_it_was_done_from_the_command_line(tmp_path: Path) -> None:
    """The issue's scene, as an operator runs it on BOT_NOW=2024-06-20T09:00+07:00: I.3 done by
    a decision of 25/01 and reported on 20/06 is done on time, its document in its own column;
    "xong rồi" stores no product; "I.5 xong" from its director completes I.5."""
    from openpyxl import load_workbook

    from reports.workbook import HEADER_ROW

    now = {"BOT_NOW": "2024-06-20T09:00+07:00"}
    assert bot(tmp_path, "seed").returncode == 0
    assert bot(tmp_path, "grant-admin", "Nguyen Van De").returncode == 0
    done = bot(
        tmp_path,
        "admin",
        "--as",
        "Nguyễn Văn Đề",
        "/capnhat I.3 hoàn thành ngày 25/01/2024 Quyết định số 45/QĐ-UBND",
        **now,
    )
    assert done.returncode == 0, done.stderr
    assert "Ngày hoàn thành: 25/01/2024" in done.stdout
    particles = bot(tmp_path, "admin", "--as", "Nguyễn Văn Đề", "/capnhat I.9 xong rồi", **now)
    assert "→ Hoàn thành (100%)" in particles.stdout and "rồi" not in particles.stdout
    phone = bot(tmp_path, "chat", "--as", "Lê Hồng Vinh", stdin="I.5 xong\n", **now)
    assert "I.5: Chưa triển khai → Hoàn thành (100%)" in phone.stdout, phone.stderr
    exported = bot(tmp_path, "export", "--xlsx", "report.xlsx", **now)
    assert exported.returncode == 0, exported.stderr
    sheet = load_workbook(tmp_path / "report.xlsx")["Kế hoạch 2024"]
    headers = [c.value for c in sheet[HEADER_ROW]]
    rows = {}
    section = None
    for row in sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True):
        if row[0] in ("I", "II", "III", "IV"):
            section = row[0]
        else:
            rows[f"{section}.{row[0]}"] = dict(zip(headers, row, strict=False))
    i3 = rows["I.3"]
    assert i3["Tình trạng"] == "Hoàn thành đúng hạn"
    assert i3["Văn bản, kết quả"] == "Quyết định số 45/QĐ-UBND\nNgày hoàn thành: 25/01/2024"
    assert headers.index("Văn bản, kết quả") == headers.index("Sản phẩm") + 1
    assert rows["I.9"]["Văn bản, kết quả"] == "Ngày hoàn thành: 20/06/2024"  # no product "rồi"
    assert "Hoàn thành" in str(rows["I.5"]["Tình trạng"])
