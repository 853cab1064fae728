"""/nhiemvu <code>: any linked member may open any task of the plan, in full."""

from __future__ import annotations

from tests.conftest import Chat


async def test_a_task_in_full(chat: Chat) -> None:
    cuong = await chat.link("le-duc-cuong")  # not involved in I.8: the plan is open to members
    replies = await chat.say(cuong, "/nhiemvu I.8")
    text = replies[0].text
    assert text.startswith("I.8 · Chỉ đạo cơ quan Thường trực BCĐ triển khai điều tra xã hội học")
    for line in (
        "Mục I. Công tác lãnh đạo, chỉ đạo, điều hành",
        "Chỉ đạo: Đ/c Lê Hồng Vinh",
        "Chủ trì tham mưu: Sở Nội vụ",
        "Phối hợp: Các sở, ngành có liên quan; UBND các huyện, thành phố, thị xã có liên quan",
        "Thời gian hoàn thành: Đợt 1 tháng 6/2024 - Đợt 2 tháng 12/2024",
        "   Đợt 1 30/06/2024",
        "   Đợt 2 31/12/2024",
        "Sản phẩm: Công bố kết quả",
        "Tình trạng: ⚪ Chưa triển khai",
        "Chưa có cập nhật nào.",
    ):
        assert line in text.splitlines(), line
    assert replies[0].task_id is not None
    assert replies[0].actions == ()  # he may not change it: no status buttons


async def test_those_who_may_act_get_the_status_choices(chat: Chat) -> None:
    vinh = await chat.link("le-hong-vinh")
    (reply,) = await chat.say(vinh, "/nhiemvu i.8")
    assert [a.label for a in reply.actions] == [
        "Đang thực hiện",
        "Hoàn thành",
        "Gặp vướng mắc",
        "⏳ Xin gia hạn",
    ]
    assert reply.actions[1].command == "/hoanthanh I.8"  # asks for the day and document
    assert reply.actions[3].command == "/xingiahan I.8"


async def test_flags_and_missing_dates_are_shown(chat: Chat) -> None:
    vinh = await chat.link("le-hong-vinh")
    text = await chat.text(vinh, "/nhiemvu II.6")
    assert "Thời gian hoàn thành: (kế hoạch không ghi)" in text
    assert "⚑ Lưu ý: Kế hoạch không ghi thời gian hoàn thành" in text
    assert "Sản phẩm: Báo cáo kết quả chuyển đổi số năm 2024" in text
    assert "Chỉ đạo: Các đồng chí Phó Chủ tịch UBND tỉnh" in text


async def test_the_second_row_numbered_4_is_IV_4b(chat: Chat) -> None:
    vinh = await chat.link("le-hong-vinh")
    assert "IV.4b · Thực hiện phân cấp, ủy quyền" in await chat.text(vinh, "/nhiemvu IV.4B")
    assert "IV.4 · Phê duyệt Đề án vị trí việc làm" in await chat.text(vinh, "/nhiemvu iv 4")


async def test_an_unknown_code(chat: Chat) -> None:
    vinh = await chat.link("le-hong-vinh")
    assert await chat.text(vinh, "/nhiemvu II.12") == (
        "Không tìm thấy nhiệm vụ II.12 trong kế hoạch 02/KH-BCĐ. Mã có dạng I.5, IV.4b."
    )
    assert "Không tìm thấy nhiệm vụ abc" in await chat.text(vinh, "/nhiemvu abc")
