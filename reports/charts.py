"""Charts as SVG drawn on the server: the same markup in the dashboard and the PDF bulletin.

Pure functions: labels and numbers in, an `<svg>` string (marked safe) out. Every chart
- is an image with a name: `role="img"` and `aria-labelledby` pointing at its `<title>` and
  `<desc>` (the desc lists every value, so a screen reader hears the figures);
- prints each value beside its bar, so nothing depends on colour, and series of a stacked
  bar differ by fill pattern as well as by shade (readable in greyscale print);
- escapes every text it is given (organisation names may contain `<` or `&`);
- uses SVG presentation attributes only (`fill`, `font-size` …), never `style=""`: the
  portal's Content-Security-Policy forbids inline styles, and WeasyPrint renders the same
  defaults without the portal's CSS. The page may still restyle them through the classes
  (`chart`, `chart__bar`, `chart__label`, `chart__value`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from core.numbers import percent

Number = int | float | Decimal

FONT = '"Noto Sans CJK SC", "Noto Sans SC", "Microsoft YaHei", sans-serif'
FONT_SIZE = 14
# Narrow on purpose: each row prints its label and value on a line of their own above the
# bar, so the chart stays readable when a phone shrinks it to 330 px.
WIDTH = 360
LINE = 18  # the label line
BAR = 14  # height of one bar
ROW = LINE + BAR + 10  # one label line, its bar and a gap
# Dark enough for a white page and a greyscale printer; series also differ by pattern.
BAR_FILL = "#a61b1b"
TRACK_FILL = "#eceff3"
TEXT_FILL = "#1f2328"
SERIES = (
    ("#a61b1b", "solid"),
    ("#5b6b7f", "hatch"),
    ("#d9a441", "dots"),
    ("#2f6f4f", "cross"),
    ("#7a4aa0", "back-hatch"),
)


def _id(prefix: str, *parts: object) -> str:
    digest = hashlib.sha1(repr(parts).encode(), usedforsecurity=False).hexdigest()[:10]
    return f"{prefix}-{digest}"


def format_number(value: Number | None, unit: str = "") -> str:
    """12345 → "12,345", Decimal("12.50") → "12.5", Decimal("80.0") → "80", None → "—";
    the unit follows. A rate (unit "%") is written as every page writes it,
    core.numbers.percent: Decimal("80.0") → "80.0%"."""
    if value is None:
        return "—"
    if unit == "%":
        return percent(value)
    if isinstance(value, float):
        value = Decimal(str(value))
    if isinstance(value, Decimal) and value != value.to_integral_value():
        text = f"{value:,}".rstrip("0").rstrip(".")
    else:
        text = f"{int(value):,}"
    return f"{text}{unit}"


def _fit(label: str, value_text: str) -> str:
    """`label` shortened to fit beside its value on one line (the full label stays in the
    row's <title> and in the chart's description)."""
    # A CJK glyph is about one em wide; digits and Latin letters about half.
    value_width = sum(FONT_SIZE if ord(ch) > 0x2E80 else FONT_SIZE * 0.6 for ch in value_text)
    room = WIDTH - value_width - FONT_SIZE
    width = 0.0
    for index, ch in enumerate(label):
        width += FONT_SIZE if ord(ch) > 0x2E80 else FONT_SIZE * 0.6
        if width > room:
            return label[: max(1, index - 1)] + "…"
    return label


def _svg(chart_id: str, title: str, desc: str, height: int, body: str) -> SafeString:
    return mark_safe(  # noqa: S308 - every text inside has been escaped by the callers
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'preserveAspectRatio="xMinYMin meet" font-family="{escape(FONT)}" '
        f'font-size="{FONT_SIZE}" fill="{TEXT_FILL}">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>'
        f"{body}</svg>"
    )


def _row(y: float, label: str, text: str, title: str, bars: str) -> str:
    return (
        f"<g><title>{escape(title)}</title>"
        f'<text class="chart__label" x="0" y="{y + LINE - 4}">{escape(_fit(label, text))}</text>'
        f'<text class="chart__value" x="{WIDTH}" y="{y + LINE - 4}" text-anchor="end">'
        f"{escape(text)}</text>"
        f'<rect x="0" y="{y + LINE}" width="{WIDTH}" height="{BAR}" fill="{TRACK_FILL}"/>'
        f"{bars}</g>"
    )


def bar_chart(
    *,
    title: str,
    labels: Sequence[str],
    values: Sequence[Number | None],
    unit: str = "",
    max_value: Number | None = None,
    chart_id: str | None = None,
) -> SafeString:
    """A horizontal bar per label, the label and the value printed above it. `max_value`
    fixes the scale (100 for percentages); by default the largest value fills the width.
    A missing value (None) draws no bar and prints "—"."""
    labels = [str(label) for label in labels]
    if len(labels) != len(values):
        raise ValueError("labels and values differ in length")
    chart_id = chart_id or _id("chart", title, labels, [str(v) for v in values])
    top = max([v for v in values if v is not None] + [max_value or 0], default=0)
    scale = WIDTH / float(top) if top else 0
    rows = []
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = index * ROW
        text = format_number(value, unit)
        length = min(float(WIDTH), max(0.0, float(value or 0) * scale))
        bar = (
            f'<rect class="chart__bar" x="0" y="{y + LINE}" width="{length:.1f}" '
            f'height="{BAR}" fill="{BAR_FILL}"/>'
            if length
            else ""
        )
        rows.append(_row(y, label, text, f"{label}：{text}", bar))
    height = max(1, len(labels)) * ROW
    desc = _("；").join(
        f"{label}：{format_number(v, unit)}" for label, v in zip(labels, values, strict=True)
    )
    return _svg(chart_id, title, desc or _("无数据"), height, "".join(rows))


def _pattern(pattern_id: str, colour: str, kind: str) -> str:
    if kind == "solid":
        marks = ""
    elif kind == "hatch":
        marks = '<path d="M0,6 L6,0" stroke="#ffffff" stroke-width="1.5"/>'
    elif kind == "back-hatch":
        marks = '<path d="M0,0 L6,6" stroke="#ffffff" stroke-width="1.5"/>'
    elif kind == "dots":
        marks = '<circle cx="3" cy="3" r="1.3" fill="#ffffff"/>'
    else:  # cross
        marks = '<path d="M0,3 L6,3 M3,0 L3,6" stroke="#ffffff" stroke-width="1.2"/>'
    return (
        f'<pattern id="{pattern_id}" width="6" height="6" patternUnits="userSpaceOnUse">'
        f'<rect width="6" height="6" fill="{colour}"/>{marks}</pattern>'
    )


def stacked_bar_chart(
    *,
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[Number]]],
    unit: str = "",
    chart_id: str | None = None,
) -> SafeString:
    """One horizontal bar per label, split into the parts of `series` ((name, values) with
    one value per label), each part filled with its own pattern and shade; a legend names
    the patterns and every row prints its parts and total as text ("12 / 3，共 15名")."""
    labels = [str(label) for label in labels]
    names = [str(name) for name, _values in series]
    if len(series) > len(SERIES):
        raise ValueError(f"at most {len(SERIES)} series")
    for name, part in series:
        if len(part) != len(labels):
            raise ValueError(f"series {name!r} has {len(part)} values for {len(labels)} labels")
    chart_id = chart_id or _id(
        "stack", title, labels, [(n, [str(v) for v in p]) for n, p in series]
    )
    totals = [sum((part[i] or 0) for _name, part in series) for i in range(len(labels))]
    top = max(totals, default=0)
    scale = WIDTH / float(top) if top else 0
    defs = "".join(
        _pattern(f"{chart_id}-p{i}", colour, kind)
        for i, (colour, kind) in enumerate(SERIES[: len(series)])
    )
    legend = []
    x = 0.0
    for i, name in enumerate(names):
        legend.append(
            f'<rect x="{x:.1f}" y="2" width="14" height="14" fill="url(#{chart_id}-p{i})" '
            f'stroke="{TEXT_FILL}" stroke-width="0.5"/>'
            f'<text x="{x + 19:.1f}" y="14">{escape(name)}</text>'
        )
        x += 19 + len(name) * FONT_SIZE + 14
    rows = []
    offset = LINE + 8
    for index, label in enumerate(labels):
        y = offset + index * ROW
        x = 0.0
        bars = []
        for i, (_name, part) in enumerate(series):
            width = float(part[index] or 0) * scale
            if width:
                bars.append(
                    f'<rect class="chart__bar" x="{x:.1f}" y="{y + LINE}" width="{width:.1f}" '
                    f'height="{BAR}" fill="url(#{chart_id}-p{i})" stroke="{TEXT_FILL}" '
                    f'stroke-width="0.5"/>'
                )
            x += width
        numbers = " / ".join(format_number(part[index]) for _name, part in series)
        text = _("%(parts)s，共 %(total)s") % {
            "parts": numbers,
            "total": format_number(totals[index], unit),
        }
        detail = _("、").join(f"{name} {format_number(part[index], unit)}" for name, part in series)
        rows.append(_row(y, label, text, f"{label}：{detail}", "".join(bars)))
    height = offset + max(1, len(labels)) * ROW
    desc = _("；").join(
        f"{label}："
        + _("、").join(f"{name} {format_number(part[i], unit)}" for name, part in series)
        + _("，共 %(total)s") % {"total": format_number(totals[i], unit)}
        for i, label in enumerate(labels)
    )
    body = f"<defs>{defs}</defs>{''.join(legend)}{''.join(rows)}"
    return _svg(chart_id, title, desc or _("无数据"), height, body)
