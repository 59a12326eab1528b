"""charts.js draws a chart with the offline plotly.min.js under the site's CSP."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.urls("tests.measures.charts_browser_urls")]


def test_the_chart_is_drawn_offline_with_its_signals_and_png_download(page, live_server):
    page.goto("/test-chart/")
    page.wait_for_selector('[data-chart-drawn="true"] .main-svg')
    legend = page.locator(".legendtext").all_text_contents()
    assert "Special cause: improvement" in legend
    assert page.locator('.modebar-btn[data-title="Download plot as a PNG"]').count() == 1


def test_the_data_table_opens_from_the_chart(page, live_server):
    page.goto("/test-chart/")
    page.get_by_text("Show data table").click()
    assert page.get_by_role("row", name="Aug 2026").is_visible()
