"""Small bar charts and timelines, laid out here and drawn as inline SVG by ``templates/_charts.html``.

Charts are server-rendered so they work without JavaScript; every bar has a
``<title>`` (its label and value) that browsers show on hover and screen
readers read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

WIDTH = 640
HEIGHT = 110
LABEL_ROOM = 18  # below the bars, for the first and last label


@dataclass(frozen=True, slots=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: int


@dataclass(frozen=True, slots=True)
class BarChart:
    caption: str
    bars: list[Bar]
    peak: int
    first_label: str
    last_label: str
    width: int = WIDTH
    height: int = HEIGHT + LABEL_ROOM

    @property
    def empty(self) -> bool:
        return self.peak == 0


def bar_chart(caption: str, points: list[tuple[str, int]]) -> BarChart:
    """Bars for (label, value) points, scaled to the largest value."""
    peak = max((value for _, value in points), default=0)
    slot = WIDTH / max(len(points), 1)
    bars = []
    for index, (label, value) in enumerate(points):
        height = 0.0 if peak == 0 else max(HEIGHT * value / peak, 1.0 if value else 0.0)
        bars.append(Bar(round(index * slot + 1, 1), round(HEIGHT - height, 1), round(max(slot - 2, 1), 1),
                        round(height, 1), label, value))
    first = points[0][0] if points else ""
    last = points[-1][0] if points else ""
    return BarChart(caption, bars, peak, first, last)


@dataclass(frozen=True, slots=True)
class Mark:
    x: float
    label: str
    kind: str  # css class: "first", "change", "removed", "current"
    href: str


@dataclass(frozen=True, slots=True)
class Timeline:
    marks: list[Mark]
    start: str
    end: str
    width: int = WIDTH
    height: int = 44


def timeline(points: list[tuple[datetime, str, str, str]]) -> Timeline:
    """Marks placed by time for (when, label, kind, href) points; one point sits in the middle."""
    if not points:
        return Timeline([], "", "")
    start, end = points[0][0], points[-1][0]
    span = (end - start).total_seconds()
    margin = 12
    marks = []
    for moment, label, kind, href in points:
        share = 0.5 if span <= 0 else (moment - start).total_seconds() / span
        marks.append(Mark(round(margin + share * (WIDTH - 2 * margin), 1), label, kind, href))
    return Timeline(marks, start.strftime("%Y-%m-%d %H:%M"), end.strftime("%Y-%m-%d %H:%M"))


def rank_chart(caption: str, points: list[tuple[str, str, int]]) -> BarChart:
    """Bars for (when, what, rank) points, one per capture: rank 1 the tallest, the worst rank shown the shortest.

    Each bar's label is "when what"; the ticks are the first and last ``when``.
    ``peak`` is the worst rank shown (the scale's bottom).
    """
    worst = max((rank for _, _, rank in points), default=0)
    slot = WIDTH / max(len(points), 1)
    bars = []
    for index, (when, what, rank) in enumerate(points):
        height = max(HEIGHT * (worst + 1 - rank) / worst, 1.0) if worst else 0.0
        bars.append(Bar(round(index * slot + 1, 1), round(HEIGHT - height, 1), round(max(slot - 2, 1), 1),
                        round(height, 1), f"{when} {what}", rank))
    first = points[0][0] if points else ""
    last = points[-1][0] if points else ""
    return BarChart(caption, bars, worst, first, last)
