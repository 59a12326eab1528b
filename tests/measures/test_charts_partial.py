"""The chart partial, the scripts include, and the chart block they render."""

from __future__ import annotations

import json
import re

from django.template.loader import render_to_string

from measures.charts import chart_block
from tests.measures.charts_support import NOISE, add_shift, context, run_chart


def render(analysis=None, ctx=None, **kwargs):
    analysis = analysis or add_shift(run_chart(NOISE[:12] + [40] * 8), range(13, 21), "below")
    ctx = ctx or context(20, direction="down")
    block = chart_block(analysis, ctx, chart_id=kwargs.pop("chart_id", "chart-7"), **kwargs)
    return render_to_string("measures/charts/_chart.html", {"chart": block})


def test_the_figure_is_handed_to_javascript_through_json_script():
    html = render()
    assert 'data-chart data-chart-figure="chart-7-figure"' in html
    match = re.search(r'<script id="chart-7-figure" type="application/json">(.*?)</script>', html)
    assert json.loads(match.group(1))["layout"]["xaxis"]["type"] == "date"


def test_the_partial_has_no_inline_script_to_run():
    scripts = re.findall(r"<script[^>]*>", render())
    assert scripts == ['<script id="chart-7-figure" type="application/json">']


def test_each_explanation_is_listed_with_its_tone_in_words():
    html = render()
    assert "chart-tone-improvement" in html
    assert '<span class="visually-hidden">Improvement: </span>8 months in a row below' in html


def test_the_text_summary_is_there_for_screen_readers_only():
    html = render()
    assert '<p id="chart-7-summary" class="visually-hidden">Run chart of Children screened' in html
    assert 'aria-describedby="chart-7-summary"' in html


def test_the_data_table_opens_on_demand():
    html = render()
    assert "<summary>Show data table</summary>" in html
    assert '<th scope="row" class="fw-normal text-nowrap">Feb 2026</th>' in html


def test_the_csv_link_is_shown_when_there_is_a_csv_url():
    html = render(csv_url="/values.csv")
    assert '<a href="/values.csv" download>Download data (CSV)</a>' in html


def test_no_csv_link_without_a_csv_url():
    assert "Download data" not in render()


def test_a_compact_chart_has_only_the_plot_and_its_summary():
    html = render(ctx=context(20, compact=True))
    assert "chart-compact" in html
    assert "Show data table" not in html
    assert "chart-explanations" not in html
    assert 'class="visually-hidden">Run chart' in html


def test_user_text_in_the_partial_is_escaped():
    html = render(ctx=context(20, title="<b>Birch</b>"))
    assert "<b>Birch</b>" not in html
    assert "&lt;b&gt;Birch&lt;/b&gt;" in html


def test_the_scripts_include_loads_plotly_before_the_chart_script():
    html = render_to_string("measures/charts/_scripts.html")
    plotly_at = html.index('src="/static/plotly/plotly.min.js"')
    charts_at = html.index('src="/static/js/charts.js"')
    assert plotly_at < charts_at
    assert 'href="/static/css/charts.css"' in html


def test_the_data_table_gives_the_unit_in_its_heading():
    assert '<th scope="col" class="text-end">Value (%)</th>' in render()
