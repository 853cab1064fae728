"""The report's chart, drawn once for what it shows and kept for the next asker.

A chart is a function of its title (the plan, the day) and its bars (each breakdown's label and
counts by category), so a chart drawn for those is the chart for anyone who asks for them again:
members of one agency see the same slice, and an update that moves no task to another category
changes no bar. The PNG is kept under exactly those inputs, the ``SIZE`` most recent of them;
any change of a count or of the day is another chart, drawn afresh. Drawing (matplotlib, in a
worker thread) is the costly part of ``/baocao``; two askers of a chart not yet drawn wait for
one drawing.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Callable, Sequence

from domain.classify import CATEGORY_ORDER
from reports.model import Breakdown

SIZE = 64  # charts kept (about 60 KB each)
Key = tuple[str, tuple[tuple[str, tuple[int, ...]], ...]]
Draw = Callable[[Sequence[Breakdown], str], bytes]


def chart_key(breakdowns: Sequence[Breakdown], title: str) -> Key:
    """What the chart shows, as a key."""
    return title, tuple((b.label, tuple(b.counts[c] for c in CATEGORY_ORDER)) for b in breakdowns)


class ChartMemo:
    def __init__(self, draw: Draw, size: int = SIZE) -> None:
        self.draw = draw
        self.size = size
        self._kept: OrderedDict[Key, bytes] = OrderedDict()
        self._drawing: dict[Key, asyncio.Future[bytes]] = {}

    async def png(self, breakdowns: Sequence[Breakdown], title: str) -> bytes:
        """The chart of ``breakdowns`` under ``title``: kept, being drawn, or drawn now."""
        key = chart_key(breakdowns, title)
        kept = self._kept.get(key)
        if kept is not None:
            self._kept.move_to_end(key)
            return kept
        drawing = self._drawing.get(key)
        if drawing is not None:
            return await asyncio.shield(drawing)
        drawing = self._drawing[key] = asyncio.get_running_loop().create_future()
        try:
            png = await asyncio.to_thread(self.draw, list(breakdowns), title)
        except asyncio.CancelledError:
            drawing.cancel()
            raise
        except Exception as exc:
            drawing.set_exception(exc)
            drawing.exception()  # retrieved: no "never retrieved" warning without waiters
            raise
        finally:
            del self._drawing[key]
        drawing.set_result(png)
        self._kept[key] = png
        while len(self._kept) > self.size:
            self._kept.popitem(last=False)
        return png
