"""The colours of the charts: NHS "Making Data Count", colour-blind safe.

Blue for special cause improvement, orange for concern, grey for common cause,
each with a darker outline so markers keep a 3:1 contrast against white.
"""

from __future__ import annotations

from measures.charts.context import CONCERN, IMPROVEMENT, NEUTRAL

# NHS "Making Data Count" colours, each with a darker outline so markers keep a
# 3:1 contrast against white.
COLOURS = {
    IMPROVEMENT: "#289de0",
    CONCERN: "#fab428",
    NEUTRAL: "#a6a6a6",
}
OUTLINES = {IMPROVEMENT: "#005eb8", CONCERN: "#8a5a00", NEUTRAL: "#6b6b6b"}
VALUE_COLOUR = "#495057"
CENTRE_COLOUR = "#212529"
LIMIT_COLOUR = "#6c757d"
GOAL_COLOUR = "#6f42c1"
SESSION_FILL = "rgba(40, 157, 224, 0.10)"
PHASE_LINE = "#6c757d"
