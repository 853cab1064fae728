"""/giahan moves a deadline later, never earlier: an earlier day is a change of the deadline
(/suanv … thoihan), refused here with the current deadline, and nothing is written. (It once
answered "Đã gia hạn nhiệm vụ I.5: 30/06/2024 → 30/04/2024".)"""

from __future__ import annotations

from sqlalchemy import func, select

from db.models import Extension
from tests.conftest import Chat


async def extensions(chat: Chat) -> int:
    async with chat.database.transaction() as session:
        return await session.scalar(select(func.count()).select_from(Extension)) or 0


async def test_an_earlier_day_is_refused_with_the_current_deadline(chat: Chat) -> None:
    admin = await chat.add_office_admin()
    assert (await chat.text(admin, "/suanv I.5 thoihan Quý II/2024")).startswith("Đã")
    text = await chat.text(admin, "/giahan I.5 30/04/2024 chờ số liệu")
    assert text == (
        "Ngày gia hạn (30/04/2024) phải sau hạn hiện tại của nhiệm vụ I.5 (30/06/2024): "
        "chưa gia hạn. Muốn đổi thời hạn sang ngày sớm hơn, dùng /suanv I.5 thoihan "
        "<thời gian mới>, ví dụ: /suanv I.5 thoihan 30/04/2024"
    )
    # The deadline itself again: nothing to change, and no /suanv that would change nothing.
    text = await chat.text(admin, "/giahan I.5 30/06/2024 chờ số liệu")
    assert text == "Hạn hiện tại của nhiệm vụ I.5 đã là 30/06/2024: không có gì thay đổi."
    assert await extensions(chat) == 0
    assert "Hạn: 30/06/2024\n" in await chat.text(admin, "/nhiemvu I.5")
    assert (await chat.text(admin, "/giahan I.5 15/07/2024 chờ số liệu")).startswith(
        "Đã gia hạn nhiệm vụ I.5: 30/06/2024 → 15/07/2024."
    )
    # After an extension, the extended date is the one to pass.
    text = await chat.text(admin, "/giahan I.5 10/07/2024 chờ số liệu")
    assert (
        text.startswith("Ngày gia hạn (10/07/2024) phải sau hạn hiện tại")
        and "(15/07/2024)" in text
    )
    assert await extensions(chat) == 1


async def test_a_batch_is_refused_an_earlier_day_too(chat: Chat) -> None:
    admin = await chat.add_office_admin()
    text = await chat.text(admin, "/giahan I.8 đợt 2 30/11/2024 chờ kết quả khảo sát")
    assert text == (
        "Ngày gia hạn (30/11/2024) phải sau hạn hiện tại của nhiệm vụ I.8 (Đợt 2) (31/12/2024): "
        "chưa gia hạn. Muốn đổi thời hạn sang ngày sớm hơn, dùng /suanv I.8 thoihan "
        "<thời gian mới>, ví dụ: /suanv I.8 thoihan Đợt 1 30/06/2024 - Đợt 2 30/11/2024"
    )
    assert await extensions(chat) == 0
    suggested = text.rsplit("ví dụ: ", 1)[1]
    assert (await chat.text(admin, suggested)).startswith("Đã")  # the example works as written
    assert "Đợt 2 30/11/2024" in await chat.text(admin, "/nhiemvu I.8")
