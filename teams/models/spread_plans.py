"""A team's spread plan: how what worked in the pilot reaches the rest of its organization."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django_scopes import ScopedManager

# The spread questions, in the order a plan answers them: (field, question).
SPREAD_QUESTIONS: tuple[tuple[str, str], ...] = (
    ("what", "What will be spread?"),
    ("to_whom", "To whom: which units, sites or people?"),
    ("expected_improvement", "What level of improvement do you expect?"),
    ("target_date", "By when?"),
    ("learning_transfer", "How will what you learned move from the pilot to the rest?"),
)


class SpreadPlan(models.Model):
    """One per team; its leads write it, the team, faculty and staff read it."""

    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE)
    collaborative = models.ForeignKey(
        "collaboratives.Collaborative", on_delete=models.CASCADE, related_name="spread_plans"
    )
    team = models.OneToOneField("teams.Team", on_delete=models.CASCADE, related_name="spread_plan")
    what = models.TextField("what will be spread", blank=True)
    to_whom = models.TextField("to whom", blank=True)
    expected_improvement = models.TextField("expected level of improvement", blank=True)
    target_date = models.DateField("by when", null=True, blank=True)
    learning_transfer = models.TextField("how learning moves from the pilot", blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["team_id"]

    def __str__(self) -> str:
        return f"Spread plan of team {self.team_id}"

    @property
    def is_empty(self) -> bool:
        return not any(
            (
                self.what,
                self.to_whom,
                self.expected_improvement,
                self.target_date,
                self.learning_transfer,
            )
        )

    def clean(self) -> None:
        if self.team_id and self.organization_id != self.team.organization_id:
            raise ValidationError("The plan's organization must be its team's.")
