"""/quahan, /sapden, /tatca: the member's slice, or the whole plan for the leadership."""

from __future__ import annotations

import re

from chat import texts
from domain.clock import FrozenClock
from tests.conftest import Chat, local


def codes(text: str) -> list[str]:
    return re.findall(r"^• ([IV]+\.\d+b?) ·", text, flags=re.M)


async def test_overdue_for_a_member(chat: Chat, clock: FrozenClock) -> None:
    clock.instant = local("2024-05-02 09:00")
    vinh = await chat.link("le-hong-vinh")
    text = await chat.text(vinh, "/quahan")
    assert text.startswith("Nhiệm vụ quá hạn chưa hoàn thành (của đồng chí Lê Hồng Vinh)")
    assert codes(text) == ["I.5", "IV.4"]  # 31/03 then 30/04
    await chat.text(vinh, "/capnhat I.5 xong")
    assert codes(await chat.text(vinh, "/quahan")) == ["IV.4"]


async def test_overdue_for_the_leadership_is_the_whole_plan(chat: Chat, clock: FrozenClock) -> None:
    clock.instant = local("2024-02-01 09:00")
    trung = await chat.link("nguyen-duc-trung")  # Phó Trưởng Ban Thường trực
    text = await chat.text(trung, "/quahan")
    assert "(toàn kế hoạch)" in text
    assert codes(text) == ["I.1", "I.3"]  # due 31/01/2024


async def test_nothing_overdue(chat: Chat) -> None:
    vinh = await chat.link("le-hong-vinh")
    assert texts.OVERDUE_NONE in await chat.text(vinh, "/quahan")


async def test_upcoming_within_14_days(chat: Chat, clock: FrozenClock) -> None:
    clock.instant = local("2024-03-20 09:00")
    vinh = await chat.link("le-hong-vinh")
    assert codes(await chat.text(vinh, "/sapden")) == ["I.5"]
    clock.instant = local("2024-04-20 09:00")
    assert codes(await chat.text(vinh, "/sapden")) == ["IV.4"]
    clock.instant = local("2024-08-01 09:00")
    assert "Không có nhiệm vụ nào đến hạn trong 14 ngày tới." in await chat.text(vinh, "/sapden")


async def test_the_whole_plan_by_section_for_those_allowed(chat: Chat) -> None:
    quy = await chat.link("thai-thanh-quy")
    text = await chat.text(quy, "/tatca")
    assert len(codes(text)) == 42
    assert "MỤC IV. " in text and text.index("MỤC I. ") < text.index("MỤC II. ")
    vinh = await chat.link("le-hong-vinh")
    assert await chat.text(vinh, "/tatca") == texts.ALL_FORBIDDEN
    admin = await chat.add_member("admin", "Cán bộ Thường trực", admin=True)
    assert len(codes(await chat.text(admin, "/tatca"))) == 42
