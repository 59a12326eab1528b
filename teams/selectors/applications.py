"""Reads for the application pages and endpoints, with the joins that keep query counts flat.

The review queue loads every application with its applicant and proposed
roster in three queries, whatever their number, and works out the readiness
percentage and the composition warnings in Python from what it loaded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone

from teams.composition import composition_warnings, rules_for, rules_summary
from teams.models import (
    Application,
    ApplicationMember,
    ApplicationQuestion,
    ApplicationStatus,
    ApplicationWindow,
    ReadinessItem,
)

if TYPE_CHECKING:
    from accounts.models import User
    from collaboratives.models import Collaborative

SORTS = {
    "submitted": "Newest first",
    "score": "Highest readiness first",
    "name": "Team name",
}


def application_window_for(
    collaborative: Collaborative, *, with_form: bool = True
) -> ApplicationWindow | None:
    """The window; ``with_form``: with its questions and statements in form order
    (three queries instead of one)."""
    windows = ApplicationWindow.objects.filter(collaborative=collaborative)
    if with_form:
        windows = windows.prefetch_related(
            Prefetch("questions", queryset=ApplicationQuestion.objects.order_by("order", "id")),
            Prefetch("readiness_items", queryset=ReadinessItem.objects.order_by("order", "id")),
        )
    window = windows.first()
    if window is not None:
        window.collaborative = collaborative
    return window


def window_is_open(window: ApplicationWindow | None) -> bool:
    if window is None or window.collaborative.archived_at is not None:
        return False
    return window.opens_at <= timezone.now() < window.closes_at


@dataclass(frozen=True)
class Readiness:
    score: int
    max_score: int

    @property
    def percent(self) -> int | None:
        if not self.max_score:
            return None
        return round(100 * self.score / self.max_score)


def readiness_of(application: Application) -> Readiness:
    """Sum and maximum of the scores as submitted (the scale then, not today's)."""
    score = maximum = 0
    for entry in (application.readiness or {}).values():
        if isinstance(entry, dict):
            score += int(entry.get("score") or 0)
            maximum += int(entry.get("max_score") or 0)
    return Readiness(score=score, max_score=maximum)


def _entries(stored: Any) -> list[tuple[int, dict[str, Any]]]:
    """``(id, entry)`` of stored answers or scores, in the form's order when submitted."""
    entries = [
        (int(key), entry)
        for key, entry in (stored or {}).items()
        if isinstance(entry, dict) and str(key).isdigit()
    ]
    entries.sort(key=lambda pair: (pair[1].get("position", 0), pair[0]))
    return entries


def answers_of(application: Application) -> list[dict[str, Any]]:
    """``[{"question_id", "question", "answer"}]`` with the wording the applicant answered."""
    return [
        {
            "question_id": key,
            "question": entry.get("question", ""),
            "answer": entry.get("answer", ""),
        }
        for key, entry in _entries(application.answers)
    ]


def scores_of(application: Application) -> list[dict[str, Any]]:
    """``[{"item_id", "statement", "score", "max_score"}]`` as the applicant scored them."""
    return [
        {
            "item_id": key,
            "statement": entry.get("statement", ""),
            "score": entry.get("score"),
            "max_score": entry.get("max_score"),
        }
        for key, entry in _entries(application.readiness)
    ]


def warnings_for(application: Application, collaborative: Collaborative) -> list[str]:
    """Composition warnings for the proposed roster (uses the prefetched people)."""
    return composition_warnings(
        rules=rules_for(collaborative),
        members=[person.roles or [] for person in application.proposed_members.all()],
    )


def roster_warnings(collaborative: Collaborative, members: list[list[str]]) -> list[str]:
    """Composition warnings for a roster being filled in (the apply form's check)."""
    return composition_warnings(rules=rules_for(collaborative), members=members)


def team_rules(collaborative: Collaborative) -> str:
    """What the collaborative asks of each team, in one sentence (for applicants)."""
    return rules_summary(rules_for(collaborative))


def applications_with_roster(collaborative: Collaborative) -> QuerySet[Application]:
    """Applications to ``collaborative`` with their applicant, decider, team and roster."""
    return (
        Application.objects.filter(collaborative=collaborative)
        .select_related("applicant", "decided_by", "team")
        .prefetch_related(
            Prefetch("proposed_members", queryset=ApplicationMember.objects.order_by("id"))
        )
    )


@dataclass
class ReviewRow:
    application: Application
    readiness: Readiness
    warnings: list[str] = field(default_factory=list)


def review_queue(
    collaborative: Collaborative, *, sort: str = "submitted", status: str | None = None
) -> list[ReviewRow]:
    """The review queue: one row per application with its readiness and composition check."""
    applications = applications_with_roster(collaborative)
    if status in ApplicationStatus.values:
        applications = applications.filter(status=status)
    rows = []
    for application in applications.order_by("-submitted_at", "-id"):
        application.collaborative = collaborative
        rows.append(
            ReviewRow(
                application=application,
                readiness=readiness_of(application),
                warnings=warnings_for(application, collaborative),
            )
        )
    if sort == "score":
        rows.sort(key=lambda row: (row.readiness.percent or 0, row.readiness.score), reverse=True)
    elif sort == "name":
        rows.sort(key=lambda row: row.application.team_name.lower())
    return rows


def status_counts(collaborative: Collaborative) -> dict[str, int]:
    """How many applications are in each status (one query)."""
    counts = dict(
        Application.objects.filter(collaborative=collaborative)
        .order_by()
        .values_list("status")
        .annotate(n=Count("id"))
    )
    return {value: counts.get(value, 0) for value in ApplicationStatus.values}


def applications_of_user(collaborative: Collaborative, user: User) -> list[Application]:
    """The user's own applications to ``collaborative``, newest first."""
    return list(
        Application.objects.filter(collaborative=collaborative, applicant=user)
        .select_related("team")
        .order_by("-submitted_at", "-id")
    )
