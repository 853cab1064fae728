"""The web desk's task page (issue 20): a collective task's parts, agency by agency, and the
coordinating agencies' input, as the chat records them."""

from __future__ import annotations

import re

from db.session import Database
from domain.clock import FrozenClock
from handlers.engine import Engine
from tests.conftest import ZONE, Chat, local
from tests.web.desk import BASE, client, sign_in
from web.app import Desk


async def test_the_task_page_shows_each_agencys_part_and_the_inputs(seeded: Database) -> None:
    clock = FrozenClock(local("2024-09-27 08:00"))
    chat = Chat(seeded, Engine(seeded, clock, ZONE))
    khdt = await chat.add_member("can-bo-khdt", "Cán bộ KHĐT", agencies=("so-ke-hoach-dau-tu",))
    assert "Phần việc của Sở Kế hoạch và Đầu tư" in await chat.text(
        khdt, "/capnhat III.3 hoàn thành"
    )
    assert (await chat.text(khdt, "/capnhat I.10 đã gửi ý kiến <b>CV 7</b>")).startswith(
        "Đã ghi nhận"
    )
    desk = Desk(seeded, clock, ZONE, BASE)
    async with client(desk) as browser:
        await sign_in(browser, seeded, "thai-thanh-quy", clock.now())
        page = (await browser.get("/nhiem-vu/III.3")).text
        assert re.search(r"Phần việc các cơ quan \(1/\d+ cơ quan đã hoàn thành\)", page)
        rows = re.findall(r"<tr><td>([^<]+)</td><td>([^<]+)</td>", page.split('id="parts"')[1])
        assert ("Sở Kế hoạch và Đầu tư", "Hoàn thành (100%)") in rows
        assert ("Sở Nội vụ", "Chưa triển khai") in rows
        page = (await browser.get("/nhiem-vu/I.10")).text
        inputs = page.split('id="inputs"')[1].split("</ul>")[0]
        assert (
            "Sở Kế hoạch và Đầu tư — đã gửi ý kiến ngày 27/09/2024 · &lt;b&gt;CV 7&lt;/b&gt;"
            in (inputs)
        )
        assert "Văn phòng UBND tỉnh — chưa gửi ý kiến" in inputs
        assert "<b>CV 7</b>" not in page  # what a person typed is data, never markup
