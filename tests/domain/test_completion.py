"""Reading phone wording for a completion: the day, the document, particles that are not a
product, a task code at either end. Generated phrasings: diacritics on and off, particles,
order."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from domain.completion import (
    Completion,
    CompletionError,
    Evidence,
    check_day,
    parse_completion,
    read_evidence,
)
from domain.normalize import fold
from domain.status import Status
from handlers.parse import Command, UpdateRequest, parse_plain, parse_update

TODAY = date(2024, 6, 20)
PARTICLES = ["rồi", "nhé", "ạ", "nha", "á", "nhé ạ", "rồi nha", "r"]
DONE_WORDS = ["xong", "hoàn thành", "đã xong", "đã hoàn thành", "ok xong", "dạ xong"]
CODES = ["I.5", "I.14", "II.3", "III.7", "IV.4b", "IV.9"]


def spelled(text: str, plain: bool) -> str:
    """With diacritics, or as typed on a phone without them."""
    return fold(text) if plain else text


phrasings = st.builds(
    lambda done, particles, plain, upper: (done, particles, plain, upper),
    st.sampled_from(DONE_WORDS),
    st.lists(st.sampled_from(PARTICLES), max_size=3),
    st.booleans(),
    st.booleans(),
)


@given(phrasings, st.sampled_from(CODES), st.booleans())
def test_done_with_particles_is_done_without_a_product(
    phrasing: tuple[str, list[str], bool, bool], code: str, code_last: bool
) -> None:
    done, particles, plain, upper = phrasing
    words = spelled(" ".join([done, *particles]), plain)
    words = words.upper() if upper else words
    text = f"{words} {code}" if code_last else f"{code} {words}"
    command = parse_plain(text)
    assert command is not None and command.name == "capnhat"
    request = parse_update(command.args)
    assert isinstance(request, UpdateRequest)
    assert (request.code, request.status) == (code, Status.DONE)
    assert parse_completion(request.text, today=TODAY) == Completion(None, None, "")


@given(
    st.sampled_from(["Quyết định", "QĐ", "Kế hoạch", "Công văn"]),
    st.integers(1, 9999),
    st.sampled_from(["QĐ-UBND", "KH-BCĐ", "SNV-CCHC"]),
    st.dates(date(2024, 1, 1), TODAY),
    st.lists(st.sampled_from(PARTICLES), max_size=2),
    st.booleans(),
)
def test_a_document_keeps_its_number_and_its_date_is_the_day(
    kind: str, number: int, office: str, day: date, particles: list[str], plain: bool
) -> None:
    document = f"{kind} số {number}/{office} ngày {day:%d/%m/%Y}"
    text = spelled(" ".join([document, *particles]), plain)
    found = parse_completion(text, today=TODAY)
    assert isinstance(found, Completion)
    assert found.day == day and found.note == ""
    assert found.evidence is not None
    assert found.evidence.number == spelled(f"{number}/{office}", plain)
    assert found.evidence.on == day
    assert fold(found.evidence.text) == fold(document)


@given(st.dates(date(2024, 1, 1), TODAY), st.booleans(), st.booleans())
def test_the_day_given_first_is_the_completion_day(day: date, plain: bool, slash: bool) -> None:
    written = f"{day.day}/{day.month}/{day.year}" if slash else f"{day:%d-%m-%Y}"
    text = spelled(f"ngày {written} Quyết định số 45/QĐ-UBND nhé", plain)
    found = parse_completion(text, today=TODAY)
    assert isinstance(found, Completion) and found.day == day
    assert found.evidence is not None and found.evidence.kind == "Quyết định"


def test_the_issues_examples() -> None:
    assert parse_completion("ngày 25/01/2024 Quyết định số 45/QĐ-UBND", today=TODAY) == Completion(
        date(2024, 1, 25), Evidence("Quyết định số 45/QĐ-UBND", "Quyết định", "45/QĐ-UBND"), ""
    )
    assert parse_completion("hôm nay", today=TODAY) == Completion(TODAY, None, "")
    assert parse_completion("sản phẩm: Báo cáo tổng kết", today=TODAY) == Completion(
        None, Evidence("Báo cáo tổng kết", "Báo cáo"), ""
    )
    note = parse_completion("đã gửi Sở Nội vụ", today=TODAY)
    assert note == Completion(None, None, "đã gửi Sở Nội vụ")  # a note, not a product


def test_a_date_that_is_not_a_day_is_an_error() -> None:
    assert parse_completion("ngày 31/02/2024", today=TODAY) == CompletionError.BAD_DATE
    assert parse_completion("QĐ số 4/QĐ-UBND ngày 45/01/2024", today=TODAY) == (
        CompletionError.BAD_DATE
    )


def test_the_day_is_never_in_the_future_nor_before_the_plans_year() -> None:
    assert check_day(date(2024, 6, 21), today=TODAY, plan_year=2024) == CompletionError.FUTURE
    assert check_day(date(2023, 12, 31), today=TODAY, plan_year=2024) == (
        CompletionError.BEFORE_PLAN
    )
    assert check_day(TODAY, today=TODAY, plan_year=2024) is None


def test_read_evidence_reads_abbreviations() -> None:
    assert read_evidence("QĐ số 45/QĐ-UBND ngày 25/01/2024") == Evidence(
        "QĐ số 45/QĐ-UBND ngày 25/01/2024", "Quyết định", "45/QĐ-UBND", date(2024, 1, 25)
    )


@given(st.text(alphabet="abcdeghiklmnopqrstuvxyàáạảãâầấđêếệôơưữ .,:!?", max_size=60))
def test_chatter_without_a_task_code_is_not_an_update(text: str) -> None:
    """A code needs its number: chatter without digits never becomes a status change."""
    assert parse_plain(text) is None


@given(st.sampled_from(CODES), st.text(alphabet="abcdeghiklmnopqrstuvxyàáạảãâđêô ", max_size=40))
def test_text_with_a_code_at_its_start_is_about_that_task(code: str, rest: str) -> None:
    command = parse_plain(f"{code} {rest}")
    expected = Command("capnhat", f"{code} {' '.join(rest.split())}") if rest.strip() else None
    assert command == (expected or Command("nhiemvu", code))
