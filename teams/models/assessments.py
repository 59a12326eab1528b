"""Monthly progress assessments on the IHI Assessment Scale for Collaboratives.

Faculty score each team every month (``kind`` faculty) and the team may score
itself for the same month (``kind`` self), so gaps in perspective show. The
scale runs 0.5 to 5 in steps of 0.5; each collaborative may reword its levels
(``AssessmentScaleLevel``), created lazily from ``DEFAULT_SCALE`` the first
time someone reads or edits it.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django_scopes import ScopedManager

MIN_SCORE = Decimal("0.5")
MAX_SCORE = Decimal("5")
SCORE_STEP = Decimal("0.5")
# "Percent 4's": the share of teams at 4 or more, the classic headline of a collaborative.
HEADLINE_SCORE = Decimal("4")

# The IHI Assessment Scale for Collaboratives (with the 0.5 step some programmes add).
DEFAULT_SCALE: tuple[tuple[Decimal, str, str], ...] = (
    (Decimal("0.5"), "Intent to participate", "The organization has said it will take part."),
    (
        Decimal("1.0"),
        "Forming team",
        "Charter and team established; the team has met and named its aim.",
    ),
    (
        Decimal("1.5"),
        "Planning for the project has begun",
        "The team is organized, has discussed the aim and is planning its first tests.",
    ),
    (
        Decimal("2.0"),
        "Activity but no changes",
        "Baseline measures collected; initial cycles for team learning; no changes tested yet.",
    ),
    (
        Decimal("2.5"),
        "Changes tested but no improvement",
        "Changes are being tested with PDSA cycles; the key measures do not improve yet.",
    ),
    (
        Decimal("3.0"),
        "Modest improvement",
        "Changes tested; some improvement in process measures; key measures reported monthly.",
    ),
    (
        Decimal("3.5"),
        "Improvement",
        "Changes implemented in the pilot; improvement in some key measures toward the goals.",
    ),
    (
        Decimal("4.0"),
        "Significant improvement",
        "Changes implemented; most key measures show improvement; half the goals reached.",
    ),
    (
        Decimal("4.5"),
        "Sustainable improvement",
        "Improvement held for at least three months; spread to the rest of the organization "
        "has begun.",
    ),
    (
        Decimal("5.0"),
        "Outstanding sustainable results",
        "Every goal reached and held; the changes are part of everyday work and spreading.",
    ),
)

SCORES: tuple[Decimal, ...] = tuple(score for score, _label, _description in DEFAULT_SCALE)


def validate_score(value: Decimal | None) -> None:
    """0.5 to 5 in steps of 0.5."""
    if value is None:
        return
    if value < MIN_SCORE or value > MAX_SCORE or (value % SCORE_STEP) != 0:
        raise ValidationError("Choose a score from 0.5 to 5 in steps of 0.5.", code="invalid_score")


class AssessmentKind(models.TextChoices):
    FACULTY = "faculty", "Faculty score"
    SELF = "self", "Self-score"


class AssessmentScaleLevel(models.Model):
    """One level of a collaborative's assessment scale: its score and the words for it."""

    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE)
    collaborative = models.ForeignKey(
        "collaboratives.Collaborative", on_delete=models.CASCADE, related_name="scale_levels"
    )
    score = models.DecimalField(max_digits=2, decimal_places=1, validators=[validate_score])
    label = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["score"]
        constraints = [
            models.UniqueConstraint(
                fields=["collaborative", "score"], name="assessment_scale_level_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.score} {self.label}"


class ProgressAssessment(models.Model):
    """One score of one team for one month: faculty's, or the team's own.

    A faculty score reaches the team only once ``shared_with_team`` is set, so
    faculty may keep a draft while they discuss it; a self-score is always
    visible to faculty (that is its point). ``version`` grows on every save:
    a writer with a stale copy gets a conflict instead of overwriting.
    """

    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE)
    collaborative = models.ForeignKey(
        "collaboratives.Collaborative", on_delete=models.CASCADE, related_name="assessments"
    )
    team = models.ForeignKey("teams.Team", on_delete=models.CASCADE, related_name="assessments")
    month = models.DateField(help_text="The first day of the month assessed.")
    kind = models.CharField(max_length=10, choices=AssessmentKind.choices)
    score = models.DecimalField(max_digits=2, decimal_places=1, validators=[validate_score])
    justification = models.TextField(
        blank=True, help_text="Why this score: what the team's reports and charts show."
    )
    comments = models.TextField(blank=True, help_text="Comments on the team's work.")
    suggestions = models.TextField(blank=True, help_text="What the team could try next.")
    shared_with_team = models.BooleanField(
        default=True, help_text="Faculty scores: the team sees the score and feedback."
    )
    shared_at = models.DateTimeField(null=True, blank=True)
    notified_version = models.PositiveIntegerField(
        null=True,
        blank=True,
        editable=False,
        help_text="Faculty scores: the version the team's leads were last e-mailed about.",
    )
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["team_id", "month", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "month", "kind"], name="progress_assessment_unique"
            ),
            models.CheckConstraint(
                condition=Q(score__gte=MIN_SCORE) & Q(score__lte=MAX_SCORE),
                name="progress_assessment_score_range",
            ),
        ]
        indexes = [models.Index(fields=["organization", "collaborative", "month"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.score} for {self.team_id} in {self.month:%Y-%m}"

    @property
    def is_faculty(self) -> bool:
        return self.kind == AssessmentKind.FACULTY

    def clean(self) -> None:
        if self.team_id and self.organization_id != self.team.organization_id:
            raise ValidationError("The assessment's organization must be its team's.")
