"""The ``chart`` dict that ``templates/measures/charts/_chart.html`` renders: the
figure, the explanations, the text summary and the data table of one series.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from measures.charts.explanations import explain_signals
from measures.charts.figure import build_figure
from measures.charts.formatting import _centre_name
from measures.charts.text_alternatives import table_rows, text_summary

if TYPE_CHECKING:
    from measures.charts.context import ChartContext


def chart_block(
    analysis: dict,
    ctx: ChartContext,
    *,
    chart_id: str,
    csv_url: str | None = None,
    figure: dict | None = None,
) -> dict:
    """The ``chart`` dict ``templates/measures/charts/_chart.html`` renders.

    Pass ``figure`` when a snapshot already holds it, so it is not built again.
    """
    return {
        "id": str(chart_id),
        "title": ctx.title,
        "figure": figure if figure is not None else build_figure(analysis, ctx),
        "explanations": explain_signals(analysis, ctx),
        "summary_text": text_summary(analysis, ctx),
        "table_rows": table_rows(analysis, ctx),
        "csv_url": csv_url,
        "compact": ctx.compact,
        "unit": ctx.unit,
        "centre_name": _centre_name(analysis).capitalize(),
        "has_limits": any(
            p.get("ucl") is not None or p.get("lcl") is not None
            for p in analysis.get("points") or []
        ),
    }
