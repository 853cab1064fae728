"""/giahan (admins extend a deadline, the original kept) and a member's reminder settings."""

from __future__ import annotations

from chat import texts
from tests.conftest import Chat


async def test_an_admin_extends_a_deadline_and_the_original_is_kept(chat: Chat) -> None:
    admin = await chat.add_member("admin", "Cán bộ Thường trực", admin=True)
    text = await chat.text(admin, "/giahan I.5 30/04/2024 chờ Trung ương công bố chỉ số")
    assert (
        text
        == "Đã gia hạn nhiệm vụ I.5: 31/03/2024 → 30/04/2024. Lý do: chờ Trung ương công bố chỉ số"
    )
    vinh = await chat.link("le-hong-vinh")
    detail = await chat.text(vinh, "/nhiemvu I.5")
    assert "Hạn: 30/04/2024 (gia hạn, hạn ban đầu 31/03/2024)" in detail
    assert "Tiến độ so với hạn: Hạn 30/04/2024 · còn 41 ngày" in detail
    assert "ghi chú: “Gia hạn 31/03/2024 → 30/04/2024: chờ Trung ương công bố chỉ số”" in detail


async def test_a_batch_is_extended_on_its_own(chat: Chat) -> None:
    admin = await chat.add_member("admin", "Cán bộ Thường trực", admin=True)
    text = await chat.text(admin, "/giahan I.8 đợt 2 15/01/2025 chờ kết quả khảo sát")
    assert text.startswith("Đã gia hạn nhiệm vụ I.8 (Đợt 2): 31/12/2024 → 15/01/2025.")
    detail = await chat.text(admin, "/nhiemvu I.8")
    assert "   Đợt 1 30/06/2024" in detail and "Đợt 2 15/01/2025 (gia hạn" in detail


async def test_extension_needs_an_admin_a_date_and_a_reason(chat: Chat) -> None:
    vinh = await chat.link("le-hong-vinh")
    assert await chat.text(vinh, "/giahan I.5 30/04/2024 lý do") == texts.ADMIN_ONLY
    admin = await chat.add_member("admin", "Cán bộ Thường trực", admin=True)
    assert await chat.text(admin, "/giahan I.5 30/04/2024") == texts.EXTEND_REASON_MISSING
    assert await chat.text(admin, "/giahan I.5 31/02/2024 x") == texts.EXTEND_USAGE
    assert await chat.text(admin, "/giahan I.5") == texts.EXTEND_USAGE
    assert "không có thời hạn để gia hạn" in await chat.text(
        admin, "/giahan IV.1 30/06/2024 lộ trình"
    )
    assert "Các đợt: Đợt 1, Đợt 2" in await chat.text(admin, "/giahan I.8 đợt 3 30/06/2024 x")


async def test_settings_by_chat(chat: Chat) -> None:
    vinh = await chat.link("le-hong-vinh")
    view = await chat.text(vinh, "/caidat")
    assert "Bản tin tuần (thứ Hai): bật" in view and "Kênh nhận nhắc việc: tất cả" in view
    assert await chat.text(vinh, "/bantin tat") == "Đã tắt bản tin tuần."
    assert "đến hết ngày 30/03/2024" in await chat.text(vinh, "/nghiphep 30/03/2024")
    assert "đã qua" in await chat.text(vinh, "/nghiphep 01/01/2024")
    assert await chat.text(vinh, "/nghiphep ngày mai") == texts.PAUSE_USAGE
    reply = await chat.text(vinh, "/kenh zalo")
    assert (
        reply.startswith("Nhắc việc sẽ gửi qua: Zalo.") and "chưa liên kết tài khoản Zalo" in reply
    )
    view = await chat.text(vinh, "/caidat")
    assert "Bản tin tuần (thứ Hai): tắt" in view and "đến hết ngày 30/03/2024" in view
    assert "Kênh nhận nhắc việc: Zalo" in view
    assert (
        await chat.text(vinh, "/kenh tatca")
        == "Nhắc việc sẽ gửi qua: tất cả tài khoản đã liên kết."
    )
    assert await chat.text(vinh, "/nghiphep huy") == texts.PAUSE_CLEARED
    assert await chat.text(vinh, "/kenh fax") == texts.CHANNEL_USAGE


async def test_an_extension_outside_a_sane_range_is_refused_and_nothing_written(
    chat: Chat,
) -> None:
    admin = await chat.add_member("admin", "Cán bộ Thường trực", admin=True)
    for day, year in (("31/12/0001", "0001"), ("01/01/2101", "2101"), ("31/12/2022", "2022")):
        text = await chat.text(admin, f"/giahan I.5 {day} chờ số liệu")
        assert text == texts.EXTEND_OUT_OF_RANGE.format(day=day, first=2023, last=2100), year
    assert (await chat.text(admin, "/giahan I.5 01/01/2023 chờ số liệu")).startswith(
        "Ngày gia hạn (01/01/2023) phải sau hạn hiện tại của nhiệm vụ I.5 (31/03/2024)"
    )  # in range, but earlier than the deadline: not an extension (tests/handlers/test_extend_earlier.py)
    vinh = await chat.link("le-hong-vinh")
    assert "0001" not in await chat.text(vinh, "/nhiemvu I.5")
