"""The Excel report as it prints: converted to PDF by headless LibreOffice, read back with
pypdf. The plan's table on A3 landscape pages, each with the header row and every column, at
10 pt or more, in Times New Roman (or its metric twin); the letterhead, date line and signature;
page numbers; "Tổng hợp" on one page. Skipped, with the reason, where LibreOffice is absent
(scripts/ci-packages.sh installs it in CI)."""

from __future__ import annotations

import asyncio
import io
import re
import shutil
import subprocess
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from db import records
from db.session import Database
from reports.data import plan_report
from reports.workbook import build_workbook
from tests.conftest import ZONE

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = [
    pytest.mark.skipif(
        SOFFICE is None, reason="no LibreOffice (apt-get install libreoffice-calc-nogui)"
    ),
    pytest.mark.sqlite_only,  # the layout does not depend on the database: one pass is enough
]
pypdf = pytest.importorskip("pypdf", reason="pypdf is not installed")

A3_LANDSCAPE = (1191, 842)  # points, rounded
A4_PORTRAIT = (595, 842)


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _page(page: Any) -> tuple[str, Counter[float], set[str]]:
    """A page's text, the font sizes its characters are drawn at, its fonts' names."""
    sizes: Counter[float] = Counter()

    def visit(text: str, cm: Any, tm: Any, font: Any, size: float) -> None:
        if text.strip():
            sizes[round(size * abs(tm[3] * cm[3]), 1)] += len(text.strip())

    text = page.extract_text(visitor_text=visit)
    fonts = {
        str(f.get_object().get("/BaseFont", ""))
        for f in page["/Resources"].get("/Font", {}).values()
    }
    return text, sizes, fonts


@pytest.fixture
async def pdf(seeded: Database, tmp_path: Path) -> tuple[list[Any], list[str]]:
    async with seeded.transaction() as session:
        plan = await records.current_plan(session, 2024)
        assert plan is not None
        report = await plan_report(session, plan, today=date(2024, 9, 27), zone=ZONE)
        title = plan.title
    contents = [r.view.content for r in report.rows]
    source = tmp_path / "bao-cao.xlsx"
    source.write_bytes(build_workbook(report, plan_title=title, zone=ZONE))
    assert SOFFICE is not None
    done = await asyncio.to_thread(
        subprocess.run,
        [
            SOFFICE,
            "--headless",
            "--norestore",
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    target = tmp_path / "bao-cao.pdf"
    assert target.exists(), done.stdout + done.stderr
    return list(pypdf.PdfReader(io.BytesIO(target.read_bytes())).pages), contents


def _summary_index(pages: list[Any]) -> int:
    """The summary's page: after the plan's, before the parts of collective tasks (issue 20)."""
    (index,) = [i for i, p in enumerate(pages) if "THEO CƠ QUAN CHỦ TRÌ" in _page(p)[0]]
    return index


def test_the_plan_prints_on_a3_pages_each_with_the_header_row(
    pdf: tuple[list[Any], list[str]],
) -> None:
    pages, contents = pdf
    read = [_page(p) for p in pages]
    summary = _summary_index(pages)
    plan_pages = [r for r in read if "Nội dung thực hiện" in r[0]]
    assert 2 <= len(plan_pages) == summary  # every page of the plan, then the summary
    for number, (page, (text, sizes, fonts)) in enumerate(
        zip(pages[:summary], read[:summary], strict=True), 1
    ):
        width, height = round(float(page.mediabox.width)), round(float(page.mediabox.height))
        assert (width, height) == A3_LANDSCAPE
        # The header row, all eleven columns of it: no column is torn onto a page of its own.
        for heading in ("STT", "Nội dung thực hiện", "Sản phẩm", "Tình trạng", "Ghi chú"):
            assert heading in text, (number, heading)
        assert f"Trang {number}/{len(pages)}" in text
        body = sizes.most_common(1)[0][0]
        assert body >= 10, (number, sizes.most_common(3))  # the table's text, as printed
        assert any("TimesNewRoman" in f or "LiberationSerif" in f for f in fonts), fonts
    everything = _squash(" ".join(text for text, _, _ in read[:summary]))
    for content in contents:  # every task, whole (its text may wrap, never go missing)
        assert _squash(content)[:60] in everything, content


def test_the_document_has_its_letterhead_date_line_and_signature(
    pdf: tuple[list[Any], list[str]],
) -> None:
    pages, _ = pdf
    first = _page(pages[0])[0]
    for line in (
        "UBND TỈNH NGHỆ AN",
        "BAN CHỈ ĐẠO CẢI CÁCH HÀNH CHÍNH TỈNH",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Nghệ An, ngày 27 tháng 9 năm 2024",
    ):
        assert line in first, line
    last_plan_page = _page(pages[_summary_index(pages) - 1])[0]
    assert "TM. BAN CHỈ ĐẠO" in last_plan_page and "CƠ QUAN THƯỜNG TRỰC" in last_plan_page


def test_the_summary_prints_on_one_page(pdf: tuple[list[Any], list[str]]) -> None:
    pages, _ = pdf
    summaries = [p for p in pages if "THEO CƠ QUAN CHỦ TRÌ" in _page(p)[0]]
    assert len(summaries) == 1
    page = summaries[0]
    assert page is pages[_summary_index(pages)]
    text = _page(page)[0]
    for part in ("DANH MỤC CÁC NHIỆM VỤ TRỌNG TÂM", "THEO MỤC", "THEO NGƯỜI CHỈ ĐẠO", "Tổng số"):
        assert part in text, part
    assert "TM. BAN CHỈ ĐẠO" in text  # the whole sheet, down to its signature, on this page
    width, height = round(float(page.mediabox.width)), round(float(page.mediabox.height))
    assert (width, height) == A4_PORTRAIT


def test_the_parts_of_collective_tasks_print_after_the_summary(
    pdf: tuple[list[Any], list[str]],
) -> None:
    """Issue 20: a sheet of every collective task's parts, on A3 pages with its header row."""
    pages, _ = pdf
    parts = pages[_summary_index(pages) + 1 :]
    assert parts
    for page in parts:
        text = _page(page)[0]
        assert "Cơ quan" in text and "Tình trạng" in text
        width, height = round(float(page.mediabox.width)), round(float(page.mediabox.height))
        assert (width, height) == A3_LANDSCAPE
