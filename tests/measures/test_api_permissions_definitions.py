"""Permission matrix of the measures and values API: endpoint x method x persona -> status.

Personas: alice (org admin: staff), fay (faculty), lee (senior leader of
Alder Clinic), mo (plain roster member of Alder Clinic), oz (member of Birch
Clinic), bob (org member on no team), carol (admin of org B: the outsider),
and an anonymous caller. Every route of ``measures/api/definitions_urls.py``
and ``measures/api/transfer_urls.py`` must be in ``MATRIX``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from measures.api import definitions_urls, transfer_urls
from tests.api.test_permissions import _endpoints
from tests.factories import (
    CollaborativeFactory,
    MeasureFactory,
    MetricValueFactory,
    MonthlyReportFactory,
    TeamFactory,
    TeamGoalFactory,
)
from tests.measures.definitions_support import make_world

pytestmark = pytest.mark.django_db

PERSONAS = ["staff", "faculty", "lead", "member", "other", "bob", "carol", "anonymous"]


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    kwargs: Callable[[Any], dict[str, Any]]
    expected: tuple[int, ...]
    body: Callable[[Any], Any] | None = None
    multipart: bool = False

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.name}"


def _collab(world) -> dict[str, Any]:
    return {"org": "org-a", "collab": world.collaborative.slug}


def _measure(world) -> dict[str, Any]:
    return {**_collab(world), "pk": world.shared.pk}


def _goals(world) -> dict[str, Any]:
    return {**_collab(world), "measure_pk": world.shared.pk}


def _goal(world) -> dict[str, Any]:
    return {**_goals(world), "pk": world.goal.pk}


def _team(world) -> dict[str, Any]:
    return {**_collab(world), "team": world.team_a.pk}


MEASURE = {
    "name": "Seen within 14 days",
    "code": "seen-14",
    "measure_type": "process",
    "shape": "percentage",
    "direction": "up",
    "default_chart": "p",
}


def _file(world) -> dict[str, Any]:
    text = "month,measure_code,numerator,denominator\n2026-01,complete,3,10\n"
    return {"file": SimpleUploadedFile("v.csv", text.encode(), content_type="text/csv")}


#          staff faculty lead member other bob  carol anon
READ = (200, 200, 200, 200, 200, 200, 404, 401)
STAFF_CREATE = (201, 403, 403, 403, 403, 403, 404, 401)
STAFF_WRITE = (200, 403, 403, 403, 403, 403, 404, 401)
STAFF_DELETE = (204, 403, 403, 403, 403, 403, 404, 401)
IMPORT = (200, 403, 200, 200, 403, 403, 404, 401)

MATRIX = [
    Case("api:measure-list", "get", _collab, READ),
    Case("api:measure-list", "post", _collab, STAFF_CREATE, lambda w: MEASURE),
    Case("api:measure-detail", "get", _measure, READ),
    Case("api:measure-detail", "put", _measure, STAFF_WRITE, lambda w: {**MEASURE, "code": "x"}),
    Case("api:measure-detail", "patch", _measure, STAFF_WRITE, lambda w: {"unit": "%"}),
    Case("api:measure-detail", "delete", _measure, STAFF_DELETE),
    Case("api:measure-team-goal-list", "get", _goals, READ),
    Case(
        "api:measure-team-goal-list",
        "post",
        _goals,
        STAFF_CREATE,
        lambda w: {"team": w.team_b.pk, "goal": "70"},
    ),
    Case("api:measure-team-goal-detail", "get", _goal, READ),
    Case(
        "api:measure-team-goal-detail",
        "put",
        _goal,
        STAFF_WRITE,
        lambda w: {"team": w.team_a.pk, "goal": "90"},
    ),
    Case("api:measure-team-goal-detail", "patch", _goal, STAFF_WRITE, lambda w: {"goal": "91"}),
    Case("api:measure-team-goal-detail", "delete", _goal, STAFF_DELETE),
    Case("api:values-export", "get", _collab, READ),
    Case("api:values-import", "post", _team, IMPORT, _file, multipart=True),
]


@pytest.fixture
def world(org_a, alice, bob, carol):
    world = make_world(org_a, alice, bob)
    world.goal = TeamGoalFactory(measure=world.shared, team=world.team_a, goal=80)
    world.carol = carol
    return world


def login(api_client, world, persona):
    if persona == "anonymous":
        return
    user = {
        "staff": world.staff,
        "faculty": world.faculty,
        "lead": world.lead,
        "member": world.member,
        "other": world.other,
        "bob": world.outsider_member,
        "carol": world.carol,
    }[persona]
    api_client.force_login(user)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("case", MATRIX, ids=str)
def test_permission_matrix(api_client, world, case: Case, persona: str):
    login(api_client, world, persona)
    url = reverse(case.name, kwargs=case.kwargs(world))
    body = case.body(world) if case.body else None
    response = getattr(api_client, case.method)(
        url, body, format="multipart" if case.multipart else "json"
    )
    assert response.status_code == case.expected[PERSONAS.index(persona)], response.content


def test_the_matrix_covers_every_endpoint():
    routed = set(_endpoints(definitions_urls.urlpatterns, "api")) | set(
        _endpoints(transfer_urls.urlpatterns, "api")
    )
    assert routed == {(case.name, case.method) for case in MATRIX}


# --- Team custom measures -------------------------------------------------------------------


def test_another_team_does_not_see_a_team_measure(api_client, world):
    api_client.force_login(world.other)
    url = reverse("api:measure-detail", kwargs={**_collab(world), "pk": world.custom_a.pk})
    assert api_client.get(url).status_code == 404
    listed = api_client.get(reverse("api:measure-list", kwargs=_collab(world))).json()
    assert {m["code"] for m in listed["results"]} == {"complete"}


def test_a_lead_adds_and_changes_the_teams_own_measure(api_client, world):
    api_client.force_login(world.lead)
    response = api_client.post(
        reverse("api:measure-list", kwargs=_collab(world)),
        {**MEASURE, "team": world.team_a.pk},
        format="json",
    )
    assert response.status_code == 201, response.content
    url = reverse("api:measure-detail", kwargs={**_collab(world), "pk": world.custom_a.pk})
    assert api_client.patch(url, {"unit": "weeks"}, format="json").status_code == 200


def test_a_lead_cannot_add_a_measure_for_another_team(api_client, world):
    api_client.force_login(world.lead)
    response = api_client.post(
        reverse("api:measure-list", kwargs=_collab(world)),
        {**MEASURE, "team": world.team_b.pk},
        format="json",
    )
    assert response.status_code == 403


def test_a_plain_member_cannot_change_the_teams_own_measure(api_client, world):
    api_client.force_login(world.member)
    url = reverse("api:measure-detail", kwargs={**_collab(world), "pk": world.custom_a.pk})
    assert api_client.patch(url, {"unit": "weeks"}, format="json").status_code == 403


# --- Cross-tenant ----------------------------------------------------------------------------


@pytest.fixture
def org_b_objects(org_b):
    collaborative = CollaborativeFactory(organization=org_b, slug="b-collab")
    measure = MeasureFactory(collaborative=collaborative, code="b-measure")
    team = TeamFactory(collaborative=collaborative)
    goal = TeamGoalFactory(measure=measure, team=team)
    report = MonthlyReportFactory(team=team, month=dt.date(2026, 1, 1))
    MetricValueFactory(report=report, measure=measure)
    return {"measure": measure, "team": team, "goal": goal}


def test_org_bs_objects_are_not_found_under_org_a(api_client, world, org_b_objects):
    api_client.force_login(world.staff)
    base = _collab(world)
    measure, team, goal = org_b_objects["measure"], org_b_objects["team"], org_b_objects["goal"]
    urls = [
        reverse("api:measure-detail", kwargs={**base, "pk": measure.pk}),
        reverse("api:measure-team-goal-list", kwargs={**base, "measure_pk": measure.pk}),
        reverse(
            "api:measure-team-goal-detail",
            kwargs={**base, "measure_pk": world.shared.pk, "pk": goal.pk},
        ),
    ]
    for url in urls:
        assert api_client.get(url).status_code == 404, url
    assert (
        api_client.get(reverse("api:values-export", kwargs=base) + f"?team={team.pk}").status_code
        == 404
    )
    response = api_client.post(
        reverse("api:values-import", kwargs={**base, "team": team.pk}),
        _file(world),
        format="multipart",
    )
    assert response.status_code == 404


def test_org_bs_collaborative_is_not_found_under_org_a(api_client, world, org_b_objects):
    api_client.force_login(world.staff)
    url = reverse("api:measure-list", kwargs={"org": "org-a", "collab": "b-collab"})
    assert api_client.get(url).status_code == 404
