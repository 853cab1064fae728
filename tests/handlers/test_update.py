"""/capnhat: who may change what, what is recorded, and how the history reads back."""

from __future__ import annotations

from sqlalchemy import select

from db.models import StatusChange
from tests.conftest import Chat


async def changes(
    chat: Chat,
) -> list[tuple[str, str | None, str | None, int | None, str | None, str | None]]:
    async with chat.database.transaction() as session:
        rows = (await session.scalars(select(StatusChange).order_by(StatusChange.id))).all()
        return [(r.kind, r.old_status, r.new_status, r.progress, r.note, r.evidence) for r in rows]


async def test_the_director_changes_status_with_progress_and_note(chat: Chat) -> None:
    vinh = await chat.link("le-hong-vinh")
    text = await chat.text(vinh, "/capnhat I.5 đang thực hiện 60% đã trình dự thảo")
    assert text.startswith(
        "Đã cập nhật nhiệm vụ I.5: Chưa triển khai → Đang thực hiện (60%).\n"
        "Ghi chú: đã trình dự thảo\n"
        "Để thêm ghi chú hoặc số hiệu văn bản: trả lời tin nhắn này"
    )
    assert await changes(chat) == [
        ("status", "chua_trien_khai", "dang_thuc_hien", 60, "đã trình dự thảo", None)
    ]


async def test_a_new_percentage_or_note_in_the_same_status_says_it_is_still_that_status(
    chat: Chat,
) -> None:
    vinh = await chat.link("le-hong-vinh")
    await chat.text(vinh, "/capnhat I.5 đang thực hiện 40%")
    more = await chat.text(vinh, "/capnhat I.5 đang thực hiện 60%")
    assert more.startswith("Đã cập nhật nhiệm vụ I.5: vẫn Đang thực hiện (60%).")
    noted = await chat.text(vinh, "/capnhat I.5 đang thực hiện 60% đã trình dự thảo")
    assert noted.startswith(
        "Đã cập nhật nhiệm vụ I.5: vẫn Đang thực hiện (60%).\nGhi chú: đã trình dự thảo"
    )
    assert "→" not in more and "→" not in noted


async def test_without_diacritics_and_done_with_the_products_reference(chat: Chat) -> None:
    vinh = await chat.link("le-hong-vinh")
    text = await chat.text(vinh, "/capnhat i.5 hoan thanh Kế hoạch số 15/KH-UBND")
    assert "Chưa triển khai → Hoàn thành (100%)" in text
    assert "Văn bản, kết quả: Kế hoạch số 15/KH-UBND" in text
    assert (await changes(chat))[-1] == (
        "status",
        "chua_trien_khai",
        "hoan_thanh",
        100,
        None,
        "Kế hoạch số 15/KH-UBND",
    )


async def test_the_lead_agencys_officer_may_change_status(chat: Chat) -> None:
    officer = await chat.add_member("can-bo-snv", "Trần Thị Lan", agencies=("so-noi-vu",))
    assert "Đã cập nhật nhiệm vụ I.5" in await chat.text(
        officer, "/capnhat I.5 gặp vướng mắc chờ số liệu"
    )


async def test_an_admin_may_change_any_task(chat: Chat) -> None:
    admin = await chat.add_member("admin", "Cán bộ Thường trực", admin=True)
    assert "Đã cập nhật nhiệm vụ II.7" in await chat.text(admin, "/capnhat II.7 đang thực hiện")


async def test_a_coordinating_agency_is_refused_status_but_may_add_a_note(chat: Chat) -> None:
    # Văn phòng Tỉnh ủy coordinates I.1 (lead: Sở Nội vụ).
    officer = await chat.add_member("can-bo-vptu", "Hồ Văn Phối", agencies=("van-phong-tinh-uy",))
    text = await chat.text(officer, "/capnhat I.1 hoàn thành")
    assert text.startswith("Đồng chí không thể thay đổi tình trạng nhiệm vụ I.1")
    assert "(Sở Nội vụ)" in text and "/capnhat I.1 ghi chú" in text
    note = await chat.text(officer, "/capnhat I.1 ghi chú đã gửi ý kiến góp ý")
    assert note == "Đã ghi chú vào nhiệm vụ I.1: “đã gửi ý kiến góp ý”"
    assert await changes(chat) == [("note", None, None, None, "đã gửi ý kiến góp ý", None)]


async def test_someone_else_is_refused_with_the_reason_and_nothing_is_written(chat: Chat) -> None:
    cuong = await chat.link("le-duc-cuong")
    text = await chat.text(cuong, "/capnhat I.5 hoàn thành")
    assert "không thể thay đổi tình trạng nhiệm vụ I.5" in text
    assert "chỉ người chịu trách nhiệm chỉ đạo" in text
    assert "không thể ghi chú" in await chat.text(cuong, "/capnhat I.5 ghi chú xin góp ý")
    assert await changes(chat) == []


async def test_a_batch_is_completed_on_its_own_then_the_task(chat: Chat) -> None:
    vinh = await chat.link("le-hong-vinh")
    first = await chat.text(vinh, "/capnhat I.8 đợt 1 hoàn thành")
    assert first.startswith(
        "Đã ghi nhận Đợt 1 của nhiệm vụ I.8 hoàn thành ngày 20/03/2024 (hạn 30/06/2024).\n"
    )
    detail = await chat.text(vinh, "/nhiemvu I.8")
    assert "Đợt 1 30/06/2024 ✅" in detail and "Đợt 2 31/12/2024\n" in detail
    assert "Tiến độ so với hạn: Đợt 2 · Hạn 31/12/2024" in detail
    second = await chat.text(vinh, "/capnhat I.8 dot 2 hoan thanh")
    assert "Chưa triển khai → Hoàn thành (100%)" in second
    assert "Tình trạng: ✅ Hoàn thành (100%)" in await chat.text(vinh, "/nhiemvu I.8")


async def test_batches_only_exist_on_multi_batch_tasks(chat: Chat) -> None:
    vinh = await chat.link("le-hong-vinh")
    assert "Nhiệm vụ I.5 không có Đợt 2" in await chat.text(vinh, "/capnhat I.5 đợt 2 hoàn thành")
    assert "Nhiệm vụ I.8 không có Đợt 3. Các đợt: Đợt 1, Đợt 2." in await chat.text(
        vinh, "/capnhat I.8 đợt 3 hoàn thành"
    )
    assert "chỉ có thể báo hoàn thành" in await chat.text(vinh, "/capnhat I.8 đợt 1 đang thực hiện")
    assert await changes(chat) == []


async def test_bad_updates_get_a_clear_answer(chat: Chat) -> None:
    vinh = await chat.link("le-hong-vinh")
    assert "Đề nghị ghi mã nhiệm vụ" in await chat.text(vinh, "/capnhat")
    assert "Chưa rõ tình trạng mới của nhiệm vụ I.5" in await chat.text(vinh, "/capnhat I.5")
    assert "Chưa rõ tình trạng" in await chat.text(vinh, "/capnhat I.5 sắp xong")
    assert "từ 0% đến 100%" in await chat.text(vinh, "/capnhat I.5 đang thực hiện 150%")
    assert "Đề nghị ghi mã nhiệm vụ" in await chat.text(vinh, "/capnhat V.1 xong")  # no section V
    assert "Không tìm thấy nhiệm vụ I.99" in await chat.text(vinh, "/capnhat I.99 xong")
    assert "tối đa 1000 ký tự" in await chat.text(vinh, "/capnhat I.5 đang làm " + "x" * 1200)
    assert await changes(chat) == []


async def test_repeating_the_same_status_changes_nothing(chat: Chat) -> None:
    vinh = await chat.link("le-hong-vinh")
    await chat.text(vinh, "/capnhat I.5 đang thực hiện 50%")
    again = await chat.text(vinh, "/capnhat I.5 đang thực hiện 50%")
    assert again == "Nhiệm vụ I.5 đã ở tình trạng Đang thực hiện (50%); không có gì thay đổi."
    assert len(await changes(chat)) == 1


async def test_history_shows_who_when_and_old_to_new(chat: Chat) -> None:
    vinh = await chat.link("le-hong-vinh")
    officer = await chat.add_member("can-bo-snv", "Trần Thị Lan", agencies=("so-noi-vu",))
    await chat.text(vinh, "/capnhat I.5 đang thực hiện 30%")
    await chat.text(officer, "/capnhat I.5 hoàn thành Quyết định số 5/QĐ-BCĐ")
    detail = await chat.text(vinh, "/nhiemvu I.5")
    history = detail[detail.index("Thay đổi gần đây:") :].splitlines()
    assert history[1] == (
        "• 20/03/2024 09:00 · Trần Thị Lan: Đang thực hiện → Hoàn thành (100%)"
        " — Quyết định số 5/QĐ-BCĐ"
    )
    assert history[2] == "• 20/03/2024 09:00 · Lê Hồng Vinh: Chưa triển khai → Đang thực hiện (30%)"
