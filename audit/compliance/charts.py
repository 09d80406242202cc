"""Server-rendered SVG charts for the dashboard: no JavaScript, no inline style (the CSP forbids it).

Colours and strokes come from classes styled in ``static/css/dashboard.css``; every text is escaped.
"""

from html import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

#: Height of a legend line: one series per line, under the axis.
LEGEND_LINE = 16


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _points(values: list[float | None], *, x0: float, step: float, y_of) -> list[list[tuple[float, float]]]:
    """Runs of consecutive known values as (x, y) points: a gap in the data breaks the line."""
    runs: list[list[tuple[float, float]]] = [[]]
    for i, value in enumerate(values):
        if value is None:
            if runs[-1]:
                runs.append([])
            continue
        runs[-1].append((x0 + i * step, y_of(value)))
    return [run for run in runs if run]


def _polyline(run: list[tuple[float, float]], css: str) -> str:
    points = " ".join(f"{_fmt(x)},{_fmt(y)}" for x, y in run)
    return f'<polyline class="{css}" points="{points}"/>'


def sparkline(values: list[int | None], *, label: str = "", width: int = 120, height: int = 28) -> SafeString:
    """A small line of weekly counts; the last point is marked. Empty when there is no data."""
    known = [v for v in values if v is not None]
    if not known:
        return mark_safe("")
    top = max(known) or 1
    pad = 3
    step = (width - 2 * pad) / max(len(values) - 1, 1)

    def y_of(value: float) -> float:
        return height - pad - (height - 2 * pad) * value / top

    runs = _points(values, x0=pad, step=step, y_of=y_of)
    last_x, last_y = runs[-1][-1]
    title = _("%(label)s: по неделям — %(values)s") % {
        "label": label,
        "values": ", ".join("—" if v is None else str(v) for v in values),
    }
    parts = [
        f'<svg class="sparkline" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        *(_polyline(run, "spark-line") for run in runs),
        f'<circle class="spark-last" cx="{_fmt(last_x)}" cy="{_fmt(last_y)}" r="2.5"/>',
        "</svg>",
    ]
    return mark_safe("".join(parts))


def line_chart(
    series: list[tuple[list[float | None], str, str]],
    labels: list[str],
    *,
    title: str,
    width: int = 640,
    height: int = 240,
    top: float = 100,
) -> SafeString:
    """A line chart of percentages by week: ``series`` are (values, css class, legend label)."""
    if not labels or not any(v is not None for values, _css, _name in series for v in values):
        return mark_safe("")
    left, right, upper = 40, 28, 12
    lower = 30 + LEGEND_LINE * len(series)
    plot_w, plot_h = width - left - right, height - upper - lower
    step = plot_w / max(len(labels) - 1, 1)

    def y_of(value: float) -> float:
        return upper + plot_h - plot_h * min(max(value, 0), top) / top

    parts = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    for tick in (0, 25, 50, 75, 100):
        y = y_of(tick * top / 100)
        parts.append(f'<line class="chart-grid" x1="{left}" x2="{width - right}" y1="{_fmt(y)}" y2="{_fmt(y)}"/>')
        parts.append(f'<text class="chart-tick" x="{left - 6}" y="{_fmt(y + 4)}" text-anchor="end">{tick}</text>')
    for i, label in enumerate(labels):
        x = left + i * step
        parts.append(
            f'<text class="chart-tick" x="{_fmt(x)}" y="{upper + plot_h + 16}" text-anchor="middle">{escape(label)}</text>'
        )
    legend_x = left
    for n, (values, css, name) in enumerate(series):
        for run in _points(values, x0=left, step=step, y_of=y_of):
            parts.append(_polyline(run, f"chart-line {css}"))
            for x, y in run:
                parts.append(f'<circle class="chart-dot {css}" cx="{_fmt(x)}" cy="{_fmt(y)}" r="3"/>')
        legend_y = upper + plot_h + 36 + LEGEND_LINE * n
        parts.append(
            f'<rect class="chart-key {css}" x="{legend_x}" y="{legend_y - 9}" width="12" height="10"/>'
            f'<text class="chart-legend" x="{legend_x + 16}" y="{legend_y}">{escape(name)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))
