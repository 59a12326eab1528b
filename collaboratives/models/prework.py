"""Pre-work assignments and each team's completion of them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django_scopes import ScopedManager

from collaboratives.models.core import Collaborative


class AssignmentKind(models.TextChoices):
    READING = "reading", "Reading"
    READINESS = "readiness", "Organizational readiness assessment"
    VIDEO = "video", "Training video"
    STORYBOARD = "storyboard", "Storyboard"
    OTHER = "other", "Other"


class Assignment(models.Model):
    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE)
    collaborative = models.ForeignKey(
        Collaborative, on_delete=models.CASCADE, related_name="assignments"
    )
    kind = models.CharField(max_length=20, choices=AssignmentKind.choices)
    title = models.CharField(max_length=200)
    instructions = models.TextField(blank=True)
    url = models.URLField("link", blank=True)
    due_date = models.DateField(null=True, blank=True)
    requires_upload = models.BooleanField(
        default=False, help_text="Teams hand in a file (storyboards: PDF or image)."
    )
    order = models.PositiveSmallIntegerField(default=0)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["due_date", "order", "id"]

    def __str__(self) -> str:
        return self.title


class AssignmentCompletion(models.Model):
    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE)
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="completions")
    team = models.ForeignKey(
        "teams.Team", on_delete=models.CASCADE, related_name="assignment_completions"
    )
    completed_at = models.DateTimeField()
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    file = models.FileField(upload_to="prework/%Y/%m/", blank=True)
    file_name = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    note = models.TextField(blank=True)

    objects = ScopedManager(organization="organization")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "team"], name="assignment_completion_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assignment} done by {self.team}"
