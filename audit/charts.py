"""Server-side SVG charts that read on screen and on a black-and-white printout.

Black strokes, grey fills, a dashed target line and the value printed on every
bar and point: nothing depends on colour. Each function returns markup that is
safe to put in a page (every label is escaped here).
"""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from markupsafe import Markup

# The GB 2312 cut first: the PDF renderer registers it (guides/fonts.py); browsers fall back.
FONT = 'font-family="Noto Sans CJK SC GB2312, Noto Sans CJK SC, sans-serif" font-size="12"'


@dataclass(frozen=True)
class Point:
    label: str
    value: float | None  # a share in 0..1, None when nothing was counted


FONT_PX = 12
TEXT_HEIGHT = 12  # a label's height above its baseline; descenders take about 3 more below


def _pct(value: float) -> str:
    return f"{value * 100:.0f}%"


def text_width(text: str) -> float:
    """A generous estimate of a label's width at 12px: a CJK character a full em, anything else 0.62 em."""
    return sum(FONT_PX if ord(ch) > 0x2E7F else FONT_PX * 0.62 for ch in text)


def _svg(width: int, height: int, title: str, body: list[str]) -> Markup:
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" '
            f'width="{width}" height="{height}" {FONT} aria-label={quoteattr(title)}><title>{escape(title)}</title>')
    return Markup(head + "".join(body) + "</svg>")


def trend_chart(points: list[Point], target: float, title: str, width: int = 640, height: int = 240) -> Markup:
    """Monthly rate as a line with marked, labelled points, and the target as a dashed line."""
    # The target's label sits in the right margin, beside the line's end, where no point is drawn.
    left, right, top, bottom = 44, 72, 16, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / max(len(points) - 1, 1)

    def y(v: float) -> float:
        return top + plot_h * (1 - v)

    body = []
    for tick in (0, 0.25, 0.5, 0.75, 1.0):
        body.append(f'<line x1="{left}" x2="{width - right}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
                    f'stroke="#bbb" stroke-width="0.5"/>')
        body.append(f'<text x="{left - 6}" y="{y(tick) + 4:.1f}" text-anchor="end">{_pct(tick)}</text>')
    body.append(f'<line class="target" x1="{left}" x2="{width - right}" y1="{y(target):.1f}" y2="{y(target):.1f}" '
                f'stroke="#000" stroke-width="1.5" stroke-dasharray="6 4"/>')
    body.append(f'<text class="target-label" x="{width - right + 18}" y="{y(target) + 4:.1f}">'
                f'目标 {_pct(target)}</text>')
    path: list[tuple[float, float] | None] = []
    xs: list[float] = []
    for i, p in enumerate(points):
        x = left + i * step
        xs.append(x)
        body.append(f'<text x="{x:.1f}" y="{height - bottom + 16}" text-anchor="middle">{escape(p.label)}</text>')
        if p.value is None:
            path.append(None)
            continue
        path.append((x, y(p.value)))
        body.append(f'<circle class="point" cx="{x:.1f}" cy="{y(p.value):.1f}" r="3.5" '
                    f'fill="#fff" stroke="#000" stroke-width="1.5"/>')
        # Above the point, unless the dashed target line would run through the label: then below it.
        above = y(p.value) - 8
        crosses = above - TEXT_HEIGHT - 1 <= y(target) <= above + 3
        baseline = y(p.value) + 8 + TEXT_HEIGHT if crosses else above
        body.append(f'<text class="value" x="{x:.1f}" y="{baseline:.1f}" text-anchor="middle">{_pct(p.value)}</text>')
    body += _polylines(path)
    return _svg(width, height, title, body)


def _polylines(path: list[tuple[float, float] | None]) -> list[str]:
    """One polyline per run of months that have a value; an empty month breaks the line."""
    runs: list[list[tuple[float, float]]] = []
    current: list[tuple[float, float]] = []
    for point in [*path, None]:
        if point is None:
            if len(current) > 1:
                runs.append(current)
            current = []
        else:
            current.append(point)
    return [f'<polyline fill="none" stroke="#000" stroke-width="2" '
            f'points="{" ".join(f"{x:.1f},{y:.1f}" for x, y in run)}"/>'
            for run in runs]


def bar_chart(items: list[tuple[str, int]], title: str, unit: str = "件", width: int = 640) -> Markup:
    """Horizontal bars of counts, each labelled with its number."""
    row, left, right = 24, 120, 60
    height = row * len(items) + 12
    biggest = max((v for _, v in items), default=0) or 1
    body = []
    for i, (label, value) in enumerate(items):
        y = 6 + i * row
        w = (width - left - right) * value / biggest
        body.append(f'<text x="{left - 6}" y="{y + 15}" text-anchor="end">{escape(label)}</text>')
        body.append(f'<rect class="bar" x="{left}" y="{y + 3}" width="{w:.1f}" height="{row - 8}" '
                    f'fill="#d9d9d9" stroke="#000"/>')
        body.append(f'<text x="{left + w + 6:.1f}" y="{y + 15}">{value} {escape(unit)}</text>')
    return _svg(width, height, title, body)


def rate_bars(items: list[Point], target: float, title: str, width: int = 640) -> Markup:
    """Horizontal bars of rates with the target as a dashed vertical line (the 最美窗口 comparison)."""
    row, left, right = 24, 150, 60
    height = row * len(items) + 28
    plot_w = width - left - right
    body = []
    for i, p in enumerate(items):
        y = 6 + i * row
        body.append(f'<text x="{left - 6}" y="{y + 15}" text-anchor="end">{escape(p.label)}</text>')
        if p.value is None:
            body.append(f'<text x="{left + 4}" y="{y + 15}">无办结件</text>')
            continue
        w = plot_w * p.value
        body.append(f'<rect class="bar" x="{left}" y="{y + 3}" width="{w:.1f}" height="{row - 8}" '
                    f'fill="#d9d9d9" stroke="#000"/>')
        body.append(_bar_label(_pct(p.value), left, left + w, left + plot_w * target, y + 15))
    tx = left + plot_w * target
    body.append(f'<line class="target" x1="{tx:.1f}" x2="{tx:.1f}" y1="2" y2="{height - 20}" stroke="#000" '
                f'stroke-width="1.5" stroke-dasharray="6 4"/>')
    body.append(f'<text class="target-label" x="{tx:.1f}" y="{height - 6}" text-anchor="middle">'
                f'目标 {_pct(target)}</text>')
    return _svg(width, height, title, body)


def _bar_label(text: str, bar_start: float, bar_end: float, target_x: float, baseline: float) -> str:
    """A bar's value just after its end; where the target line would cross it, inside the bar's end instead,
    or, for a bar too short to hold it, just after the target line."""
    width = text_width(text)
    start = bar_end + 6
    if not start - 2 <= target_x <= start + width + 2:
        return f'<text class="value" x="{start:.1f}" y="{baseline}">{text}</text>'
    if bar_end - 6 - width >= bar_start + 2:  # the line is past the bar's end, so the bar's inside is clear
        return f'<text class="value" x="{bar_end - 6:.1f}" y="{baseline}" text-anchor="end">{text}</text>'
    return f'<text class="value" x="{target_x + 6:.1f}" y="{baseline}">{text}</text>'
