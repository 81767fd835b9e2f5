"""A small trend chart per indicator, as SVG written by hand (no dependency): the
figure for each period as a line with points, and the target as a dashed step line.
Hidden figures ("c") and periods without figures leave a gap."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from html import escape

WIDTH, HEIGHT, PAD = 320, 120, 24


def _number(value) -> float | None:
    if value is None or value == "c":
        return None
    try:
        return float(Decimal(str(value)))
    except InvalidOperation:
        return None


def trend_svg(trend: list[dict], *, title: str) -> str:
    """`trend`: [{"period", "value", "target"}...] in time order."""
    values = [_number(p.get("value")) for p in trend]
    targets = [_number(p.get("target")) for p in trend]
    known = [v for v in values + targets if v is not None]
    top = max(known, default=1.0) or 1.0
    bottom = min(0.0, *known) if known else 0.0
    span = (top - bottom) or 1.0
    count = max(len(trend) - 1, 1)

    def x(i: int) -> float:
        return round(PAD + i * (WIDTH - 2 * PAD) / count, 1)

    def y(v: float) -> float:
        return round(HEIGHT - PAD - (v - bottom) * (HEIGHT - 2 * PAD) / span, 1)

    def segments(series: list[float | None]) -> list[str]:
        runs, current = [], []
        for i, v in enumerate(series):
            if v is None:
                if current:
                    runs.append(current)
                current = []
            else:
                current.append(f"{x(i)},{y(v)}")
        if current:
            runs.append(current)
        return [" ".join(run) for run in runs]

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" '
        'stroke="#999" stroke-width="1"/>',
    ]
    for points in segments(targets):
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="#d4351c" '
            'stroke-width="1.5" stroke-dasharray="4 3"/>'
        )
    for points in segments(values):
        parts.append(f'<polyline points="{points}" fill="none" stroke="#1d70b8" stroke-width="2"/>')
    for i, v in enumerate(values):
        if v is not None:
            label = escape(f"{trend[i]['period']}: {trend[i]['value']}")
            parts.append(
                f'<circle cx="{x(i)}" cy="{y(v)}" r="2.5" fill="#1d70b8"><title>{label}</title>'
                "</circle>"
            )
    if trend:
        parts.append(
            f'<text x="{PAD}" y="{HEIGHT - 6}" font-size="10">{escape(trend[0]["period"])}</text>'
        )
        parts.append(
            f'<text x="{WIDTH - PAD}" y="{HEIGHT - 6}" font-size="10" text-anchor="end">'
            f"{escape(trend[-1]['period'])}</text>"
        )
    parts.append(
        f'<text x="{PAD}" y="14" font-size="10">{escape(title)} (line: figure; dashed: target)'
        "</text></svg>"
    )
    return "".join(parts)
