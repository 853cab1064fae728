"""The report's chart: tasks per section (or per directing leader), stacked by category. PNG.

matplotlib draws with its bundled DejaVu Sans, which has every Vietnamese letter, so the chart
renders the same on any server without system fonts. Imported lazily by callers: matplotlib
costs memory that the chat service need not pay until someone asks for a chart.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence

from chat import texts
from domain.classify import CATEGORY_ORDER, Category
from reports.model import Breakdown

WIDTH_PX = 1200
HEIGHT_PX = 700
DPI = 100
LABEL_WIDTH = 34  # characters per line of a bar's label
# Late completions in amber, never the on-time green; each bar's count is written in white or
# black, whichever reads better on it (WCAG contrast of at least 4.5:1 either way).
COLOURS = {
    Category.DONE_ON_TIME: "#2e7d32",
    Category.DONE_LATE: "#ffb74d",
    Category.ON_TRACK: "#1565c0",
    Category.OVERDUE: "#c62828",
    Category.NO_DEADLINE: "#9e9e9e",
}
MIN_CONTRAST = 4.5


def _luminance(colour: str) -> float:
    """WCAG 2 relative luminance of "#rrggbb"."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(first: str, second: str) -> float:
    """WCAG 2 contrast ratio of two "#rrggbb" colours (1 to 21)."""
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def text_colour(background: str) -> str:
    """White or black, whichever contrasts more with ``background``."""
    return max(("#ffffff", "#000000"), key=lambda ink: contrast(ink, background))


def render_chart(breakdowns: Sequence[Breakdown], title: str) -> bytes:
    """A horizontal stacked bar per breakdown, in the given order top to bottom."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    figure = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI)
    axes = figure.add_subplot()
    labels = [textwrap.fill(b.label, LABEL_WIDTH, max_lines=2, placeholder="…") for b in breakdowns]
    positions = list(range(len(breakdowns)))[::-1]
    left = [0] * len(breakdowns)
    for category in CATEGORY_ORDER:
        values = [b.counts[category] for b in breakdowns]
        bars = axes.barh(
            positions,
            values,
            left=left,
            color=COLOURS[category],
            label=texts.CATEGORY[category],
        )
        axes.bar_label(
            bars,
            labels=[str(v) if v else "" for v in values],
            label_type="center",
            color=text_colour(COLOURS[category]),
            fontsize=9,
        )
        left = [a + b for a, b in zip(left, values, strict=True)]
    axes.set_yticks(positions, labels, fontsize=9)
    axes.set_xlabel(texts.CHART_AXIS)
    axes.set_title(title, fontsize=12)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_xlim(0, max(max(left, default=0), 1) * 1.05)
    figure.legend(loc="lower center", ncol=3, fontsize=9, frameon=False)
    figure.subplots_adjust(left=0.3, right=0.97, top=0.92, bottom=0.2)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()
