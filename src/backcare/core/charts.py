"""Charts as SVG: one source for the progress page and the clinician's PDF.

Hand-written because the charts are small and fixed (a line with points, and
bars against target lines) and must come out the same in a browser, under a
strict Content-Security-Policy (presentation attributes only, no inline
style or script), and inside a PDF (fpdf2 draws this subset of SVG). A
plotting library would add megabytes for three charts. Every chart is
described in words by its title and has a data table beside it on the page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 28, 36
INK = "#1f2a24"
MUTED = "#6b7a71"
ACCENT = "#2f7d5b"
SECOND = "#c7772b"
GRID = "#d9dfdb"
FONT = "Helvetica, Arial, sans-serif"


@dataclass(frozen=True)
class Line:
    label: str
    values: Sequence[float | None]
    colour: str = ACCENT
    dots: bool = True
    dashed: bool = False


def _x(i: int, n: int) -> float:
    span = WIDTH - LEFT - RIGHT
    return LEFT + (span * (i + 0.5) / n if n else 0)


def _y(value: float, top: float) -> float:
    span = HEIGHT - TOP - BOTTOM
    return HEIGHT - BOTTOM - (span * value / top if top else 0)


def _frame(title: str, labels: Sequence[str], top: float, ticks: Sequence[float]) -> list[str]:
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" font-family="{FONT}">',
        f"<title>{escape(title)}</title>",
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
        f'<text x="{LEFT}" y="16" font-size="13" fill="{INK}">{escape(title)}</text>',
    ]
    for tick in ticks:
        y = _y(tick, top)
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" font-size="11" fill="{MUTED}" '
            f'text-anchor="end">{tick:g}</text>'
        )
    n = len(labels)
    every = max(1, round(n / 8))
    for i, label in enumerate(labels):
        if i % every == 0 or i == n - 1:
            parts.append(
                f'<text x="{_x(i, n):.1f}" y="{HEIGHT - BOTTOM + 16}" font-size="11" '
                f'fill="{MUTED}" text-anchor="middle">{escape(label)}</text>'
            )
    return parts


def _legend(entries: Sequence[tuple[str, str, bool]]) -> list[str]:
    parts = []
    x: float = LEFT
    y = HEIGHT - 6
    for label, colour, dashed in entries:
        dash = ' stroke-dasharray="5 3"' if dashed else ""
        parts.append(
            f'<line x1="{x}" y1="{y - 4}" x2="{x + 18}" y2="{y - 4}" stroke="{colour}" '
            f'stroke-width="2"{dash}/>'
        )
        parts.append(
            f'<text x="{x + 22}" y="{y}" font-size="11" fill="{INK}">{escape(label)}</text>'
        )
        x += 30 + 6.5 * len(label)
    return parts


def line_chart(title: str, labels: Sequence[str], lines: Sequence[Line], top: float = 10) -> str:
    """Lines over LABELS (one value per label, None for a gap), y from 0 to TOP."""
    n = len(labels)
    parts = _frame(title, labels, top, [0, top / 2, top])
    for line in lines:
        dash = ' stroke-dasharray="5 3"' if line.dashed else ""
        run: list[str] = []
        segments: list[list[str]] = []
        for i, value in enumerate(line.values):
            if value is None:
                if run:
                    segments.append(run)
                run = []
                continue
            run.append(f"{_x(i, n):.1f},{_y(value, top):.1f}")
        if run:
            segments.append(run)
        for segment in segments:
            if len(segment) > 1:
                parts.append(
                    f'<polyline points="{" ".join(segment)}" fill="none" stroke="{line.colour}" '
                    f'stroke-width="2"{dash}/>'
                )
        if line.dots:
            for i, value in enumerate(line.values):
                if value is not None:
                    parts.append(
                        f'<circle cx="{_x(i, n):.1f}" cy="{_y(value, top):.1f}" r="3" '
                        f'fill="{line.colour}"/>'
                    )
    parts += _legend([(line.label, line.colour, line.dashed) for line in lines])
    parts.append("</svg>")
    return "".join(parts)


def bar_chart(
    title: str,
    labels: Sequence[str],
    bars: Sequence[float],
    bar_label: str,
    marks: Sequence[Line] = (),
) -> str:
    """One bar per label, with MARKS (targets) drawn as short lines across each bar."""
    n = len(labels)
    highest = max([*bars, *(float(v) for m in marks for v in m.values if v is not None), 1.0])
    top = _nice(highest)
    parts = _frame(title, labels, top, [0, top / 2, top])
    width = (WIDTH - LEFT - RIGHT) / max(n, 1) * 0.6
    for i, value in enumerate(bars):
        y = _y(value, top)
        parts.append(
            f'<rect x="{_x(i, n) - width / 2:.1f}" y="{y:.1f}" width="{width:.1f}" '
            f'height="{HEIGHT - BOTTOM - y:.1f}" fill="{ACCENT}"/>'
        )
    for mark in marks:
        dash = ' stroke-dasharray="5 3"' if mark.dashed else ""
        for i, target in enumerate(mark.values):
            if target is None:
                continue
            y = _y(target, top)
            parts.append(
                f'<line x1="{_x(i, n) - width * 0.75:.1f}" y1="{y:.1f}" '
                f'x2="{_x(i, n) + width * 0.75:.1f}" y2="{y:.1f}" stroke="{mark.colour}" '
                f'stroke-width="2"{dash}/>'
            )
    parts += _legend([(bar_label, ACCENT, False), *((m.label, m.colour, m.dashed) for m in marks)])
    parts.append("</svg>")
    return "".join(parts)


def _nice(value: float) -> float:
    """A round axis top at or above VALUE."""
    for step in (5, 10, 20, 50, 100, 200, 500, 1000, 2000):
        if value <= step:
            return float(step)
    return float(int(value / 1000 + 1) * 1000)
