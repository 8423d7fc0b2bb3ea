"""Charts drawn on the server as SVG: data and geometry here, drawing in ``reports/_chart.html``.

A chart function returns a :class:`Chart` whose marks (rectangles) and texts carry their
coordinates in a ``viewBox`` about as wide as a phone (360 units), so the SVG, at ``width=100%``,
keeps its text readable on a 390 px screen and grows on a larger one. Colours are SVG ``fill``
attributes (no ``style``: the content security policy forbids inline styles) from a palette whose
every colour has at least 4.5:1 contrast against white, so bars (3:1 needed) and text on white
pass WCAG AA. Each chart carries its numbers as a :class:`reports.export.Table`, which the include
shows under the chart for screen readers and anyone who prefers numbers, and which can be
downloaded as CSV or XLSX.

Use in a template::

    {% include "reports/_chart.html" with chart=charts.hours_by_month %}
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import numberformat
from django.utils.formats import get_format, localize, number_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify
from django.utils.timezone import template_localtime
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from expertbank.formatting import escaped
from reports.export import Table

WIDTH = 360
FONT = 12
TEXT = "#212529"  # 15.4:1 on white
MUTED = "#53575c"  # 7.3:1 on white
GRID = "#8a8f94"  # axis line, decoration only
# Series colours, each >= 4.5:1 on white and told apart by lightness as well as hue.
PALETTE = ("#0b4f8a", "#b3541e", "#2e6b30", "#6a3d9a", "#8a1c3c", "#005f73")

Number = int | float | Decimal


def plain_number(value: Number) -> str:
    """A number the Finnish way (decimal comma, grouped thousands), at most one decimal."""
    if isinstance(value, Decimal | float) and value != int(value):
        return number_format(round(Decimal(value), 1), decimal_pos=1, force_grouping=True)
    return number_format(int(value), force_grouping=True)


def euros(value: Number) -> str:
    return f"{number_format(Decimal(value).quantize(Decimal('1')), force_grouping=True)} €"


@dataclass(frozen=True)
class Mark:
    x: float
    y: float
    width: float
    height: float
    fill: str
    title: str


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    text: str
    anchor: str = "start"
    fill: str = TEXT
    bold: bool = False


@dataclass
class Chart:
    """One chart: what the include draws, and its numbers as a table."""

    title: str
    description: str
    table: Table
    height: float = 0
    width: float = WIDTH
    marks: list[Mark] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    lines: list[tuple[float, float, float, float]] = field(default_factory=list)
    legend: list[tuple[str, str]] = field(default_factory=list)  # (colour, name)
    empty: bool = False
    slug: str = "chart"

    def __post_init__(self) -> None:
        self.table.slug = self.slug  # the table downloads under the chart's name

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width:g} {self.height:g}"

    @property
    def table_rows_html(self) -> SafeString:
        """The table's body rows as the include wrote them with ``{{ cell }}`` (localised,
        escaped), written here instead: the template's loop over 300 organisations' cells took
        8–12 ms of each dashboard request (issue 19), this about 2 ms (``localize`` read the
        language's number formats again for every number; a ``SafeString`` a cell)."""
        shown = _shown_in_language()
        # Safe: every cell went through ``shown``, which escapes as the template did (tested).
        return mark_safe(  # nosec B308, B703
            "".join(_cells(row, shown) for row in self.table.rows)
        )


def _shown_in_language() -> Callable[[Any], str]:
    """A cell as ``{{ cell }}`` shows it, escaped: ``localize`` with the active language's
    separators read once, then escaped as ``{{ }}`` escapes (``expertbank.formatting.escaped``,
    without a ``SafeString`` made for every cell)."""
    language = get_language()
    decimal_separator = get_format("DECIMAL_SEPARATOR", language)
    grouping = get_format("NUMBER_GROUPING", language)
    thousand_separator = get_format("THOUSAND_SEPARATOR", language)

    def shown(value: Any) -> str:
        if isinstance(value, int | Decimal | float) and not isinstance(value, bool):
            text = numberformat.format(
                value, decimal_separator, None, grouping, thousand_separator, use_l10n=True
            )
        else:
            text = localize(template_localtime(value))
        return escaped(text)

    return shown


def _cells(row: Sequence[Any], shown: Callable[[Any], str]) -> str:
    first, *rest = row
    cells = "".join(f'<td class="text-end">{shown(cell)}</td>' for cell in rest)
    return f'<tr><th scope="row">{shown(first)}</th>{cells}</tr>'


def _nice_max(value: float) -> float:
    """A round number at or above ``value`` for the top of a scale (1, 2, 2.5, 5 x 10^n)."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power  # pragma: no cover - the loop always returns


def _slug(title: str) -> str:
    return slugify(title)[:40] or "chart"


def _empty(title: str, headers: Sequence[Any]) -> Chart:
    return Chart(
        title=title,
        description=_("No data in the chosen period."),
        table=Table(title, list(headers), [], slug=_slug(title)),
        height=40,
        labels=[Label(WIDTH / 2, 24, _("No data in the chosen period."), "middle", MUTED)],
        empty=True,
        slug=_slug(title),
    )


def column_chart(
    *,
    title: str,
    points: Sequence[tuple[str, Number]],
    value_name: str,
    category_name: str,
    fmt: Callable[[Number], str] = plain_number,
    description: str = "",
) -> Chart:
    """Vertical columns, one per category in order (months): ``points`` = (label, value)."""
    if not points or not any(value for _label, value in points):
        return _empty(title, [category_name, value_name])
    left, right, top, bottom, plot_h = 44, 8, 16, 34, 170
    plot_w = WIDTH - left - right
    top_value = _nice_max(float(max(value for _label, value in points)))
    step = plot_w / len(points)
    bar_w = max(step * 0.7, 1)
    every = max(1, math.ceil(len(points) * 34 / plot_w))  # a label needs ~34 units
    chart = Chart(
        title=title,
        description=description or title,
        table=Table(title, [category_name, value_name], [list(p) for p in points]),
        height=top + plot_h + bottom,
        slug=_slug(title),
    )
    base = top + plot_h
    for tick in (0, top_value / 2, top_value):
        y = base - plot_h * tick / top_value
        chart.labels.append(Label(left - 4, y + 4, fmt(_tick(tick)), "end", MUTED))
        chart.lines.append((left, y, WIDTH - right, y))
    for i, (label, value) in enumerate(points):
        h = plot_h * float(value) / top_value
        x = left + i * step + (step - bar_w) / 2
        chart.marks.append(
            Mark(
                round(x, 1),
                round(base - h, 1),
                round(bar_w, 1),
                round(h, 1),
                PALETTE[0],
                f"{label}: {fmt(value)}",
            )
        )
        if i % every == 0:
            chart.labels.append(Label(round(x + bar_w / 2, 1), base + 16, str(label), "middle"))
    return chart


def _tick(value: float) -> Number:
    return int(value) if value == int(value) else Decimal(str(value))


def bar_chart(
    *,
    title: str,
    points: Sequence[tuple[str, Number]],
    value_name: str,
    category_name: str,
    fmt: Callable[[Number], str] = plain_number,
    description: str = "",
    limit: int = 15,
) -> Chart:
    """Horizontal bars, largest first, each named above its bar (long names fit a phone).

    More than ``limit`` categories: the rest are summed into "Others" in the drawing; the table
    keeps every row.
    """
    rows = sorted(points, key=lambda p: (-float(p[1]), str(p[0])))
    if not rows or not any(value for _label, value in rows):
        return _empty(title, [category_name, value_name])
    drawn = list(rows[:limit])
    if len(rows) > limit:
        drawn.append((_("Others"), sum(v for _l, v in rows[limit:])))
    row_h, pad = 36, 8
    value_room = 64
    plot_w = WIDTH - value_room
    top_value = float(max(v for _l, v in drawn)) or 1
    chart = Chart(
        title=title,
        description=description or title,
        table=Table(title, [category_name, value_name], [list(p) for p in rows]),
        height=pad + row_h * len(drawn),
        slug=_slug(title),
    )
    for i, (label, value) in enumerate(drawn):
        y = pad + i * row_h
        w = max(plot_w * float(value) / top_value, 1 if value else 0)
        chart.labels.append(Label(0, y + 11, _short(str(label), 52)))
        chart.marks.append(Mark(0, y + 15, round(w, 1), 14, PALETTE[0], f"{label}: {fmt(value)}"))
        chart.labels.append(Label(round(w + 4, 1), y + 27, fmt(value), "start", TEXT, True))
    return chart


def stacked_chart(
    *,
    title: str,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[Number]]],
    category_name: str,
    fmt: Callable[[Number], str] = plain_number,
    description: str = "",
) -> Chart:
    """Horizontal stacked bars: one bar per category, one coloured part per series."""
    totals = [sum(values[i] for _n, values in series) for i in range(len(categories))]
    headers = [category_name, *[name for name, _v in series], _("Total")]
    if not categories or not any(totals):
        return _empty(title, headers)
    legend = [(PALETTE[i % len(PALETTE)], name) for i, (name, _v) in enumerate(series)]
    legend_rows = math.ceil(len(legend) / 2)
    row_h, pad = 36, 8 + 18 * legend_rows
    value_room = 56
    plot_w = WIDTH - value_room
    top_value = float(max(totals)) or 1
    rows = [
        [cat, *[values[i] for _n, values in series], totals[i]] for i, cat in enumerate(categories)
    ]
    chart = Chart(
        title=title,
        description=description or title,
        table=Table(title, headers, rows),
        height=pad + row_h * len(categories),
        legend=legend,
        slug=_slug(title),
    )
    for i, (colour, name) in enumerate(legend):
        x, y = (i % 2) * (WIDTH / 2), 4 + (i // 2) * 18
        chart.marks.append(Mark(x, y, 12, 12, colour, name))
        chart.labels.append(Label(x + 16, y + 11, _short(name, 26)))
    for i, category in enumerate(categories):
        y = pad + i * row_h
        chart.labels.append(Label(0, y + 11, _short(str(category), 52)))
        x = 0.0
        for j, (name, values) in enumerate(series):
            value = values[i]
            if not value:
                continue
            w = plot_w * float(value) / top_value
            chart.marks.append(
                Mark(
                    round(x, 1),
                    y + 15,
                    round(w, 1),
                    14,
                    PALETTE[j % len(PALETTE)],
                    f"{category}, {name}: {fmt(value)}",
                )
            )
            x += w
        chart.labels.append(Label(round(x + 4, 1), y + 27, fmt(totals[i]), "start", TEXT, True))
    return chart


def _short(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"
