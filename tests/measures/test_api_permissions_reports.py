"""The API permission matrix of monthly reports (pretix style).

Every route of ``measures/api/reports_urls.py`` x method x persona -> status.
Personas: alice (org admin = staff), bob (member of the organization on no
roster), lead (the team's day-to-day leader), member (a clinician on the
team), faculty, carol (the outsider, org B) and an anonymous caller. A report
a caller may not see is 404, as if it did not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import reverse
from django_scopes import scope, scopes_disabled
from rest_framework.test import APIClient

from measures.api import reports_urls
from measures.models import MetricValue, MonthlyReport
from measures.services import reports as services
from tests.api_routes import api_endpoints
from tests.factories import CollaborativeFactory, TeamFactory
from tests.measures.reports_support import FULL_VALUES, MARCH, make_world

pytestmark = pytest.mark.django_db

PERSONAS = ("alice", "bob", "lead", "member", "faculty", "carol", "anonymous")

READ = (200, 200, 200, 200, 200, 404, 401)
TEAM_READ = (200, 404, 200, 200, 200, 404, 401)
EDIT = (200, 404, 200, 200, 403, 404, 401)
SUBMIT = (200, 404, 200, 403, 403, 404, 401)
REVIEW = (200, 404, 403, 403, 200, 404, 401)
STAFF = (200, 404, 403, 403, 403, 404, 401)
BULK = (200, 403, 200, 200, 403, 404, 401)

BULK_BODY = {"month": "2026-04", "values": [{"measure": "dropouts", "value": 1}]}


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    state: str
    expected: tuple[int, ...]
    body: dict[str, Any] | None = None

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.name} ({self.state})"


MATRIX = [
    Case("api:report-list", "get", "draft", READ),
    Case("api:report-detail", "get", "draft", TEAM_READ),
    Case("api:report-detail", "patch", "draft", EDIT, {"version": 1, "tested": "Reminder calls"}),
    Case("api:report-submit", "post", "draft", SUBMIT),
    Case("api:report-return-report", "post", "submitted", REVIEW, {"feedback": "More, please"}),
    Case("api:report-accept", "post", "submitted", REVIEW),
    Case("api:report-reopen", "post", "accepted", REVIEW),
    Case("api:report-unlock", "post", "draft", STAFF, {"days": 3}),
    Case("api:team-values", "post", "draft", BULK, BULK_BODY),
]


@pytest.fixture
def world(org_a, alice, bob, carol):
    return make_world(org_a)


def _client(world, persona, request) -> APIClient:
    client = APIClient()
    users = {
        "alice": lambda: request.getfixturevalue("alice"),
        "bob": lambda: request.getfixturevalue("bob"),
        "carol": lambda: request.getfixturevalue("carol"),
        "lead": lambda: world.lead,
        "member": lambda: world.member,
        "faculty": lambda: world.faculty,
    }
    if persona != "anonymous":
        client.force_login(users[persona]())
    return client


def _report_in(world, state: str) -> MonthlyReport:
    with scope(organization=world.organization):
        world.team.collaborative = world.collaborative
        report = services.report_get_or_create(team=world.team, month=MARCH)
        report = services.report_save(
            report=report, version=0, values=FULL_VALUES, actor=world.lead
        ).report
        if state in ("submitted", "accepted"):
            report = services.report_submit(report=report, actor=world.lead)
        if state == "accepted":
            report = services.report_accept(report=report, actor=world.faculty)
    return report


def _url(world, case: Case, report: MonthlyReport) -> str:
    kwargs: dict[str, Any] = {"org": "org-a", "collab": world.collaborative.slug}
    if case.name == "api:team-values":
        kwargs["team"] = world.team.pk
    elif case.name != "api:report-list":
        kwargs["pk"] = report.pk
    return reverse(case.name, kwargs=kwargs)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("case", MATRIX, ids=str)
def test_permission_matrix(request, world, case: Case, persona: str):
    report = _report_in(world, case.state)
    client = _client(world, persona, request)

    response = getattr(client, case.method)(_url(world, case, report), case.body, format="json")

    assert response.status_code == case.expected[PERSONAS.index(persona)], response.content


def test_the_matrix_covers_every_route_of_the_reports_api():
    routed = set(api_endpoints(reports_urls.urlpatterns))

    assert routed == {(case.name, case.method) for case in MATRIX}


# --- Cross-tenant: org B's reports addressed under org A ------------------------------


@pytest.mark.parametrize(
    ("name", "method", "body"),
    [
        ("api:report-detail", "get", None),
        ("api:report-detail", "patch", {"version": 1, "tested": "Taken over"}),
        ("api:report-submit", "post", None),
        ("api:report-return-report", "post", {"feedback": "x"}),
        ("api:report-accept", "post", None),
        ("api:report-reopen", "post", None),
        ("api:report-unlock", "post", {"days": 3}),
        ("api:team-values", "post", BULK_BODY),
    ],
)
def test_org_bs_reports_are_not_found_under_org_a(request, world, org_b, name, method, body):
    other = make_world(org_b)
    report = _report_in(other, "draft")
    kwargs: dict[str, Any] = {"org": "org-a", "collab": world.collaborative.slug}
    if name == "api:team-values":
        kwargs["team"] = other.team.pk
    else:
        kwargs["pk"] = report.pk
    client = _client(world, "alice", request)

    response = getattr(client, method)(reverse(name, kwargs=kwargs), body, format="json")

    assert response.status_code == 404
    with scopes_disabled():
        unchanged = MonthlyReport.objects.get(pk=report.pk)
        assert (unchanged.status, unchanged.version, unchanged.tested) == ("draft", 1, "")
        assert not MetricValue.objects.filter(team=other.team, month__month=4).exists()


def test_a_team_of_another_collaborative_is_not_found(request, world, org_a):
    with scopes_disabled():
        other = TeamFactory(collaborative=CollaborativeFactory(organization=org_a, slug="other"))
    url = reverse(
        "api:team-values",
        kwargs={"org": "org-a", "collab": world.collaborative.slug, "team": other.pk},
    )

    response = _client(world, "alice", request).post(url, BULK_BODY, format="json")

    assert response.status_code == 404
