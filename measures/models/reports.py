"""Monthly reports, their values, and the history that keeps every earlier version."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django_scopes import ScopedManager


class ReportStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    RETURNED = "returned", "Returned for revision"
    ACCEPTED = "accepted", "Accepted"


class MonthlyReport(models.Model):
    """One team's report for one month (``month`` is the first day of that month).

    ``version`` grows with every save; a writer who read an older version gets a
    conflict instead of overwriting someone else's change.
    """

    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE)
    collaborative = models.ForeignKey(
        "collaboratives.Collaborative", on_delete=models.CASCADE, related_name="reports"
    )
    team = models.ForeignKey("teams.Team", on_delete=models.CASCADE, related_name="reports")
    month = models.DateField(help_text="The first day of the month reported on.")
    status = models.CharField(
        max_length=20, choices=ReportStatus.choices, default=ReportStatus.NOT_STARTED
    )
    tested = models.TextField("what we tested", blank=True)
    learned = models.TextField("what we learned", blank=True)
    help_needed = models.TextField("where we need help", blank=True)
    next_steps = models.TextField("what comes next", blank=True)
    version = models.PositiveIntegerField(default=0)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    feedback = models.TextField(blank=True, help_text="Faculty feedback the team sees.")
    # Staff may lock a month some days after its due date and unlock it per team.
    unlocked_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["-month", "team__name"]
        constraints = [
            models.UniqueConstraint(fields=["team", "month"], name="monthly_report_unique"),
            models.CheckConstraint(condition=Q(month__day=1), name="monthly_report_first_of_month"),
        ]
        indexes = [models.Index(fields=["collaborative", "month"])]

    def __str__(self) -> str:
        return f"{self.team} {self.month:%B %Y}"


class ReportEvent(models.Model):
    """What happened to a report: submitted, returned with feedback, accepted, reopened."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", "Submitted"
        RETURNED = "returned", "Returned for revision"
        ACCEPTED = "accepted", "Accepted"
        REOPENED = "reopened", "Reopened"
        UNLOCKED = "unlocked", "Unlocked"

    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE)
    report = models.ForeignKey(MonthlyReport, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.report}: {self.get_kind_display()}"


class MetricValue(models.Model):
    """One measure's value in one team's monthly report."""

    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE)
    report = models.ForeignKey(MonthlyReport, on_delete=models.CASCADE, related_name="values")
    team = models.ForeignKey("teams.Team", on_delete=models.CASCADE, related_name="+")
    measure = models.ForeignKey("measures.Measure", on_delete=models.CASCADE, related_name="values")
    month = models.DateField()
    numerator = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    denominator = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    value = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    not_available = models.BooleanField(default=False)
    not_available_reason = models.CharField(max_length=300, blank=True)
    comment = models.CharField(max_length=500, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["month", "measure__order"]
        constraints = [
            models.UniqueConstraint(fields=["report", "measure"], name="metric_value_unique"),
        ]
        indexes = [models.Index(fields=["organization", "measure", "team", "month"])]

    def __str__(self) -> str:
        return f"{self.measure} {self.month:%Y-%m} {self.team}"


class ValueChange(models.Model):
    """Every change of a value: who, when, from what, to what. Never edited, never deleted."""

    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE)
    value = models.ForeignKey(MetricValue, on_delete=models.CASCADE, related_name="changes")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)
    # {"numerator": "3", "denominator": "10", "value": null, "not_available": false, ...}
    old = models.JSONField(default=dict)
    new = models.JSONField(default=dict)
    source = models.CharField(
        max_length=20, default="form", help_text="form, api, import, or bulk."
    )

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        return f"Change of {self.value} at {self.changed_at:%Y-%m-%d %H:%M}"
