"""The reminder log API: permission matrix, contract, filters, cross-tenant 404, query count.

Personas (``tests/measures/reminders_support.py``): alice (org admin, staff of
every collaborative), bob (org member on no roster), dana (Riverside's
day-to-day leader), fay (faculty), stan (the collaborative's staff), carol (the
outsider, admin of org B) and an anonymous caller.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from measures.api import reminders_urls
from tests.api_routes import api_endpoints
from tests.factories import (
    CollaborativeFactory,
    MonthlyReportFactory,
    ReminderFactory,
    TeamFactory,
)
from tests.measures import reminders_support
from tests.measures.reminders_support import MARCH, at

pytestmark = pytest.mark.django_db

world = reminders_support.world

PERSONAS = ("alice", "bob", "dana", "fay", "stan", "carol", "anonymous")
REVIEWERS = (200, 403, 403, 200, 200, 404, 401)

MATRIX = [
    ("api:reminder-list", "get", REVIEWERS),
    ("api:reminder-detail", "get", REVIEWERS),
]


@pytest.fixture
def reminder(world):
    report = MonthlyReportFactory(team=world.riverside, month=MARCH, status="not_started")
    return ReminderFactory(
        report=report,
        kind="overdue",
        occurrence=1,
        email="sam@clinic.example",
        status="sent",
        attempts=1,
        due_at=at("2026-04-16T12:00:00"),
        sent_at=at("2026-04-16T12:00:05"),
    )


def _client(request, world, persona: str) -> APIClient:
    client = APIClient()
    if persona in ("alice", "bob", "carol"):
        client.force_login(request.getfixturevalue(persona))
    elif persona != "anonymous":
        client.force_login(getattr(world, persona))
    return client


def _url(name: str, reminder=None, org: str = "org-a") -> str:
    kwargs = {"org": org, "collab": "tf-cbt"}
    if name.endswith("detail"):
        kwargs["pk"] = reminder.pk
    return reverse(name, kwargs=kwargs)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("name", "method", "expected"), MATRIX)
def test_permission_matrix(request, world, reminder, org_b, name, method, expected, persona):
    client = _client(request, world, persona)

    response = getattr(client, method)(_url(name, reminder))

    assert response.status_code == expected[PERSONAS.index(persona)], response.content


def test_the_matrix_covers_every_route_of_the_reminders_api():
    assert set(api_endpoints(reminders_urls.urlpatterns)) == {(n, m) for n, m, _ in MATRIX}


def test_it_describes_each_reminder(request, world, reminder):
    response = _client(request, world, "fay").get(_url("api:reminder-detail", reminder))

    assert response.json() == {
        "id": reminder.pk,
        "url": "http://testserver" + _url("api:reminder-detail", reminder),
        "team": world.riverside.pk,
        "month": "2026-03-01",
        "report_status": "not_started",
        "kind": "overdue",
        "occurrence": 1,
        "email": "sam@clinic.example",
        "status": "sent",
        "attempts": 1,
        "due_at": "2026-04-16T12:00:00Z",
        "claimed_at": None,
        "sent_at": "2026-04-16T12:00:05Z",
        "last_error": "",
        "created_at": response.json()["created_at"],
    }


def test_it_filters_by_team_and_status(request, world, reminder):
    lakeside = TeamFactory(collaborative=world.collab, name="Lakeside")
    ReminderFactory(
        report=MonthlyReportFactory(team=lakeside, month=MARCH), status="failed", attempts=2
    )
    client = _client(request, world, "fay")

    by_team = client.get(_url("api:reminder-list"), {"team": lakeside.pk}).json()
    by_status = client.get(_url("api:reminder-list"), {"status": "sent"}).json()

    assert [row["team"] for row in by_team["results"]] == [lakeside.pk]
    assert [row["id"] for row in by_status["results"]] == [reminder.pk]


def test_a_bad_filter_is_a_400_on_the_field(request, world):
    response = _client(request, world, "fay").get(
        _url("api:reminder-list"), {"team": "Riverside", "status": "lost"}
    )

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"team", "status"}


def test_org_bs_reminders_are_not_found_under_org_a(request, world, org_b, alice):
    team_b = TeamFactory(collaborative=CollaborativeFactory(organization=org_b, slug="tf-cbt"))
    theirs = ReminderFactory(report=MonthlyReportFactory(team=team_b, month=MARCH))
    client = _client(request, world, "alice")

    detail = client.get(_url("api:reminder-detail", theirs))
    listing = client.get(_url("api:reminder-list")).json()

    assert detail.status_code == 404
    assert theirs.pk not in [row["id"] for row in listing["results"]]


def test_a_reminder_of_another_collaborative_is_not_found(request, world):
    other = TeamFactory(collaborative=CollaborativeFactory(organization=world.org, slug="other"))
    theirs = ReminderFactory(report=MonthlyReportFactory(team=other, month=MARCH))

    response = _client(request, world, "fay").get(_url("api:reminder-detail", theirs))

    assert response.status_code == 404


@pytest.mark.parametrize("count", [2, 50])
def test_the_list_runs_the_same_queries_for_2_or_50_reminders(
    request, world, django_assert_num_queries, count
):
    report = MonthlyReportFactory(team=world.riverside, month=MARCH)
    for n in range(count):
        ReminderFactory(report=report, kind="overdue", occurrence=n + 1, email="s@x.example")
    client = _client(request, world, "fay")

    # 1 organization, 2 collaborative, 3 savepoint (ATOMIC_REQUESTS),
    # 4 session, 5 user, 6 membership, 7 leadership roles, 8 roster places,
    # 9 count (pagination), 10 the page of reminders with their reports,
    # 11 release savepoint.
    with django_assert_num_queries(11):
        response = client.get(_url("api:reminder-list"))

    assert response.status_code == 200
    assert response.json()["count"] == count
