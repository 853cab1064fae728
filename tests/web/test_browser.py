"""The web desk in a real browser: Debian's chromium, driven by Playwright, against a real
``python -m bot web`` process on its own SQLite file. Skipped, with the reason, where chromium
or Playwright is missing (scripts/ci-packages.sh installs chromium in CI; no browser is ever
downloaded)."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.processes import environment, free_port, run_bot

CHROMIUM = Path("/usr/bin/chromium")
BROWSER_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
NOW = "2024-09-27T08:00+07:00"
LEADER = "Thái Thanh Quý"

pytestmark = [
    pytest.mark.sqlite_only,  # its own SQLite file, in a child process
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="no /usr/bin/chromium (apt-get install chromium)"
    ),
]
sync_api = pytest.importorskip(
    "playwright.sync_api", reason="Playwright for Python is not installed"
)


def _environment(tmp_path: Path, port: int) -> dict[str, str]:
    return environment(tmp_path / "desk.db", BOT_NOW=NOW, WEB_PORT=str(port), WEB_HOST="127.0.0.1")


def _bot(tmp_path: Path, env: dict[str, str], *args: str, stdin: str = "") -> str:
    done = run_bot(tmp_path, *args, env=env, stdin=stdin)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str], Path]]:
    """A running ``python -m bot web`` (one for this module's tests): its base URL, its
    environment and its folder."""
    tmp_path = tmp_path_factory.mktemp("desk")
    port = free_port()
    env = _environment(tmp_path, port)
    _bot(tmp_path, env, "seed")
    log = (tmp_path / "web.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "web"], cwd=tmp_path, env=env, stdout=log, stderr=log
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(base + "/", timeout=1).status_code == 401:
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None, (tmp_path / "web.log").read_text()
            assert time.monotonic() < deadline, "the web desk did not start"
            time.sleep(0.2)
        yield base, env, tmp_path
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()
    assert "Traceback" not in (tmp_path / "web.log").read_text()


def _baocao_counts(tmp_path: Path, env: dict[str, str]) -> dict[str, int]:
    text = _bot(tmp_path, env, "chat", "--as", LEADER, stdin="/baocao\n")
    labels = {
        "done_on_time": "Hoàn thành đúng hạn",
        "done_late": "Hoàn thành quá hạn",
        "on_track": "Đang thực hiện trong hạn",
        "overdue": "Quá hạn chưa hoàn thành",
        "no_deadline": "Không có thời hạn",
    }
    found = {}
    for key, label in labels.items():
        match = re.search(rf"• {label}: (\d+) ", text)
        assert match is not None, text
        found[key] = int(match[1])
    return found


def test_sign_in_overview_click_through_task_reuse_and_sign_out(
    desk: tuple[str, dict[str, str], Path], tmp_path: Path
) -> None:
    base, env, folder = desk
    link = _bot(folder, env, "weblink", LEADER).strip().splitlines()[-1]
    assert link.startswith(base + "/dang-nhap/")
    expected = _baocao_counts(folder, env)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=BROWSER_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="vi-VN")
            page = context.new_page()
            blocked: list[str] = []
            page.on(
                "console",
                lambda m: blocked.append(m.text) if "Content Security" in m.text else None,
            )

            # No session: no data.
            page.goto(base + "/nhiem-vu")
            assert "Cần đăng nhập" in page.content() and "I.1" not in page.content()

            # Sign in by the link.
            page.goto(link)
            page.click("#sign-in")
            page.wait_for_url(base + "/")
            assert page.locator("h1").inner_text() == "Tổng quan"
            cookie = next(c for c in context.cookies() if c["name"] == "bcd_phien")
            assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"

            # The overview's counts are /baocao's.
            for key, count in expected.items():
                assert page.locator(f'a[data-category="{key}"]').inner_text() == str(count), key
            shot = tmp_path / "overview.png"
            page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 20_000
            assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
            assert page.locator("img").evaluate("i => i.naturalWidth") == 1200  # the chart loaded

            # From a count to its tasks, then one task.
            page.click('a[data-category="overdue"]')
            page.wait_for_url(re.compile(r".*/nhiem-vu\?loai=overdue$"))
            assert page.locator("#task-count").inner_text() == f"{expected['overdue']} nhiệm vụ"
            rows = page.locator("#tasks tbody tr")
            assert rows.count() == expected["overdue"]
            first = rows.first.locator("a").inner_text()
            rows.first.locator("a").click()
            page.wait_for_url(re.compile(rf".*/nhiem-vu/{re.escape(first)}$"))
            assert page.locator("h1").inner_text() == f"Nhiệm vụ {first}"
            assert "Quá hạn chưa hoàn thành" in page.locator("#task-category").inner_text()

            # The link again: refused.
            page.goto(link)
            assert "đã được dùng hoặc đã hết hạn" in page.content()

            # Sign out: the pages ask for a session again.
            page.goto(base + "/")
            page.click("form.signout button")
            page.wait_for_url(base + "/da-dang-xuat")
            assert not [c for c in context.cookies() if c["name"] == "bcd_phien"]
            page.goto(base + "/")
            assert "Cần đăng nhập" in page.content()
            assert blocked == []  # nothing on any page was blocked by the CSP
        finally:
            browser.close()


def test_the_overview_fits_a_phone(desk: tuple[str, dict[str, str], Path]) -> None:
    base, env, folder = desk
    link = _bot(folder, env, "weblink", "Lê Đức Cường").strip().splitlines()[-1]
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=BROWSER_ARGS)
        try:
            page = browser.new_page(viewport={"width": 390, "height": 844})
            page.goto(link)
            page.click("#sign-in")
            page.wait_for_url(base + "/")
            assert "Lê Đức Cường" in page.locator(".plan").inner_text()  # their own slice
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 390  # no sideways scrolling of the page itself
        finally:
            browser.close()
