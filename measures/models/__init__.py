"""Measures, monthly reports and their values, and the reminder log."""

from __future__ import annotations

from measures.models.charts import (
    ChartSettings,
    ChartSettingsChange,
    ChartSnapshot,
    RuleSet,
    SpcChart,
)
from measures.models.measures import (
    ChartType,
    Direction,
    Measure,
    MeasureShape,
    MeasureType,
    TeamGoal,
)
from measures.models.reminders import (
    DeliveryStatus,
    DigestDelivery,
    Reminder,
    ReminderKind,
)
from measures.models.reports import (
    MetricValue,
    MonthlyReport,
    ReportEvent,
    ReportStatus,
    ValueChange,
)

__all__ = [
    "ChartSettings",
    "ChartSettingsChange",
    "ChartSnapshot",
    "ChartType",
    "DeliveryStatus",
    "DigestDelivery",
    "Direction",
    "Measure",
    "MeasureShape",
    "MeasureType",
    "MetricValue",
    "MonthlyReport",
    "Reminder",
    "ReminderKind",
    "ReportEvent",
    "ReportStatus",
    "RuleSet",
    "SpcChart",
    "TeamGoal",
    "ValueChange",
]
