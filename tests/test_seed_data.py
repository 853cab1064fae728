"""The curated plan: 42 rows, the right codes, dates read as the committee meant them, and
every director cell resolving to the right people or role group."""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from datetime import date

import pytest

from db.seed_file import load_seed_file
from domain.deadlines import Schedule, read_deadline
from domain.people import Person, RoleGroup, resolve_directors
from tests.conftest import PLAN_TEXT, SEED

SEED_FILE = load_seed_file(SEED)
TASKS = {t.code: t for t in SEED_FILE.tasks}
Y, H2, Q1, Q2, Q3 = (
    date(2024, 12, 31),
    date(2024, 6, 30),
    date(2024, 3, 31),
    date(2024, 6, 30),
    date(2024, 9, 30),
)

# The annex, read by hand: code -> milestones. [] = no fixed date.
EXPECTED: dict[str, list[date]] = {
    "I.1": [date(2024, 1, 31)], "I.2": [H2, Y], "I.3": [date(2024, 1, 31)],
    "I.4": [date(2024, 2, 29)], "I.5": [Q1], "I.6": [Q2], "I.7": [Q2], "I.8": [H2, Y],
    "I.9": [date(2024, 7, 31)], "I.10": [date(2024, 9, 30)], "I.11": [Q2, Y], "I.12": [Y],
    "I.13": [Y], "I.14": [Y],
    "II.1": [Q1], "II.2": [date(2024, 5, 31)], "II.3": [date(2024, 6, 30)], "II.4": [Y],
    "II.5": [Y], "II.6": [], "II.7": [], "II.8": [Y], "II.9": [Y], "II.10": [Y], "II.11": [Y],
    "III.1": [], "III.2": [Y], "III.3": [Y], "III.4": [Y], "III.5": [Y], "III.6": [Y],
    "III.7": [Y],
    "IV.1": [], "IV.2": [Q1], "IV.3": [Q1], "IV.4": [date(2024, 4, 30)], "IV.4b": [Q1],
    "IV.5": [Y], "IV.6": [Q1], "IV.7": [Q3], "IV.8": [Y], "IV.9": [Y],
}  # fmt: skip


def test_the_42_codes_in_plan_order() -> None:
    assert [t.code for t in SEED_FILE.tasks] == list(EXPECTED)
    assert Counter(t.section for t in SEED_FILE.tasks) == {"I": 14, "II": 11, "III": 7, "IV": 10}


@pytest.mark.parametrize("code", list(EXPECTED))
def test_milestones_of_each_task(code: str) -> None:
    assert [m.due for m in TASKS[code].milestones] == EXPECTED[code]


@pytest.mark.parametrize("code", list(EXPECTED))
def test_the_reader_agrees_with_the_curated_milestones(code: str) -> None:
    task = TASKS[code]
    reading = read_deadline(task.deadline_text, plan_year=2024)
    assert reading.schedule == task.schedule
    assert [(m.due, m.label) for m in reading.milestones] == [
        (m.due, m.label) for m in task.milestones
    ]


def test_tasks_without_a_date_are_flagged_and_keep_their_product() -> None:
    assert TASKS["IV.1"].schedule == Schedule.ROADMAP and TASKS["IV.1"].flag is None
    for code in ("II.6", "II.7", "III.1"):
        task = TASKS[code]
        assert task.schedule == Schedule.NONE and task.deadline_text is None
        assert task.flag, code
    # The scan put these products in the time column; they stay products, not dates.
    assert TASKS["II.6"].product == "Báo cáo kết quả chuyển đổi số năm 2024"
    assert TASKS["II.7"].product == "Kết quả chuyển đổi số của tỉnh"
    assert TASKS["III.1"].product == "Hội nghị đối thoại"


def test_rows_split_by_page_breaks_are_whole() -> None:
    assert TASKS["I.6"].content.endswith("56-CTr/TU ngày 03/7/2023 của Tỉnh ủy)")
    assert "giao thông vận tải, thông tin truyền thông" in TASKS["II.5"].content
    assert TASKS["IV.1"].content.endswith("sau khi được cấp có thẩm quyền phê duyệt")


def test_ocr_slips_are_corrected() -> None:
    text = json.dumps(json.loads(SEED.read_text(encoding="utf-8"))["tasks"], ensure_ascii=False)
    contents = " ".join(t.content + " " + (t.product or "") for t in SEED_FILE.tasks)
    for slip in ("Chi đạo", "chuyên đổi số", "ký cương", "cáo báo", "chê độ", "tiền luong"):
        assert slip not in contents, slip
    assert re.search(r"\btinh\b(?! giản| thần)", contents) is None  # "tỉnh" read as "tinh"
    assert text == unicodedata.normalize("NFC", text)


def test_lead_agency_of_the_split_row_is_whole() -> None:
    assert TASKS["III.1"].lead_agencies == ["so-tai-nguyen-moi-truong"]
    agencies = {a.key: a.name for a in SEED_FILE.agencies}
    assert agencies["so-tai-nguyen-moi-truong"] == "Sở Tài nguyên và Môi trường"


def test_one_record_per_person_whatever_the_title() -> None:
    names = [m.name for m in SEED_FILE.members]
    assert len(names) == len(set(names)) == 11
    vinh = {t.code for t in SEED_FILE.tasks if any(d.member == "le-hong-vinh" for d in t.directors)}
    # Printed as "Ủy viên Ban Thường vụ Tỉnh ủy" in most rows and "Ủy viên Ban Thường vụ" in IV.4.
    assert {"I.5", "IV.4", "IV.9"} <= vinh


PEOPLE = [Person(m.key, m.name) for m in SEED_FILE.members]
GROUPS = [RoleGroup(g.key, g.name, tuple(g.aliases)) for g in SEED_FILE.groups]


@pytest.mark.parametrize("code", list(EXPECTED))
def test_each_printed_director_cell_resolves_to_the_curated_directors(code: str) -> None:
    task = TASKS[code]
    assert task.directors_printed
    resolved = resolve_directors(task.directors_printed, PEOPLE, GROUPS)
    assert resolved.unresolved == ()
    assert list(resolved.members) == [d.member for d in task.directors if d.member]
    assert list(resolved.groups) == [d.group for d in task.directors if d.group]


@pytest.mark.skipif(not PLAN_TEXT.exists(), reason="the scanned plan is in ../shared")
def test_director_cells_are_quoted_from_the_scanned_plan() -> None:
    plan = " ".join(PLAN_TEXT.read_text(encoding="utf-8").split())
    for task in SEED_FILE.tasks:
        assert " ".join((task.directors_printed or "").split()) in plan, task.code
