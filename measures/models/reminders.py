"""The reminder log: one row per (report, kind, recipient, occurrence), sent exactly once.

The sweep creates rows with ``get_or_create`` (the unique constraint makes a
second sweep find the same row); the sender *claims* a row with a conditional
update from pending (or a stale sending claim) to sending, and only the one
that changed a row sends; it then records sent or failed. See style.md 3.5.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django_scopes import ScopedManager


class ReminderKind(models.TextChoices):
    BEFORE_DUE = "before_due", "Before the due date"
    DUE = "due", "On the due date"
    OVERDUE = "overdue", "After the due date"
    ESCALATION = "escalation", "Escalation to the senior leader and faculty"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    SKIPPED = "skipped", "Not needed any more"


class Reminder(models.Model):
    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE)
    report = models.ForeignKey(
        "measures.MonthlyReport", on_delete=models.CASCADE, related_name="reminders"
    )
    team = models.ForeignKey("teams.Team", on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=20, choices=ReminderKind.choices)
    # Which repetition: the n-th weekly overdue reminder; 0 for the others.
    occurrence = models.PositiveSmallIntegerField(default=0)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    email = models.EmailField()
    status = models.CharField(
        max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    due_at = models.DateTimeField(help_text="When the sweep found it due.")
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "kind", "email", "occurrence"], name="reminder_once"
            )
        ]
        indexes = [models.Index(fields=["status", "claimed_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.email} for {self.report}"


class DigestDelivery(models.Model):
    """The weekly digest to one faculty member or staff of one collaborative, sent once a week."""

    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE)
    collaborative = models.ForeignKey(
        "collaboratives.Collaborative", on_delete=models.CASCADE, related_name="digests"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    week_start = models.DateField(help_text="The Monday of the week the digest covers.")
    status = models.CharField(
        max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    objects = ScopedManager(organization="organization")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["collaborative", "recipient", "week_start"], name="digest_once"
            )
        ]

    def __str__(self) -> str:
        return f"Digest of {self.collaborative} for {self.recipient} ({self.week_start})"
