"""How each team x measure series is charted, and the kept result of its analysis.

``ChartSettings`` holds what faculty and the team lead choose for one series
(chart type, rule set, phases, a frozen baseline, excluded months); every
change is kept in ``ChartSettingsChange``. ``ChartSnapshot`` keeps the
analysis (the ``measures.spc`` dictionary) and the Plotly figure of a series,
refreshed by a Celery task when values or settings change, so that pages and
the API only read. A snapshot with ``team`` empty is the collaborative's
aggregate of one measure.
"""

from __future__ import annotations

from django.conf import settings as django_settings
from django.db import models
from django.db.models import Q
from django_scopes import ScopedManager


class SpcChart(models.TextChoices):
    """Every chart ``measures.spc.analyze`` draws that a monthly series can use."""

    RUN = "run", "Run chart"
    I = "i", "I chart (individual values)"  # noqa: E741 - the chart's own name
    P = "p", "p chart (percentages)"
    PP = "pp", "p-prime chart (Laney, percentages with large denominators)"
    U = "u", "u chart (rates)"
    UP = "up", "u-prime chart (Laney, rates with large denominators)"
    C = "c", "c chart (counts)"
    G = "g", "g chart (cases between rare events)"
    T = "t", "t chart (time between rare events)"


class RuleSet(models.TextChoices):
    IHI = "ihi", "IHI rules"
    ANHOJ = "anhoj", "Anhøj rules"


class ChartSettings(models.Model):
    """The chart choices for one team's series of one measure."""

    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE)
    team = models.ForeignKey("teams.Team", on_delete=models.CASCADE, related_name="chart_settings")
    measure = models.ForeignKey(
        "measures.Measure", on_delete=models.CASCADE, related_name="chart_settings"
    )
    # Empty: the measure's default chart.
    chart_type = models.CharField(max_length=10, choices=SpcChart.choices, blank=True)
    # Empty: the collaborative's rule set (run charts only; control charts use Anhøj + 3 sigma).
    rule_set = models.CharField(max_length=10, choices=RuleSet.choices, blank=True)
    # [{"month": "2026-03-01", "label": "New intake process"}]: a new phase starts that month.
    phase_breaks = models.JSONField(default=list, blank=True)
    # The last month of the baseline; empty: not frozen.
    freeze_month = models.DateField(null=True, blank=True)
    # [{"month": "2026-01-01", "reason": "Data system outage"}]
    exclusions = models.JSONField(default=list, blank=True)
    version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        django_settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ScopedManager(organization="organization")

    class Meta:
        verbose_name_plural = "chart settings"
        constraints = [
            models.UniqueConstraint(fields=["team", "measure"], name="chart_settings_unique"),
        ]

    def __str__(self) -> str:
        return f"Chart of {self.measure} for {self.team}"


class ChartSettingsChange(models.Model):
    """One change of a series' chart settings: who, when, from what, to what. Never edited."""

    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE)
    settings = models.ForeignKey(ChartSettings, on_delete=models.CASCADE, related_name="changes")
    changed_by = models.ForeignKey(
        django_settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)
    old = models.JSONField(default=dict)
    new = models.JSONField(default=dict)
    source = models.CharField(max_length=20, default="form", help_text="form or api.")

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        return f"Change of {self.settings} at {self.changed_at:%Y-%m-%d %H:%M}"


class ChartSnapshot(models.Model):
    """The kept analysis and figure of one series (``team`` empty: the collaborative aggregate).

    ``fingerprint`` is a hash of everything the analysis was computed from (values,
    settings, goal, spc version); ``is_current`` turns false when any of those change
    and true again when the refresh task has recomputed it.
    """

    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE)
    collaborative = models.ForeignKey(
        "collaboratives.Collaborative", on_delete=models.CASCADE, related_name="chart_snapshots"
    )
    measure = models.ForeignKey(
        "measures.Measure", on_delete=models.CASCADE, related_name="chart_snapshots"
    )
    team = models.ForeignKey(
        "teams.Team",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="chart_snapshots",
    )
    chart_type = models.CharField(max_length=10, choices=SpcChart.choices)
    rule_set = models.CharField(max_length=10, choices=RuleSet.choices)
    analysis = models.JSONField(default=dict)
    figure = models.JSONField(default=dict)
    # Icons and headline numbers read by the dashboard and the review board without
    # opening the analysis: {"variation": "improving", "assurance": "may_meet", ...}.
    summary = models.JSONField(default=dict)
    fingerprint = models.CharField(max_length=64)
    is_current = models.BooleanField(default=True)
    computed_at = models.DateTimeField()

    objects = ScopedManager(organization="organization")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "team"],
                condition=Q(team__isnull=False),
                name="chart_snapshot_team_unique",
            ),
            models.UniqueConstraint(
                fields=["measure"],
                condition=Q(team__isnull=True),
                name="chart_snapshot_aggregate_unique",
            ),
        ]
        indexes = [models.Index(fields=["collaborative", "measure"])]

    def __str__(self) -> str:
        return f"Snapshot of {self.measure} for {self.team or 'the collaborative'}"
