"""A team in a collaborative and its roster."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django_scopes import ScopedManager

from teams.roles import TeamRole


class TeamStatus(models.TextChoices):
    APPLICANT = "applicant", "Applicant"
    ACTIVE = "active", "Active"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Team(models.Model):
    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE)
    collaborative = models.ForeignKey(
        "collaboratives.Collaborative", on_delete=models.CASCADE, related_name="teams"
    )
    name = models.CharField(max_length=200)
    site_name = models.CharField(
        "site or organization name", max_length=200, blank=True, help_text="The agency or clinic."
    )
    is_member_site = models.BooleanField(
        "member site of the sponsor",
        default=True,
        help_text="Non-member organizations may join as partners.",
    )
    status = models.CharField(max_length=20, choices=TeamStatus.choices, default=TeamStatus.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["collaborative", "name"], name="team_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class TeamMember(models.Model):
    """A person on a team's roster. ``user`` is set once they have an account."""

    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE)
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="team_memberships",
    )
    full_name = models.CharField(max_length=150)
    email = models.EmailField("e-mail address", blank=True)
    phone = models.CharField(max_length=40, blank=True)
    job_title = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["full_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "email"],
                condition=~Q(email=""),
                name="team_member_email_unique",
            )
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def has_account(self) -> bool:
        return self.user_id is not None


class TeamMemberRole(models.Model):
    """One of a roster member's team roles; a member may hold several."""

    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE)
    member = models.ForeignKey(TeamMember, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(max_length=30, choices=TeamRole.choices)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["role"]
        constraints = [
            models.UniqueConstraint(fields=["member", "role"], name="team_member_role_unique")
        ]

    def __str__(self) -> str:
        return self.get_role_display()
