"""Small bar charts and timelines, laid out here and drawn as inline SVG by ``templates/_macros.html``.

Charts are server-rendered so they work without JavaScript. Every chart has
its axes: a value axis with ticks (0 and the peak, or rank 1 and the lowest
rank) and a title, a time or category axis with labelled ticks and a title.
Every bar and mark also has a ``<title>`` (its label and value) that browsers
show on hover and screen readers read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

WIDTH = 640
LEFT = 56  # room for the value ticks and the value axis title
RIGHT = 10
TOP = 8
PLOT = 110  # height of the bars' area
BOTTOM = 36  # room for the category ticks and the category axis title
CHAR_WIDTH = 7.0  # px of a 12 px label character, for deciding which labels fit side by side


@dataclass(frozen=True, slots=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: int


@dataclass(frozen=True, slots=True)
class Tick:
    """A labelled point on an axis: ``at`` is x on a category/time axis, y on a value axis."""

    at: float
    label: str
    anchor: str = "middle"  # SVG text-anchor: start, middle or end


@dataclass(frozen=True, slots=True)
class BarChart:
    caption: str
    bars: list[Bar]
    peak: int
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    x_title: str
    y_title: str
    width: int = WIDTH
    height: int = TOP + PLOT + BOTTOM
    left: int = LEFT
    top: int = TOP
    bottom: int = TOP + PLOT  # y of the category axis
    right: int = WIDTH - RIGHT

    @property
    def empty(self) -> bool:
        return self.peak == 0


def bar_chart(caption: str, points: list[tuple[str, int]], x_title: str, y_title: str) -> BarChart:
    """Bars for (label, value) points, scaled to the largest value, with 0, the middle and the peak on the value axis."""
    peak = max((value for _, value in points), default=0)
    heights = [0.0 if peak == 0 else max(PLOT * value / peak, 1.0 if value else 0.0) for _, value in points]
    bars = _bars([(label, value) for label, value in points], heights)
    values = sorted({0, peak} | ({peak // 2} if peak >= 4 else set()))
    y_ticks = [Tick(round(TOP + PLOT - PLOT * v / peak, 1), _compact(v)) for v in values] if peak else []
    return BarChart(caption, bars, peak, _category_ticks(bars), y_ticks, x_title, y_title)


def rank_chart(caption: str, points: list[tuple[str, str, int]]) -> BarChart:
    """Bars for (when, what, rank) points, one per capture: rank 1 the tallest, the worst rank shown the shortest.

    Each bar's label is "when what"; the time ticks are the captures' ``when``.
    ``peak`` is the worst rank shown (the scale's bottom).
    """
    worst = max((rank for _, _, rank in points), default=0)
    heights = [max(PLOT * (worst + 1 - rank) / worst, 1.0) if worst else 0.0 for _, _, rank in points]
    bars = _bars([(f"{when} {what}", rank) for when, what, rank in points], heights)
    ranks = sorted({1, worst} | ({(worst + 1) // 2} if worst >= 4 else set()))
    y_ticks = [Tick(round(TOP + PLOT * (rank - 1) / worst, 1), str(rank)) for rank in ranks] if worst else []
    whens = [Bar(b.x, b.y, b.width, b.height, when, b.value) for b, (when, _, _) in zip(bars, points)]
    return BarChart(caption, bars, worst, _category_ticks(whens), y_ticks, "capture (UTC)", "rank")


def _bars(points: list[tuple[str, int]], heights: list[float]) -> list[Bar]:
    slot = (WIDTH - LEFT - RIGHT) / max(len(points), 1)
    return [Bar(round(LEFT + index * slot + 1, 1), round(TOP + PLOT - height, 1), round(max(slot - 2, 1), 1),
                round(height, 1), label, value)
            for index, ((label, value), height) in enumerate(zip(points, heights))]


def _category_ticks(bars: list[Bar]) -> list[Tick]:
    """Labels under the bars: every bar's when they fit side by side, else the first, middle and last."""
    if not bars:
        return []
    widest = max(len(bar.label) for bar in bars) * CHAR_WIDTH + 8
    fits = len(bars) * widest <= WIDTH - LEFT - RIGHT
    chosen = range(len(bars)) if fits else sorted({0, len(bars) // 2, len(bars) - 1})
    ticks = []
    for index in chosen:
        bar = bars[index]
        if len(bars) > 1 and index == 0:
            ticks.append(Tick(bar.x, bar.label, "start"))
        elif len(bars) > 1 and index == len(bars) - 1:
            ticks.append(Tick(round(bar.x + bar.width, 1), bar.label, "end"))
        else:
            ticks.append(Tick(round(bar.x + bar.width / 2, 1), bar.label))
    return ticks


def _compact(value: int) -> str:
    """A value axis label that fits its margin: 950, 12k, 3.4M."""
    if value >= 1_000_000:
        return f"{value / 1_000_000:.1f}M".replace(".0M", "M")
    return f"{value // 1000}k" if value >= 10_000 else str(value)


@dataclass(frozen=True, slots=True)
class Mark:
    x: float
    label: str  # the whole description, shown on hover
    kind: str  # css class: "first", "change", "removed", "current", "undated"
    href: str
    name: str = ""  # the short label written next to the mark
    lane: int = 0  # which row of labels it is written in, so neighbours do not overlap
    anchor: str = "middle"


@dataclass(frozen=True, slots=True)
class Timeline:
    marks: list[Mark]
    start: str
    end: str
    ticks: list[Tick]
    width: int = WIDTH
    height: int = 84
    axis_y: int = 50
    lanes: int = 3


TIMELINE_MARGIN = 14
NAMED_MARKS = 24  # more marks than this: only the first, the last and the current one are written out


def timeline(points: list[tuple[datetime, str, str, str, str]]) -> Timeline:
    """Marks placed by time for (when, label, kind, href, name) points, each written with its short ``name``.

    One point sits in the middle; the axis is labelled with the first, middle and last time.
    """
    if not points:
        return Timeline([], "", "", [])
    points = sorted(points, key=lambda p: p[0])
    start, end = points[0][0], points[-1][0]
    span = (end - start).total_seconds()
    inner = WIDTH - 2 * TIMELINE_MARGIN
    marks = []
    crowded = len(points) > NAMED_MARKS
    for index, (moment, label, kind, href, name) in enumerate(points):
        if crowded and index not in (0, len(points) - 1) and kind != "current":
            name = ""
        share = 0.5 if span <= 0 else (moment - start).total_seconds() / span
        x = round(TIMELINE_MARGIN + share * inner, 1)
        anchor = "start" if x < 80 else "end" if x > WIDTH - 80 else "middle"
        marks.append(Mark(x, label, kind, href, name, index % 3, anchor))
    ticks = [Tick(TIMELINE_MARGIN, _stamp(start), "start")]
    if span > 0:
        ticks += [Tick(WIDTH / 2, _stamp(start + (end - start) / 2)), Tick(WIDTH - TIMELINE_MARGIN, _stamp(end), "end")]
    else:
        ticks = [Tick(WIDTH / 2, _stamp(start))]
    return Timeline(marks, _stamp(start), _stamp(end), ticks)


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")
