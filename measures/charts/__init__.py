"""Plotly figures and their accessible alternatives for one analysed series.

Pure functions of an analysis dictionary (``measures.spc.analyze(...).as_dict()``,
statistics.md section 9) and a :class:`ChartContext` (what the analysis does not
know: months, measure, direction of good, goal, learning sessions, PDSA cycles).
No database access, so the Celery snapshot refresh, the pages and the API all
draw the same chart.

Signals follow the NHS "Making Data Count" convention, which is colour-blind
safe: blue for special cause improvement, orange for special cause concern,
grey for common cause. Improvement or concern comes from the measure's
direction of good and the side of the signal; the marker shape (a triangle
pointing up or down) repeats the side, so colour is never the only cue.

Which rules are shown: run charts show the IHI rules (shift, trend, too few or
too many runs) when the rule set is "ihi", the Anhøj rules (longest run,
crossings) otherwise; control charts always show the 3-sigma rule and the
Anhøj rules.

The package: ``context`` (``ChartContext``, ``Explanation``), ``figure``
(``build_figure``), ``explanations`` (``explain_signals``), ``icons``
(``variation_icon``, ``assurance_icon``), ``text_alternatives`` (``text_summary``,
``table_rows``, ``csv_rows``), ``partial`` (``chart_block``), ``palette`` and
``formatting``. Every public name is importable from ``measures.charts``.
"""

from __future__ import annotations

from measures.charts.context import (
    CONCERN,
    IMPROVEMENT,
    NEUTRAL,
    ChartContext,
    Explanation,
)
from measures.charts.explanations import (
    CAUTION_TEXT,
    explain_signals,
)
from measures.charts.figure import (
    build_figure,
    figure_for_thumbnail,
)
from measures.charts.formatting import (
    DECISIONS,
    MEDIAN_CHARTS,
    SPREAD_CHARTS,
    format_number,
    format_value,
    month_label,
)
from measures.charts.icons import (
    ASSURANCE_LABELS,
    VARIATION_LABELS,
    assurance_icon,
    variation_icon,
)
from measures.charts.palette import (
    CENTRE_COLOUR,
    COLOURS,
    GOAL_COLOUR,
    LIMIT_COLOUR,
    OUTLINES,
    PHASE_LINE,
    SESSION_FILL,
    VALUE_COLOUR,
)
from measures.charts.partial import (
    chart_block,
)
from measures.charts.text_alternatives import (
    CSV_HEADER,
    csv_rows,
    table_rows,
    text_summary,
)

__all__ = [
    "ASSURANCE_LABELS",
    "CAUTION_TEXT",
    "CENTRE_COLOUR",
    "COLOURS",
    "CONCERN",
    "CSV_HEADER",
    "DECISIONS",
    "GOAL_COLOUR",
    "IMPROVEMENT",
    "LIMIT_COLOUR",
    "MEDIAN_CHARTS",
    "NEUTRAL",
    "OUTLINES",
    "PHASE_LINE",
    "SESSION_FILL",
    "SPREAD_CHARTS",
    "VALUE_COLOUR",
    "VARIATION_LABELS",
    "ChartContext",
    "Explanation",
    "assurance_icon",
    "build_figure",
    "chart_block",
    "csv_rows",
    "explain_signals",
    "figure_for_thumbnail",
    "format_number",
    "format_value",
    "month_label",
    "table_rows",
    "text_summary",
    "variation_icon",
]
