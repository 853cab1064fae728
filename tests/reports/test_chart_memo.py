"""/baocao draws its chart once for what the chart shows: asked again with the same bars and day
(another member of the agency, an update that moves no task to another category) it is the
chart already drawn; a count or the day that changes draws it afresh."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Sequence

import pytest

from chat.messages import Attachment, Reply, files_of
from domain.classify import Category
from domain.clock import FrozenClock
from handlers import report as report_handler
from handlers.engine import Engine
from reports.chart import render_chart
from reports.chart_memo import ChartMemo
from reports.model import Breakdown
from tests.conftest import ZONE, Chat, local


class Drawer:
    """The real chart, counting how often it is drawn."""

    def __init__(self) -> None:
        self.titles: list[str] = []

    def __call__(self, breakdowns: Sequence[Breakdown], title: str) -> bytes:
        self.titles.append(title)
        return render_chart(breakdowns, title)


def bars(*counts: int) -> list[Breakdown]:
    return [
        Breakdown(f"Mục {n}", Counter({Category.ON_TRACK: c, Category.OVERDUE: 1}))
        for n, c in enumerate(counts)
    ]


async def test_a_chart_is_drawn_once_for_what_it_shows() -> None:
    drawer = Drawer()
    memo = ChartMemo(drawer, size=2)
    first = await memo.png(bars(3, 4), "Ngày 05/04/2024")
    assert await memo.png(bars(3, 4), "Ngày 05/04/2024") == first
    assert len(drawer.titles) == 1
    other = await memo.png(bars(3, 5), "Ngày 05/04/2024")  # a count changed
    assert other != first
    await memo.png(bars(3, 4), "Ngày 06/04/2024")  # the next day
    assert len(drawer.titles) == 3
    await memo.png(bars(3, 4), "Ngày 05/04/2024")  # the oldest of three, no longer kept
    assert len(drawer.titles) == 4


async def test_askers_of_a_chart_being_drawn_wait_for_that_drawing() -> None:
    drawer = Drawer()
    memo = ChartMemo(drawer)
    charts = await asyncio.gather(*(memo.png(bars(1, 2), "Cùng lúc") for _ in range(5)))
    assert len(set(charts)) == 1 and drawer.titles == ["Cùng lúc"]


async def test_a_failed_drawing_is_not_kept() -> None:
    calls = []

    def fails_once(breakdowns: Sequence[Breakdown], title: str) -> bytes:
        calls.append(title)
        if len(calls) == 1:
            raise RuntimeError("font missing")
        return b"png"

    memo = ChartMemo(fails_once)
    with pytest.raises(RuntimeError):
        await memo.png(bars(1), "Lỗi")
    assert await memo.png(bars(1), "Lỗi") == b"png" and len(calls) == 2


async def test_the_report_redraws_its_chart_only_when_a_bar_changes(
    chat: Chat, monkeypatch: pytest.MonkeyPatch
) -> None:
    drawer = Drawer()
    monkeypatch.setattr(report_handler, "CHARTS", ChartMemo(drawer))
    clock = FrozenClock(local("2024-03-20 09:00"))
    chat.engine = Engine(chat.database, clock, ZONE)
    vinh = await chat.link("le-hong-vinh")

    async def chart(account: str) -> bytes:
        (reply,) = await chat.say(account, "/baocao")
        (attachment,) = await files_of(reply)
        return attachment.data

    first = await chart(vinh)
    assert await chart(vinh) == first and len(drawer.titles) == 1
    await chat.say(vinh, "/capnhat I.5 đang thực hiện 60%")  # on track before and after
    assert await chart(vinh) == first and len(drawer.titles) == 1
    await chat.say(vinh, "/capnhat I.5 hoàn thành")  # another category: another bar
    assert await chart(vinh) != first and len(drawer.titles) == 2
    clock.instant = local("2024-03-21 09:00")  # the next day: the title says so
    await chart(vinh)
    assert len(drawer.titles) == 3 and drawer.titles[-1].endswith("đến 21/03/2024")


async def test_a_chart_that_cannot_be_drawn_leaves_the_text_alone(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The text has gone out already: a failed drawing is logged and no file follows."""

    async def fails() -> tuple[Attachment, ...]:
        raise RuntimeError("font missing")

    assert await files_of(Reply("📊 BÁO CÁO", later=fails)) == ()
    assert "could not be made" in caplog.text
