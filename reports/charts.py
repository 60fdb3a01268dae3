"""A target's chart for the reports, drawn on the server with matplotlib: SVG (vector, for the PDF) and PNG.

The rules the pages keep: figures drawn at the year they measure, gaps left as gaps, the plan's
path from the baseline to the target only, the target marked, levels and shares on an axis from
zero, shares no higher than 100. A chart with fewer than two points says so in words instead.
In SVG the text stays text, set in the fonts the PDF embeds.
"""

from __future__ import annotations

import io
from functools import cache

import matplotlib

matplotlib.use("Agg")  # no screen: draw to files only

from matplotlib import font_manager  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from reports.content import Chart  # noqa: E402

# Fonts with Chinese glyphs, in order of preference (Debian's fonts-noto-cjk, fonts-wqy-zenhei).
CJK_FONTS = ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei", "Noto Sans CJK JP")
FIGURE_COLOUR = "#1f4e79"
PATH_COLOUR = "#8c8c8c"
TARGET_COLOUR = "#b03a2e"
ZERO_BASED = ("level", "share", "flow", "per_capita")  # amounts: their axis starts at zero


@cache
def font_family() -> list[str]:
    """The fonts the charts draw with: a Chinese one when the system has one, then matplotlib's own."""
    names = {entry.name for entry in font_manager.fontManager.ttflist}
    return [name for name in CJK_FONTS if name in names][:1] + ["DejaVu Sans"]


def drawable(chart: Chart | None) -> bool:
    """Whether the chart has enough to draw: at least two points among figures and the plan's target."""
    if chart is None:
        return False
    return len(chart.figures) + (1 if chart.target else 0) >= 2


def _runs(chart: Chart) -> list[list[tuple[int, float]]]:
    """The figures in runs of consecutive years: a line never joins two figures across a missing year."""
    runs: list[list[tuple[int, float]]] = []
    for point in chart.figures:
        if runs and point.year == runs[-1][-1][0] + 1:
            runs[-1].append((point.year, point.value))
        else:
            runs.append([(point.year, point.value)])
    return runs


def figure(chart: Chart, labels: dict[str, str]) -> Figure:
    """The chart as a matplotlib figure; `labels` words the legend (figures, path, target) and the unit."""
    fig = Figure(figsize=(6.0, 2.6), dpi=100)
    ax = fig.add_subplot()
    family = font_family()
    first = True
    for run in _runs(chart):
        run_years, run_values = zip(*run, strict=True)
        ax.plot(run_years, run_values, color=FIGURE_COLOUR, marker="o", markersize=4, linewidth=1.8,
                label=labels["figures"] if first else None)  # fmt: skip
        first = False
    if len(chart.path) >= 2:  # a path of one point is the target itself, marked below
        ax.plot([p.year for p in chart.path], [p.value for p in chart.path], color=PATH_COLOUR, linestyle="--",
                linewidth=1.2, label=labels["path"])  # fmt: skip
    if chart.target:
        ax.plot([chart.target.year], [chart.target.value], color=TARGET_COLOUR, marker="D", markersize=6,
                linestyle="none", label=labels["target"])  # fmt: skip
    values = [p.value for p in chart.figures + chart.path] + ([chart.target.value] if chart.target else [])
    if chart.measure in ZERO_BASED and values and min(values) >= 0:
        top = max(values) * 1.12 or 1
        if chart.measure == "share":
            top = min(top, 100)
        ax.set_ylim(0, top)
    years = [p.year for p in chart.figures + chart.path] + ([chart.target.year] if chart.target else [])
    ax.set_xlim(min(years) - 0.5, max(years) + 0.5)
    step = max(1, (max(years) - min(years)) // 8 + 1)  # whole years, at most nine labels
    ax.set_xticks(range(min(years), max(years) + 1, step))
    ax.ticklabel_format(axis="x", useOffset=False, style="plain")
    ax.ticklabel_format(axis="y", useOffset=False)
    ax.set_ylabel(labels["unit"], fontfamily=family, fontsize=8)
    ax.tick_params(labelsize=8)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.grid(axis="y", color="#e0e0e0", linewidth=0.6)
    ax.legend(prop={"family": family, "size": 8}, frameon=False, loc="best")
    fig.subplots_adjust(left=0.11, right=0.98, top=0.95, bottom=0.12)  # fixed: a layout pass costs a draw
    return fig


def svg(chart: Chart, labels: dict[str, str]) -> bytes:
    """The chart as SVG, its text as text in the chart's fonts (the PDF embeds them with the page's)."""
    out = io.BytesIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "gzplan"}):
        figure(chart, labels).savefig(out, format="svg", metadata={"Date": None})
    return out.getvalue()


def png(chart: Chart, labels: dict[str, str], dpi: int = 150) -> bytes:
    out = io.BytesIO()
    figure(chart, labels).savefig(out, format="png", dpi=dpi, metadata={"Software": None})
    return out.getvalue()
