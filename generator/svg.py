"""Inline SVG charts drawn at build time (no script, no outside asset)."""

from __future__ import annotations

from collections.abc import Sequence

from generator.markdown_safe import Md
from generator.views import TrendPoint
from xietiao.ledger.colours import Colour

WIDTH, HEIGHT = 760, 280
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 16, 40
STACK = (Colour.GREEN, Colour.YELLOW, Colour.RED)  # bottom to top


def _nice_max(value: int) -> int:
    """A round axis maximum at or above `value` (10, 20, 50, 100, 200, ...)."""
    step = 10
    while True:
        for m in (1, 2, 5):
            if step * m >= value:
                return step * m
        step *= 10


def trend_chart(points: Sequence[TrendPoint]) -> Md:
    """Stacked monthly bars of projects by colour; one raw HTML block with no blank lines."""
    if not points:
        return Md('<p class="xt-muted">尚无月度三色快照。</p>')
    top = _nice_max(max(sum(p.counts.values()) for p in points) or 1)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / len(points)
    bar = max(1.0, min(28.0, slot * 0.7))
    parts = [f'<svg class="xt-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="各月项目三色数量">']
    for k in range(5):
        value = top * k // 4
        y = TOP + plot_h - plot_h * k / 4
        parts.append(
            f'<line class="xt-gridline" x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}"/>'
            f'<text class="xt-axis" x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{value}</text>'
        )
    label_every = max(1, round(len(points) / 12))
    for i, p in enumerate(points):
        x = LEFT + slot * i + (slot - bar) / 2
        y = TOP + plot_h
        for colour in STACK:
            h = plot_h * p.counts.get(colour, 0) / top
            if h > 0:
                y -= h
                parts.append(
                    f'<rect class="xt-bar xt-{colour.value}" x="{x:.1f}" y="{y:.1f}" '
                    f'width="{bar:.1f}" height="{h:.1f}"><title>{p.day.year}年{p.day.month}月 '
                    f"{colour.label} {p.counts[colour]}</title></rect>"
                )
        if i % label_every == 0 or i == len(points) - 1:
            parts.append(
                f'<text class="xt-axis" x="{x + bar / 2:.1f}" y="{HEIGHT - BOTTOM + 16}" '
                f'text-anchor="middle">{p.day.year % 100:02d}/{p.day.month}</text>'
            )
    parts.append("</svg>")
    legend = "".join(f'<span class="xt-legend xt-{c.value}">{c.label}</span>' for c in reversed(STACK))
    return Md(
        f'<figure class="xt-figure" data-search-exclude>{"".join(parts)}<figcaption>{legend}</figcaption></figure>'
    )
