"""Completing a task by the day it was really done: the day and the document recorded, the
verdict and the Excel report by that day, phone wording, the "Hoàn thành" tap, corrections."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from chat import texts
from db.models import StatusChange, Task
from db.session import Database
from domain.clock import FrozenClock
from handlers.engine import Engine
from reports.workbook import HEADER_ROW
from tests.conftest import ZONE, Chat, local

ADMIN = "can-bo-van-phong"


@pytest.fixture
async def office(seeded: Database) -> tuple[Chat, str]:
    """The issue's scene: the service started with BOT_NOW=2024-06-20T09:00+07:00."""
    chat = Chat(seeded, Engine(seeded, FrozenClock(local("2024-06-20 09:00")), ZONE))
    admin = await chat.add_member(ADMIN, "Cán bộ Văn phòng", agencies=("so-noi-vu",), admin=True)
    return chat, admin


async def last_change(database: Database, code: str) -> StatusChange:
    async with database.transaction() as session:
        change = await session.scalar(
            select(StatusChange)
            .join(Task, Task.id == StatusChange.task_id)
            .where(Task.code == code)
            .order_by(StatusChange.id.desc())
            .limit(1)
        )
        assert change is not None
        return change


async def exported_row(chat: Chat, admin: str, code: str) -> dict[str, object]:
    (reply,) = await chat.say(admin, "/xuat")
    sheet = load_workbook(io.BytesIO(reply.files[0].data)).worksheets[0]
    section, number = code.split(".")
    current = None
    for row in sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True):
        if row[0] in ("I", "II", "III", "IV"):
            current = row[0]
        elif current == section and str(row[0]) == number:
            return dict(zip(texts.XLSX_HEADERS, row, strict=False))
    raise AssertionError(f"no row for {code}")


async def test_a_late_report_of_an_early_completion_is_done_on_time(
    office: tuple[Chat, str],
) -> None:
    chat, admin = office
    text = await chat.text(
        admin, "/capnhat I.3 hoàn thành ngày 25/01/2024 Quyết định số 45/QĐ-UBND"
    )
    assert "Ngày hoàn thành: 25/01/2024" in text
    assert "Văn bản, kết quả: Quyết định số 45/QĐ-UBND" in text
    change = await last_change(chat.database, "I.3")
    assert change.completed_on == date(2024, 1, 25)
    assert (change.evidence_kind, change.evidence_number) == ("Quyết định", "45/QĐ-UBND")
    row = await exported_row(chat, admin, "I.3")
    assert row["Tình trạng"] == "Hoàn thành đúng hạn"  # the status alone
    document = str(row["Văn bản, kết quả"])
    assert document.startswith("Quyết định số 45/QĐ-UBND") and "25/01/2024" in document


async def test_the_documents_date_is_the_completion_day(office: tuple[Chat, str]) -> None:
    chat, admin = office
    await chat.say(admin, "/capnhat I.3 xong QĐ số 45/QĐ-UBND ngày 25/01/2024")
    change = await last_change(chat.database, "I.3")
    assert change.completed_on == date(2024, 1, 25)
    assert change.evidence_date == date(2024, 1, 25)
    assert (await exported_row(chat, admin, "I.3"))["Tình trạng"] == "Hoàn thành đúng hạn"


async def test_without_a_day_the_report_day_counts(office: tuple[Chat, str]) -> None:
    chat, admin = office
    await chat.say(admin, "/capnhat I.3 hoàn thành")
    assert (await last_change(chat.database, "I.3")).completed_on == date(2024, 6, 20)
    assert (await exported_row(chat, admin, "I.3"))["Tình trạng"] == "Hoàn thành quá hạn"


@pytest.mark.parametrize("phrase", ["xong rồi", "đã xong", "hoàn thành rồi nhé", "ok xong ạ"])
async def test_particles_are_not_a_product(office: tuple[Chat, str], phrase: str) -> None:
    chat, admin = office
    text = await chat.text(admin, f"/capnhat I.9 {phrase}")
    assert "→ Hoàn thành (100%)" in text and "Văn bản" not in text and "Ghi chú" not in text
    change = await last_change(chat.database, "I.9")
    assert change.new_status == "hoan_thanh"
    assert (change.evidence, change.reference, change.note) == (None, None, None)


async def test_i5_xong_from_its_director_completes_it(office: tuple[Chat, str]) -> None:
    chat, admin = office
    vinh = await chat.link("le-hong-vinh")
    assert "I.5: Chưa triển khai → Hoàn thành (100%)" in await chat.text(vinh, "I.5 xong")
    assert "I.6: Chưa triển khai → Hoàn thành (100%)" in await chat.text(vinh, "xong I.6")
    text = await chat.text(admin, "I.7 60% đã trình dự thảo")
    assert "Đang thực hiện (60%)" in text and "Ghi chú: đã trình dự thảo" in text
    assert "→ Gặp vướng mắc" in await chat.text(admin, "I.8 vướng: chờ ý kiến")
    assert (await last_change(chat.database, "I.5")).completed_on == date(2024, 6, 20)


async def test_plain_wording_is_refused_to_who_may_not(office: tuple[Chat, str]) -> None:
    chat, _ = office
    stranger = await chat.add_member("nguoi-la", "Người Lạ")
    text = await chat.text(stranger, "I.5 xong")
    assert "không thể thay đổi tình trạng nhiệm vụ I.5" in text


async def test_unsure_wording_asks_with_buttons(office: tuple[Chat, str]) -> None:
    chat, _ = office
    vinh = await chat.link("le-hong-vinh")
    (reply,) = await chat.say(vinh, "I.5 đã gửi Sở Nội vụ")
    assert "Chưa rõ tình trạng mới của nhiệm vụ I.5" in reply.text
    assert [a.command for a in reply.actions] == [
        "/capnhat I.5 Đang thực hiện",
        "/hoanthanh I.5",
        "/capnhat I.5 Gặp vướng mắc",
    ]
    async with chat.database.transaction() as session:
        assert await session.scalar(select(StatusChange.id)) is None  # nothing guessed


async def test_plain_code_alone_opens_the_task(office: tuple[Chat, str]) -> None:
    chat, _ = office
    vinh = await chat.link("le-hong-vinh")
    assert (await chat.text(vinh, "i.5")).startswith("I.5 · ")


@pytest.mark.parametrize(
    ("phrase", "why"),
    [
        ("hoàn thành ngày 21/06/2024", "không thể sau hôm nay (20/06/2024)"),
        ("hoàn thành ngày 20/12/2023", "không thể trước năm của kế hoạch (2024)"),
        ("hoàn thành ngày 31/02/2024", "Ngày không hợp lệ"),
    ],
)
async def test_impossible_days_are_refused_in_vietnamese(
    office: tuple[Chat, str], phrase: str, why: str
) -> None:
    chat, admin = office
    assert why in await chat.text(admin, f"/capnhat I.3 {phrase}")
    async with chat.database.transaction() as session:
        assert await session.scalar(select(StatusChange.id)) is None


async def test_the_office_corrects_the_day_and_the_history_keeps_both(
    office: tuple[Chat, str],
) -> None:
    chat, admin = office
    vinh = await chat.link("le-hong-vinh")
    await chat.say(vinh, "/capnhat I.5 hoàn thành")
    refused = await chat.text(vinh, "/capnhat I.5 hoàn thành ngày 10/06/2024")
    assert refused.startswith("Nhiệm vụ I.5 đã được báo hoàn thành. Muốn sửa ngày hoàn thành")
    text = await chat.text(admin, "/capnhat I.5 hoàn thành ngày 10/06/2024")
    assert text.startswith("Đã sửa ngày hoàn thành của nhiệm vụ I.5: 20/06/2024 → 10/06/2024.")
    async with chat.database.transaction() as session:
        days = (
            await session.scalars(select(StatusChange.completed_on).order_by(StatusChange.id))
        ).all()
    assert days == [date(2024, 6, 20), date(2024, 6, 10)]
    detail = await chat.text(admin, "/nhiemvu I.5")
    assert "Ngày hoàn thành: 10/06/2024" in detail
    assert "(ngày hoàn thành 10/06/2024)" in detail  # the correction, in the history


async def test_the_hoan_thanh_tap_asks_for_the_day_and_the_document(
    office: tuple[Chat, str],
) -> None:
    chat, _ = office
    vinh = await chat.link("le-hong-vinh")
    (detail,) = await chat.say(vinh, "/nhiemvu I.5")
    done = next(a for a in detail.actions if a.label == texts.ACTION_DONE)
    (ask,) = await chat.say(vinh, done.command)
    assert ask.text.startswith("Nhiệm vụ I.5 hoàn thành ngày nào?")
    i5 = await _task_id(chat, "I.5")
    assert ask.task_id == i5  # a reply to the question is about I.5
    today = next(a for a in ask.actions if a.label == "Hôm nay")
    assert len(today.command.encode()) <= 64  # Telegram's callback_data limit
    text = await chat.text(vinh, today.command)
    assert "→ Hoàn thành (100%)" in text and "Ngày hoàn thành: 20/06/2024" in text
    # The document, optional, in reply to the confirmation.
    await chat.engine.remember("telegram", vinh, "500", i5)
    (saved,) = await chat.say(vinh, "Quyết định số 45/QĐ-UBND ngày 19/06/2024", reply_to="500")
    assert (
        saved.text
        == "Đã ghi văn bản, kết quả cho nhiệm vụ I.5: “Quyết định số 45/QĐ-UBND ngày 19/06/2024”"
    )
    assert "Văn bản, kết quả: Quyết định số 45/QĐ-UBND" in await chat.text(vinh, "/nhiemvu I.5")


async def test_a_reply_with_a_day_to_the_question_completes_on_that_day(
    office: tuple[Chat, str],
) -> None:
    chat, _ = office
    vinh = await chat.link("le-hong-vinh")
    i5 = await _task_id(chat, "I.5")
    await chat.engine.remember("telegram", vinh, "700", i5)
    text = await chat.text_reply(vinh, "ngày 25/01/2024 Quyết định số 45/QĐ-UBND", "700")
    assert "Ngày hoàn thành: 25/01/2024" in text and "Quyết định số 45/QĐ-UBND" in text


async def test_a_reply_with_a_day_and_other_words_is_a_note_not_a_completion(
    office: tuple[Chat, str],
) -> None:
    chat, _ = office
    vinh = await chat.link("le-hong-vinh")
    await chat.engine.remember("telegram", vinh, "701", await _task_id(chat, "I.5"))
    text = await chat.text_reply(vinh, "ngày 25/06/2024 họp Ban chỉ đạo", "701")
    assert text.startswith("Đã ghi chú vào nhiệm vụ I.5")
    assert (await last_change(chat.database, "I.5")).new_status is None


async def test_a_batch_keeps_its_completion_day(office: tuple[Chat, str]) -> None:
    chat, admin = office
    text = await chat.text(admin, "/capnhat I.8 đợt 1 hoàn thành ngày 28/06/2024")
    assert "không thể sau hôm nay" in text
    text = await chat.text(admin, "/capnhat I.8 đợt 1 hoàn thành ngày 15/06/2024")
    assert text.startswith(
        "Đã ghi nhận Đợt 1 của nhiệm vụ I.8 hoàn thành ngày 15/06/2024 (hạn 30/06/2024)."
    )


async def test_an_overlong_document_number_is_kept_within_its_column(
    office: tuple[Chat, str],
) -> None:
    chat, admin = office
    number = "45/" + "QĐ-" * 40 + "UBND"
    text = await chat.text(admin, f"/capnhat I.3 hoàn thành Quyết định số {number}")
    assert "→ Hoàn thành (100%)" in text
    change = await last_change(chat.database, "I.3")
    assert change.evidence == f"Quyết định số {number}"  # kept whole as written
    assert change.evidence_number is not None and len(change.evidence_number) == 64


@pytest.mark.parametrize(
    "phrase", ["I.5 xong một phần", "I.5 xong nhưng chưa ký", "xong gần hết I.5"]
)
async def test_a_completion_taken_back_in_the_same_breath_is_asked_about(
    office: tuple[Chat, str], phrase: str
) -> None:
    chat, _ = office
    vinh = await chat.link("le-hong-vinh")
    (reply,) = await chat.say(vinh, phrase)
    assert reply.text.startswith("Chưa rõ nhiệm vụ I.5 đã hoàn thành hẳn chưa")
    assert [a.label for a in reply.actions] == ["Đã hoàn thành hôm nay", "Vẫn đang thực hiện"]
    async with chat.database.transaction() as session:
        assert await session.scalar(select(StatusChange.id)) is None  # nothing guessed


async def test_almost_done_is_not_done(office: tuple[Chat, str]) -> None:
    chat, _ = office
    vinh = await chat.link("le-hong-vinh")
    (reply,) = await chat.say(vinh, "I.5 sắp xong")
    assert reply.text.startswith("Chưa rõ tình trạng mới của nhiệm vụ I.5")
    assert reply.actions  # the status choices, one tap each


async def _task_id(chat: Chat, code: str) -> int:
    async with chat.database.transaction() as session:
        found = await session.scalar(select(Task.id).where(Task.code == code))
    assert found is not None
    return found
