"""The API permission matrix of progress assessments, the scale and spread plans.

Every route of ``teams/api/assessments_urls.py`` and ``spread_plans_urls.py`` x
method x persona -> status (personas in tests/teams/conftest.py: alice staff,
bob org member on no roster, dana Riverside's day-to-day leader, erin a
Riverside clinician, fay faculty, carol the outsider, anonymous). What a
caller may not see is 404, as if it did not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from teams.api import assessments_urls, spread_plans_urls
from teams.models import ProgressAssessment, SpreadPlan
from tests.api_routes import api_endpoints
from tests.factories import CollaborativeFactory, ProgressAssessmentFactory, TeamFactory
from tests.teams.conftest import PERSONAS

pytestmark = pytest.mark.django_db

# PERSONAS = ("alice", "bob", "dana", "erin", "fay", "carol", "anonymous")
READ = (200, 200, 200, 200, 200, 404, 401)
TEAM_READ = (200, 404, 200, 200, 200, 404, 401)
SCORE = (201, 400, 403, 403, 201, 404, 401)
SELF_SCORE = (201, 400, 201, 403, 403, 404, 401)
CHANGE_FACULTY = (200, 404, 403, 403, 200, 404, 401)
STAFF = (200, 403, 403, 403, 403, 404, 401)
LEADS = (200, 404, 200, 403, 403, 404, 401)


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    expected: tuple[int, ...]
    body: dict[str, Any] | None = None

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.name} {self.body or ''}"


def _scale_body() -> dict[str, Any]:
    return {"levels": [{"score": "2.5", "label": "Changes tested, measures flat"}]}


MATRIX = [
    Case("api:assessment-list", "get", READ),
    Case(
        "api:assessment-list",
        "post",
        SCORE,
        {"team": "riverside", "month": "2026-04", "kind": "faculty", "score": "3.0"},
    ),
    Case(
        "api:assessment-list",
        "post",
        SELF_SCORE,
        {"team": "riverside", "month": "2026-04", "kind": "self", "score": "3.5"},
    ),
    Case("api:assessment-detail", "get", TEAM_READ),
    Case("api:assessment-detail", "patch", CHANGE_FACULTY, {"version": 1, "score": "3.5"}),
    Case("api:assessment-scale", "get", READ),
    Case("api:assessment-scale", "put", STAFF, _scale_body()),
    Case("api:team-spread-plan", "get", TEAM_READ),
    Case("api:team-spread-plan", "put", LEADS, {"version": 0, "what": "Reminder calls"}),
]


def _url(world, case: Case, assessment) -> str:
    kwargs: dict[str, Any] = {"org": "org-a", "collab": world.collab.slug}
    if case.name == "api:assessment-detail":
        kwargs["pk"] = assessment.pk
    elif case.name == "api:team-spread-plan":
        kwargs["team"] = world.riverside.pk
    return reverse(case.name, kwargs=kwargs)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("case", MATRIX, ids=str)
def test_permission_matrix(world, api_as, case: Case, persona: str):
    assessment = ProgressAssessmentFactory(team=world.riverside, month=date(2026, 3, 1))
    body = dict(case.body) if case.body else None
    if body and body.get("team") == "riverside":
        body["team"] = world.riverside.pk

    response = getattr(api_as(persona), case.method)(
        _url(world, case, assessment), body, format="json"
    )

    assert response.status_code == case.expected[PERSONAS.index(persona)], response.content


def test_the_matrix_covers_every_route():
    routed = set(api_endpoints(assessments_urls.urlpatterns)) | set(
        api_endpoints(spread_plans_urls.urlpatterns)
    )

    assert routed == {(case.name, case.method) for case in MATRIX}


def test_a_faculty_draft_is_not_found_for_the_team(world, api_as):
    draft = ProgressAssessmentFactory(team=world.riverside, shared_with_team=False)
    url = reverse(
        "api:assessment-detail", kwargs={"org": "org-a", "collab": "tf-cbt", "pk": draft.pk}
    )

    assert api_as("dana").get(url).status_code == 404
    assert api_as("fay").get(url).status_code == 200


# --- Cross-tenant: org B's objects addressed under org A ------------------------------


def test_org_bs_score_is_not_found_under_org_a(world, api_as, org_b):
    other_team = TeamFactory(collaborative=CollaborativeFactory(organization=org_b, slug="b"))
    theirs = ProgressAssessmentFactory(team=other_team, score=Decimal("2.0"))
    url = reverse(
        "api:assessment-detail", kwargs={"org": "org-a", "collab": "tf-cbt", "pk": theirs.pk}
    )
    client = api_as("alice")

    assert client.get(url).status_code == 404
    assert client.patch(url, {"version": 1, "score": "5"}, format="json").status_code == 404
    with scopes_disabled():
        assert ProgressAssessment.objects.get(pk=theirs.pk).score == Decimal("2.0")


def test_org_bs_team_cannot_be_scored_or_planned_under_org_a(world, api_as, org_b):
    other_team = TeamFactory(collaborative=CollaborativeFactory(organization=org_b, slug="b"))
    client = api_as("alice")
    base = {"org": "org-a", "collab": "tf-cbt"}

    created = client.post(
        reverse("api:assessment-list", kwargs=base),
        {"team": other_team.pk, "month": "2026-03", "kind": "faculty", "score": "3"},
        format="json",
    )
    planned = client.put(
        reverse("api:team-spread-plan", kwargs={**base, "team": other_team.pk}),
        {"version": 0, "what": "Taken over"},
        format="json",
    )

    assert created.status_code == 400
    assert planned.status_code == 404
    with scopes_disabled():
        assert not ProgressAssessment.objects.filter(team=other_team).exists()
        assert not SpreadPlan.objects.exists()


def test_the_outsider_cannot_reach_org_as_collaborative(world, api_as):
    url = reverse("api:assessment-list", kwargs={"org": "org-a", "collab": "tf-cbt"})

    assert api_as("carol").get(url).status_code == 404
