"""Applications: a window with questions and a scored readiness assessment, and the applications."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django_scopes import ScopedManager


class ApplicationWindow(models.Model):
    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE)
    collaborative = models.OneToOneField(
        "collaboratives.Collaborative", on_delete=models.CASCADE, related_name="application_window"
    )
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    instructions = models.TextField(blank=True)

    objects = ScopedManager(organization="organization")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")), name="application_window_ordered"
            )
        ]

    def __str__(self) -> str:
        return f"Applications to {self.collaborative}"


class ApplicationQuestion(models.Model):
    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE)
    window = models.ForeignKey(
        ApplicationWindow, on_delete=models.CASCADE, related_name="questions"
    )
    text = models.CharField(max_length=500)
    help_text = models.CharField(max_length=500, blank=True)
    is_required = models.BooleanField(default=True)
    order = models.PositiveSmallIntegerField(default=0)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.text


class ReadinessItem(models.Model):
    """A statement the applicant scores from 1 to ``max_score`` (e.g. "leaders give staff time")."""

    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE)
    window = models.ForeignKey(
        ApplicationWindow, on_delete=models.CASCADE, related_name="readiness_items"
    )
    statement = models.CharField(max_length=500)
    max_score = models.PositiveSmallIntegerField(default=5)
    order = models.PositiveSmallIntegerField(default=0)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.statement


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", "Submitted"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Application(models.Model):
    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE)
    collaborative = models.ForeignKey(
        "collaboratives.Collaborative", on_delete=models.CASCADE, related_name="applications"
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    team_name = models.CharField(max_length=200)
    site_name = models.CharField("site or organization name", max_length=200, blank=True)
    is_member_site = models.BooleanField("member site of the sponsor", default=True)
    status = models.CharField(
        max_length=20, choices=ApplicationStatus.choices, default=ApplicationStatus.SUBMITTED
    )
    # {question id: answer} and {readiness item id: score}, as submitted.
    answers = models.JSONField(default=dict, blank=True)
    readiness = models.JSONField(default=dict, blank=True)
    readiness_score = models.PositiveIntegerField(default=0)
    submitted_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decision_note = models.TextField(blank=True)
    team = models.OneToOneField(
        "teams.Team", on_delete=models.SET_NULL, null=True, blank=True, related_name="application"
    )

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["-submitted_at"]

    def __str__(self) -> str:
        return f"Application of {self.team_name}"


class ApplicationMember(models.Model):
    """A person on the proposed roster; becomes a ``TeamMember`` when the team is accepted."""

    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE)
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="proposed_members"
    )
    full_name = models.CharField(max_length=150)
    email = models.EmailField("e-mail address", blank=True)
    phone = models.CharField(max_length=40, blank=True)
    job_title = models.CharField(max_length=150, blank=True)
    roles = models.JSONField(default=list, help_text="Team roles, as in teams.roles.TeamRole.")

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.full_name
