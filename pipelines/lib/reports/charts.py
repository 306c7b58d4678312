"""Inline SVG charts for the report documents: no JavaScript, no network, printable as they are.

Each function takes plain Python values (a few dozen points at most) and returns SVG markup."""

from __future__ import annotations

import math
from html import escape

PALETTE = ("#1f4e79", "#c55a11", "#548235", "#7030a0", "#bf9000", "#2e75b6", "#843c0c", "#375623")
STATUS_COLOURS = {"green": "#2e7d32", "amber": "#f9a825", "red": "#c62828"}
GRID = "#d9d9d9"
INK = "#333333"


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _nice_max(value: float) -> float:
    """A round upper bound for an axis: 0.037 -> 0.04, 1234 -> 1500."""
    if value <= 0:
        return 1.0
    exponent = 10 ** math.floor(math.log10(value))
    for step in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if value <= step * exponent:
            return step * exponent
    return 10 * exponent


def line_chart(labels: list[str], series: dict[str, list[float | None]], *, width: int = 640, height: int = 220,
               tick_format=lambda v: _num(v), title: str = "") -> str:
    """One line per series over shared x ``labels``; gaps (None) break a line."""
    left, right, top, bottom = 56, 12, 22 if title else 10, 46 + 11 * ((len(series) - 1) // 4)
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [v for points in series.values() for v in points if v is not None]
    y_max = _nice_max(max(values) if values else 0)
    n = max(len(labels), 1)

    def x(i: int) -> float:
        return left + (plot_w * (i + 0.5) / n)

    def y(v: float) -> float:
        return top + plot_h - plot_h * (v / y_max)

    parts = [(f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img">')]
    if title:
        parts.append(f'<text x="{left}" y="14" font-size="12" font-weight="bold" fill="{INK}">{escape(title)}</text>')
    for step in range(5):
        value = y_max * step / 4
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{_num(y(value))}" y2="{_num(y(value))}" '
                     f'stroke="{GRID}" stroke-width="0.6"/>')
        parts.append(f'<text x="{left - 6}" y="{_num(y(value) + 3)}" font-size="9" text-anchor="end" '
                     f'fill="{INK}">{escape(tick_format(value))}</text>')
    every = max(1, math.ceil(n / 13))
    for i, label in enumerate(labels):
        if i % every == 0 or i == n - 1:
            parts.append(f'<text x="{_num(x(i))}" y="{height - bottom + 14}" font-size="9" text-anchor="middle" '
                         f'fill="{INK}">{escape(label)}</text>')
    for index, (name, points) in enumerate(series.items()):
        colour = PALETTE[index % len(PALETTE)]
        segment: list[str] = []
        segments: list[list[str]] = []
        for i, value in enumerate(points):
            if value is None:
                if segment:
                    segments.append(segment)
                segment = []
                continue
            segment.append(f"{_num(x(i))},{_num(y(value))}")
            parts.append(f'<circle cx="{_num(x(i))}" cy="{_num(y(value))}" r="2.2" fill="{colour}"/>')
        if segment:
            segments.append(segment)
        for points_ in segments:
            if len(points_) > 1:
                parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="1.8" '
                             f'points="{" ".join(points_)}"/>')
        legend_x = left + (index % 4) * (plot_w / 4)
        legend_y = height - bottom + 30 + (index // 4) * 11
        parts.append(f'<rect x="{_num(legend_x)}" y="{_num(legend_y - 7)}" width="9" height="9" fill="{colour}"/>'
                     f'<text x="{_num(legend_x + 13)}" y="{_num(legend_y + 1)}" font-size="9" fill="{INK}">'
                     f'{escape(name)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def bar_chart(items: list[tuple[str, float | None]], *, width: int = 640, bar_height: int = 18,
              value_format=lambda v: _num(v), colour: str = PALETTE[0]) -> str:
    """Horizontal bars, one per (label, value)."""
    label_w, value_w = 170, 70
    height = max(1, len(items)) * (bar_height + 6) + 6
    top_value = _nice_max(max([v for _, v in items if v is not None] or [0]))
    scale = (width - label_w - value_w) / top_value
    parts = [(f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img">')]
    for i, (label, value) in enumerate(items):
        y = 6 + i * (bar_height + 6)
        parts.append(f'<text x="{label_w - 6}" y="{y + bar_height - 5}" font-size="10" text-anchor="end" '
                     f'fill="{INK}">{escape(label)}</text>')
        if value is not None:
            length = max(0.0, value * scale)
            parts.append(f'<rect x="{label_w}" y="{y}" width="{_num(length)}" height="{bar_height}" '
                         f'fill="{colour}"/>')
            parts.append(f'<text x="{_num(label_w + length + 4)}" y="{y + bar_height - 5}" font-size="10" '
                         f'fill="{INK}">{escape(value_format(value))}</text>')
    parts.append("</svg>")
    return "".join(parts)


def radar_chart(axes: list[str], series: dict[str, list[float | None]], *, size: int = 360,
                maximum: float = 100.0) -> str:
    """A radar (spider) chart of scores 0..``maximum``, one polygon per series (missing scores at 0)."""
    margin = 90  # room for the axis labels on both sides
    width = size + 2 * margin
    centre_x, centre, radius = size / 2 + margin, size / 2, size / 2 - 50
    n = max(len(axes), 3)

    def point(i: int, value: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * i / n
        r = radius * max(0.0, min(value, maximum)) / maximum
        return centre_x + r * math.cos(angle), centre + r * math.sin(angle)

    legend_h = 14 * len(series)
    parts = [(f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{width}" height="{size + legend_h}" '
             f'viewBox="0 0 {width} {size + legend_h}" role="img">')]
    for ring in (0.25, 0.5, 0.75, 1.0):
        ring_points = " ".join(f"{_num(px)},{_num(py)}" for px, py in (point(i, maximum * ring) for i in range(n)))
        parts.append(f'<polygon points="{ring_points}" fill="none" stroke="{GRID}" stroke-width="0.7"/>')
    for i, label in enumerate(axes):
        px, py = point(i, maximum)
        lx, ly = point(i, maximum * 1.12)
        anchor = "middle" if abs(lx - centre_x) < 10 else ("start" if lx > centre_x else "end")
        parts.append(f'<line x1="{_num(centre_x)}" y1="{_num(centre)}" x2="{_num(px)}" y2="{_num(py)}" '
                     f'stroke="{GRID}" stroke-width="0.7"/>')
        parts.append(f'<text x="{_num(lx)}" y="{_num(ly + 3)}" font-size="9" text-anchor="{anchor}" '
                     f'fill="{INK}">{escape(label)}</text>')
    for index, (name, values) in enumerate(series.items()):
        colour = PALETTE[index % len(PALETTE)]
        polygon = " ".join(f"{_num(px)},{_num(py)}" for px, py in
                           (point(i, v or 0.0) for i, v in enumerate(values)))
        parts.append(f'<polygon points="{polygon}" fill="{colour}" fill-opacity="0.18" stroke="{colour}" '
                     f'stroke-width="1.6"/>')
        ly = size + 14 * index + 4
        parts.append(f'<rect x="10" y="{ly}" width="9" height="9" fill="{colour}"/>'
                     f'<text x="24" y="{ly + 8}" font-size="10" fill="{INK}">{escape(name)}</text>')
    parts.append("</svg>")
    return "".join(parts)
