"""The schedule: learning sessions, action periods between them, calls and attendance."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django_scopes import ScopedManager

from collaboratives.models.core import Collaborative
from teams.roles import TeamRole


class LearningSession(models.Model):
    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE)
    collaborative = models.ForeignKey(
        Collaborative, on_delete=models.CASCADE, related_name="learning_sessions"
    )
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    start_date = models.DateField()
    end_date = models.DateField(
        help_text="Usually the day after the start: sessions last two days."
    )
    location = models.CharField("place", max_length=300, blank=True)
    video_url = models.URLField("video link", blank=True)
    host_team = models.ForeignKey(
        "teams.Team", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    agenda = models.TextField(blank=True)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["start_date", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["collaborative", "number"], name="learning_session_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="learning_session_dates_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"Learning Session {self.number}: {self.title}"


class SessionMaterial(models.Model):
    """A file or a link handed out for a learning session (slides, worksheets)."""

    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE)
    session = models.ForeignKey(LearningSession, on_delete=models.CASCADE, related_name="materials")
    title = models.CharField(max_length=200)
    file = models.FileField(upload_to="materials/%Y/%m/", blank=True)
    url = models.URLField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title


class ActionPeriod(models.Model):
    """The time between two learning sessions (or after the last one).

    Derived from the sessions by ``schedule.action_periods_refresh``; staff may
    edit the dates and the focus, after which ``is_customized`` keeps their edit.
    """

    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE)
    collaborative = models.ForeignKey(
        Collaborative, on_delete=models.CASCADE, related_name="action_periods"
    )
    number = models.PositiveSmallIntegerField()
    start_date = models.DateField()
    end_date = models.DateField()
    focus = models.TextField(blank=True)
    is_customized = models.BooleanField(default=False)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["start_date", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["collaborative", "number"], name="action_period_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="action_period_dates_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"Action Period {self.number}"


class CallKind(models.TextChoices):
    ALL_TEAM = "all_team", "All-team call"
    SENIOR_LEADER = "senior_leader", "Senior-leader call"
    AFFINITY = "affinity", "Affinity-group call"
    COACHING = "coaching", "Coaching call"


class CallSeries(models.Model):
    """A recurring call, e.g. "every second Tuesday of the month at 15:00 for an hour"."""

    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE)
    collaborative = models.ForeignKey(
        Collaborative, on_delete=models.CASCADE, related_name="call_series"
    )
    kind = models.CharField(max_length=20, choices=CallKind.choices, default=CallKind.ALL_TEAM)
    title = models.CharField(max_length=200)
    affinity_role = models.CharField(
        max_length=30,
        choices=TeamRole.choices,
        blank=True,
        help_text="For an affinity-group call: the team role it gathers.",
    )
    # 1-4: the n-th weekday of the month; 5: the last one.
    week_of_month = models.PositiveSmallIntegerField(default=2)
    weekday = models.PositiveSmallIntegerField(default=1, help_text="0 is Monday, 6 is Sunday.")
    start_time = models.TimeField()
    duration_minutes = models.PositiveSmallIntegerField(default=60)
    first_date = models.DateField()
    last_date = models.DateField()
    video_url = models.URLField("video link", blank=True)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["kind", "title"]
        verbose_name_plural = "call series"
        constraints = [
            models.CheckConstraint(
                condition=Q(last_date__gte=F("first_date")), name="call_series_dates_ordered"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Call(models.Model):
    """One call: an occurrence of a series, or a one-off."""

    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE)
    collaborative = models.ForeignKey(Collaborative, on_delete=models.CASCADE, related_name="calls")
    series = models.ForeignKey(
        CallSeries, on_delete=models.CASCADE, null=True, blank=True, related_name="calls"
    )
    kind = models.CharField(max_length=20, choices=CallKind.choices, default=CallKind.ALL_TEAM)
    affinity_role = models.CharField(max_length=30, choices=TeamRole.choices, blank=True)
    title = models.CharField(max_length=200)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    video_url = models.URLField("video link", blank=True)
    notes = models.TextField(blank=True)
    is_cancelled = models.BooleanField(default=False)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="call_ends_after_start"
            )
        ]
        indexes = [models.Index(fields=["collaborative", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.title} ({self.starts_at:%Y-%m-%d})"


class CallAttendance(models.Model):
    """Whether one roster member was on one call. A team attended if any of its members did."""

    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE)
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(
        "teams.TeamMember", on_delete=models.CASCADE, related_name="call_attendance"
    )
    team = models.ForeignKey("teams.Team", on_delete=models.CASCADE, related_name="call_attendance")
    attended = models.BooleanField(default=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(organization="organization")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["call", "member"], name="call_attendance_unique")
        ]

    def __str__(self) -> str:
        return f"{self.member} {'on' if self.attended else 'missed'} {self.call}"


def _feed_token() -> str:
    return secrets.token_urlsafe(24)


class CalendarFeed(models.Model):
    """A private iCalendar feed URL of one user in one organization.

    Calendar programs cannot sign in, so the token in the URL is the credential;
    the user can make a new one, which kills the old URL.
    """

    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    token = models.CharField(max_length=64, unique=True, default=_feed_token)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(organization="organization")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "user"], name="calendar_feed_unique")
        ]

    def __str__(self) -> str:
        return f"Calendar feed of {self.user}"
