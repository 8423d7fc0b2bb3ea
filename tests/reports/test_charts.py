"""Server-drawn SVG charts: geometry from the data, a title, and the numbers as a table."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.template.loader import render_to_string
from django.utils import translation

from reports.charts import PALETTE, bar_chart, column_chart, stacked_chart

pytestmark = pytest.mark.usefixtures("english")


def _contrast(hex_colour: str) -> float:
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    lum = 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    return 1.05 / (lum + 0.05)


def test_every_colour_passes_aa_for_text_on_white():
    assert all(_contrast(c) >= 4.5 for c in PALETTE)


def test_a_column_is_as_tall_as_its_share_of_the_scale():
    chart = column_chart(
        title="Hours by month",
        points=[("1/2026", 10), ("2/2026", 20), ("3/2026", 0)],
        value_name="Hours",
        category_name="Month",
    )
    heights = [m.height for m in chart.marks]
    assert heights[1] == 2 * heights[0]
    assert heights[2] == 0
    assert chart.table.rows == [["1/2026", 10], ["2/2026", 20], ["3/2026", 0]]


def test_bars_come_largest_first_and_the_tail_is_summed_in_the_drawing_only():
    points = [(f"Org {i}", i) for i in range(1, 21)]
    chart = bar_chart(
        title="By organisation", points=points, value_name="Gigs", category_name="Org", limit=5
    )
    assert [m.title.split(":")[0] for m in chart.marks][:2] == ["Org 20", "Org 19"]
    assert len(chart.marks) == 6  # five and "Others"
    assert chart.marks[-1].title.endswith(str(sum(range(1, 16))))
    assert len(chart.table.rows) == 20


def test_a_stacked_bar_sums_its_parts():
    chart = stacked_chart(
        title="Offers",
        categories=["1/2026", "2/2026"],
        series=[("Accepted", [3, 1]), ("Declined", [1, 0])],
        category_name="Month",
    )
    assert chart.table.rows == [["1/2026", 3, 1, 4], ["2/2026", 1, 0, 1]]
    assert chart.table.headers[-1] == "Total"


def test_the_include_draws_an_accessible_svg_with_its_table():
    chart = bar_chart(
        title="Hours <by> area",
        points=[("Mielenterveys", Decimal("12.5")), ("Päihteet", 3)],
        value_name="Hours",
        category_name="Area",
    )
    html = render_to_string("reports/_chart.html", {"chart": chart})
    assert 'role="img"' in html
    assert "<title id=" in html and "Hours &lt;by&gt; area" in html
    assert 'viewBox="0 0 360 ' in html and 'width="100%"' in html
    assert "style=" not in html and "<script" not in html
    assert "<table" in html and "Mielenterveys" in html


def test_no_data_says_so():
    chart = column_chart(title="Empty", points=[], value_name="Hours", category_name="Month")
    html = render_to_string("reports/_chart.html", {"chart": chart})
    assert chart.empty and "No data in the chosen period." in html


# The include's rows as its template loop wrote them, before they were written in Python.
TEMPLATE_ROWS = Template(
    "{% for row in rows %}<tr>{% for cell in row %}{% if forloop.first %}"
    '<th scope="row">{{ cell }}</th>{% else %}<td class="text-end">{{ cell }}</td>'
    "{% endif %}{% endfor %}</tr>{% endfor %}"
)


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_the_table_rows_are_written_as_the_template_wrote_them(language):
    chart = bar_chart(
        title="Gigs by organisation",
        points=[("Tuki & <Apu> ry", 1234), ("Kaupunki", 3), ("Muu", 0)],
        value_name="Gigs",
        category_name="Organisation",
    )
    chart.table.rows = [
        ["Tuki & <Apu> ry", 1234, Decimal("12345.5")],
        ['"Kaupunki"', 3, Decimal("0.0")],
        ["Muu", 0, None],
    ]
    with translation.override(language):
        expected = TEMPLATE_ROWS.render(Context({"rows": chart.table.rows}))
        assert chart.table_rows_html == expected
        assert "Tuki &amp; &lt;Apu&gt; ry" in render_to_string(
            "reports/_chart.html", {"chart": chart}
        )
