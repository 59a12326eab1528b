"""What teams measure: definitions per collaborative, and goals per team."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django_scopes import ScopedManager


class MeasureType(models.TextChoices):
    OUTCOME = "outcome", "Outcome"
    PROCESS = "process", "Process"
    BALANCING = "balancing", "Balancing"


class MeasureShape(models.TextChoices):
    COUNT = "count", "Count"
    PERCENTAGE = "percentage", "Percentage (numerator / denominator)"
    RATE = "rate", "Rate per N (numerator / denominator x N)"
    MEAN = "mean", "Mean value"
    MEDIAN = "median", "Median value"


# Shapes entered as numerator and denominator; the others as one value.
RATIO_SHAPES = frozenset({MeasureShape.PERCENTAGE, MeasureShape.RATE})


class Direction(models.TextChoices):
    UP = "up", "Higher is better"
    DOWN = "down", "Lower is better"


class ChartType(models.TextChoices):
    RUN = "run", "Run chart"
    P = "p", "p chart (percentages)"
    U = "u", "u chart (rates)"
    I = "i", "i chart (individual values)"  # noqa: E741 - the chart's own name
    C = "c", "c chart (counts)"


# The control chart that fits each shape (shared/docs/statistics.md).
CONTROL_CHART_FOR_SHAPE: dict[str, str] = {
    MeasureShape.PERCENTAGE: ChartType.P,
    MeasureShape.RATE: ChartType.U,
    MeasureShape.MEAN: ChartType.I,
    MeasureShape.MEDIAN: ChartType.I,
    MeasureShape.COUNT: ChartType.C,
}


class Measure(models.Model):
    """A measure of a collaborative, or a team's own custom measure (``team`` set)."""

    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE)
    collaborative = models.ForeignKey(
        "collaboratives.Collaborative", on_delete=models.CASCADE, related_name="measures"
    )
    team = models.ForeignKey(
        "teams.Team",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="custom_measures",
        help_text="Set for a team's own measure, seen by that team and faculty only.",
    )
    name = models.CharField(max_length=200)
    code = models.SlugField("short code", max_length=30)
    measure_type = models.CharField(
        "type", max_length=20, choices=MeasureType.choices, default=MeasureType.PROCESS
    )
    shape = models.CharField(max_length=20, choices=MeasureShape.choices)
    unit = models.CharField(max_length=40, blank=True, help_text="e.g. days, children, %")
    rate_per = models.PositiveIntegerField(
        null=True, blank=True, help_text="For a rate: per how many (e.g. 1000 days)."
    )
    definition = models.TextField("operational definition", blank=True)
    guidance = models.TextField("data-collection guidance", blank=True)
    numerator_label = models.CharField(max_length=200, blank=True)
    denominator_label = models.CharField(max_length=200, blank=True)
    direction = models.CharField(max_length=10, choices=Direction.choices, default=Direction.UP)
    goal = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    is_required = models.BooleanField(default=True)
    default_chart = models.CharField(
        max_length=10, choices=ChartType.choices, default=ChartType.RUN
    )
    order = models.PositiveSmallIntegerField(default=0)
    archived_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["collaborative", "code"], name="measure_code_unique"),
            models.CheckConstraint(
                condition=~Q(shape="rate") | Q(rate_per__isnull=False),
                name="measure_rate_has_per",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_ratio(self) -> bool:
        return self.shape in RATIO_SHAPES

    @property
    def is_custom(self) -> bool:
        return self.team_id is not None


class TeamGoal(models.Model):
    """A team's own goal for a collaborative measure, where it differs from the collaborative's."""

    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE)
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="team_goals")
    team = models.ForeignKey("teams.Team", on_delete=models.CASCADE, related_name="measure_goals")
    goal = models.DecimalField(max_digits=14, decimal_places=4)

    objects = ScopedManager(organization="organization")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["measure", "team"], name="team_goal_unique")]

    def __str__(self) -> str:
        return f"{self.team}: {self.measure} goal {self.goal}"
