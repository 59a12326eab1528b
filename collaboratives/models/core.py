"""The collaborative, its aim goals and its leadership (chairs, faculty, staff)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django_scopes import ScopedManager

from teams.roles import TeamRole


class Kind(models.TextChoices):
    NATIONAL = "national", "National"
    REGIONAL = "regional", "Regional"


class Status(models.TextChoices):
    PREWORK = "prework", "Pre-work"
    ACTIVE = "active", "Active"
    OUTCOMES = "outcomes", "Outcomes"
    CLOSED = "closed", "Closed"


class DataSharing(models.TextChoices):
    NAMED = "named", "Teams see each other's data with team names"
    ANONYMIZED = "anonymized", "Teams see each other's data without names"
    NONE = "none", "Teams see only their own data"


class RunChartRules(models.TextChoices):
    IHI = "ihi", "IHI rules"
    ANHOJ = "anhoj", "Anhøj rules"


# What the kind pre-fills (shared/docs/domain.md, "Two kinds of collaborative").
# Every value stays editable on the collaborative itself.
KIND_DEFAULTS: dict[str, dict[str, object]] = {
    Kind.NATIONAL: {
        "target_team_count": 12,
        "min_team_size": 5,
        "max_team_size": 10,
        "required_roles": {
            TeamRole.AGENCY_ADMINISTRATOR: 1,
            TeamRole.CLINICAL_SUPERVISOR: 1,
            TeamRole.CLINICIAN: 2,
        },
        "chair_count": 2,
        "faculty_count": 8,
    },
    Kind.REGIONAL: {
        "target_team_count": 4,
        "min_team_size": 4,
        "max_team_size": 10,
        "required_roles": {TeamRole.CLINICAL_SUPERVISOR: 1},
        "chair_count": 0,
        "faculty_count": 2,
    },
}


class Collaborative(models.Model):
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="collaboratives"
    )
    name = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=60, help_text="Short name used in web addresses, for example tf-cbt-2027."
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.NATIONAL)
    topic = models.CharField(max_length=200, blank=True)
    aim_statement = models.TextField(
        blank=True,
        help_text="What the teams will accomplish, by how much and by when.",
    )
    aim_target_date = models.DateField(null=True, blank=True)
    prework_start_date = models.DateField(
        null=True, blank=True, help_text="When pre-work starts; it ends at the first session."
    )
    start_date = models.DateField()
    end_date = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PREWORK)
    archived_at = models.DateTimeField(null=True, blank=True)
    data_sharing = models.CharField(
        "data sharing between teams",
        max_length=20,
        choices=DataSharing.choices,
        default=DataSharing.NAMED,
    )
    run_chart_rules = models.CharField(
        max_length=20, choices=RunChartRules.choices, default=RunChartRules.IHI
    )
    # Monthly reports (measures issue): due on this day of the following month.
    report_due_day = models.PositiveSmallIntegerField(
        default=15, validators=[MinValueValidator(1), MaxValueValidator(28)]
    )
    reminder_days_before = models.PositiveSmallIntegerField(
        default=3, help_text="Days before the due date that the first reminder goes out."
    )
    overdue_reminder_count = models.PositiveSmallIntegerField(
        default=3, help_text="Weekly reminders after the due date, at most."
    )
    escalation_after_days = models.PositiveSmallIntegerField(
        default=7,
        help_text="Days after the due date when the senior leader and faculty get a copy.",
    )
    report_lock_after_days = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Days after the due date when a month's reports lock; empty: never.",
    )
    # Composition rules, pre-filled from the kind (KIND_DEFAULTS).
    target_team_count = models.PositiveSmallIntegerField(default=12)
    min_team_size = models.PositiveSmallIntegerField(default=5)
    max_team_size = models.PositiveSmallIntegerField(default=10)
    required_roles = models.JSONField(
        default=dict,
        blank=True,
        help_text='Least number of members per team role, e.g. {"clinician": 2}.',
    )
    chair_count = models.PositiveSmallIntegerField(default=2)
    faculty_count = models.PositiveSmallIntegerField(default=8)
    copied_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["-start_date", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "slug"], name="collaborative_slug_unique"
            ),
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="collaborative_dates_ordered"
            ),
            models.CheckConstraint(
                condition=Q(report_due_day__gte=1, report_due_day__lte=28),
                name="collaborative_due_day_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class AimGoal(models.Model):
    """A numeric goal of the aim, e.g. "days from referral to first visit: 30 -> 10"."""

    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE)
    collaborative = models.ForeignKey(Collaborative, on_delete=models.CASCADE, related_name="goals")
    description = models.CharField(max_length=300)
    baseline = models.DecimalField(max_digits=12, decimal_places=3, null=True, blank=True)
    target = models.DecimalField(max_digits=12, decimal_places=3)
    unit = models.CharField(max_length=40, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.description


class LeadershipRole(models.TextChoices):
    CHAIR = "chair", "Chair"
    FACULTY = "faculty", "Faculty"
    STAFF = "staff", "Staff"


class CollaborativeRole(models.Model):
    """A chair, faculty member or staff member of one collaborative."""

    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE)
    collaborative = models.ForeignKey(
        Collaborative, on_delete=models.CASCADE, related_name="leadership"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="collaborative_roles"
    )
    role = models.CharField(max_length=20, choices=LeadershipRole.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["role", "user__full_name", "user__email"]
        constraints = [
            models.UniqueConstraint(
                fields=["collaborative", "user", "role"], name="collaborative_role_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}) in {self.collaborative}"
