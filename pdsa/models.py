"""PDSA cycles: a team's small tests of change, their stages, files and history.

A cycle belongs to one team, tests one change idea of the collaborative's
change package (or "other", with a note) and names the measures it expects to
move. A cycle may build on an earlier one of the same team: following
``builds_on`` gives the ramp, from a small first test to wider ones.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django_scopes import ScopedManager


class CycleStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    RUNNING = "running", "Running (Do)"
    STUDYING = "studying", "Studying"
    DONE = "done", "Done"


# Where each status sits on the way through a cycle.
STATUS_ORDER = {
    CycleStatus.PLANNED: 0,
    CycleStatus.RUNNING: 1,
    CycleStatus.STUDYING: 2,
    CycleStatus.DONE: 3,
}


class Decision(models.TextChoices):
    ADOPT = "adopt", "Adopt"
    ADAPT = "adapt", "Adapt"
    ABANDON = "abandon", "Abandon"


class AsPlanned(models.TextChoices):
    YES = "yes", "Yes"
    PARTLY = "partly", "Partly"
    NO = "no", "No"


class PDSACycle(models.Model):
    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE)
    collaborative = models.ForeignKey(
        "collaboratives.Collaborative", on_delete=models.CASCADE, related_name="pdsa_cycles"
    )
    team = models.ForeignKey("teams.Team", on_delete=models.CASCADE, related_name="pdsa_cycles")
    change_idea = models.ForeignKey(
        "collaboratives.ChangeIdea",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="pdsa_cycles",
    )
    other_idea_note = models.CharField(
        "other idea", max_length=300, blank=True, help_text="When the test is not in the package."
    )
    measures = models.ManyToManyField("measures.Measure", blank=True, related_name="pdsa_cycles")
    builds_on = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="next_cycles",
        help_text="The earlier cycle this one builds on (its ramp).",
    )
    title = models.CharField(max_length=200)

    # Plan
    objective = models.TextField(blank=True)
    questions = models.TextField(blank=True)
    predictions = models.TextField(blank=True)
    who = models.CharField(max_length=300, blank=True)
    what = models.TextField(blank=True)
    where = models.CharField(max_length=300, blank=True)
    when_text = models.CharField("when", max_length=300, blank=True)
    planned_start = models.DateField(null=True, blank=True)
    planned_end = models.DateField(null=True, blank=True)
    scale = models.CharField(
        "scale of the test", max_length=200, blank=True, help_text="e.g. one clinician, one day"
    )
    data_to_collect = models.TextField(blank=True)

    # Do
    carried_out_as_planned = models.CharField(max_length=10, choices=AsPlanned.choices, blank=True)
    observations = models.TextField(blank=True)
    problems = models.TextField(blank=True)

    # Study
    results = models.TextField("results against the predictions", blank=True)
    learned = models.TextField("what we learned", blank=True)

    # Act
    decision = models.CharField(max_length=10, choices=Decision.choices, blank=True)
    next_steps = models.TextField(blank=True)

    status = models.CharField(
        max_length=10, choices=CycleStatus.choices, default=CycleStatus.PLANNED
    )
    started_on = models.DateField(null=True, blank=True)
    finished_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "collaborative", "team"]),
            models.Index(fields=["team", "started_on"]),
        ]
        verbose_name = "PDSA cycle"

    def __str__(self) -> str:
        return self.title

    @property
    def idea_label(self) -> str:
        if self.change_idea_id:
            return self.change_idea.title
        return f"Other: {self.other_idea_note}" if self.other_idea_note else "No change idea"

    @property
    def chart_date(self):
        return self.started_on or self.planned_start

    @property
    def is_open(self) -> bool:
        return self.status != CycleStatus.DONE


class PDSAAttachment(models.Model):
    """A file kept with a cycle (a data sheet, a photo of a run chart): a PDF or an image."""

    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE)
    cycle = models.ForeignKey(PDSACycle, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="pdsa/%Y/%m/")
    file_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(default=0)
    description = models.CharField(max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.file_name


class PDSACycleChange(models.Model):
    """Who changed which part of a cycle, when, from what to what (append-only)."""

    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE)
    cycle = models.ForeignKey(PDSACycle, on_delete=models.CASCADE, related_name="changes")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)
    stage = models.CharField(max_length=20)
    old = models.JSONField(default=dict, blank=True)
    new = models.JSONField(default=dict, blank=True)
    source = models.CharField(max_length=10, default="form")

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.cycle}: {self.stage} at {self.changed_at:%Y-%m-%d %H:%M}"

    @property
    def fields(self) -> list[str]:
        return sorted(set(self.old) | set(self.new))
