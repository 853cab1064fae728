"""Where the code sends a reader (docstrings, --help, comments in pyproject.toml) exists: the
page, and the section when one is named. The README is a one-screen start; the code points to
the page under docs/ that holds the subject."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).parents[1]
PACKAGES = ("bot", "chat", "db", "domain", "handlers", "reports", "scheduler", "web", "fakes")
POINTER = re.compile(r'\b(README(?:\.md)?|docs/[A-Za-z_]+\.md)(?:, "([^"]+)")?')


def sources() -> list[Path]:
    files = [p for package in PACKAGES for p in (ROOT / package).rglob("*.py")]
    scripts = [p for p in (ROOT / "scripts").iterdir() if p.is_file()]
    return [*files, ROOT / "pyproject.toml", ROOT / "Dockerfile", *scripts]


def headings(page: Path) -> set[str]:
    return {
        line.lstrip("#").strip()
        for line in page.read_text(encoding="utf-8").splitlines()
        if line.startswith("#")
    }


def test_every_page_and_section_the_code_names_exists() -> None:
    pointers = []
    for path in sources():
        for match in POINTER.finditer(path.read_text(encoding="utf-8")):
            page, section = match[1], match[2]
            where = f"{path.relative_to(ROOT)}: {match[0]}"
            pointers.append(where)
            assert not page.startswith("README"), f"{where}: point to the page under docs/"
            assert (ROOT / page).is_file(), f"{where}: no such page"
            if section is not None:
                assert section in headings(ROOT / page), f"{where}: no such section"
    assert any(p.startswith("bot/cli.py: docs/OPERATIONS.md") for p in pointers)
    assert any(p.startswith("pyproject.toml: docs/SCALING.md") for p in pointers)
