"""Permission matrix of the schedule API: endpoint x method x persona -> status.

alice is admin of org A (staff of every collaborative), fay is faculty of the
collaborative (reads everything, takes attendance, does not configure), bob a
member of org A, carol admin of org B (the outsider); every URL names org A. A
new endpoint of ``collaboratives.api.schedule_urls`` is not done until it is in
``MATRIX``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django_scopes import scopes_disabled
from rest_framework.test import APIClient

from collaboratives.api import schedule_urls
from collaboratives.models import (
    ActionPeriod,
    Call,
    CallSeries,
    Collaborative,
    LearningSession,
    SessionMaterial,
)
from teams.models import TeamMember
from tests.api.test_permissions import _endpoints
from tests.factories import (
    ActionPeriodFactory,
    CallFactory,
    CallSeriesFactory,
    CollaborativeFactory,
    CollaborativeRoleFactory,
    LearningSessionFactory,
    MembershipFactory,
    SessionMaterialFactory,
    TeamMemberFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PERSONAS = ["alice", "fay", "bob", "carol", "anonymous"]


@dataclass(frozen=True)
class Objects:
    collaborative: Collaborative
    session: LearningSession
    material: SessionMaterial
    period: ActionPeriod
    series: CallSeries
    call: Call
    member: TeamMember


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    kwargs: Callable[[Objects], dict[str, Any]]
    # Expected status for alice, fay, bob, carol, anonymous.
    expected: tuple[int, int, int, int, int]
    body: Callable[[Objects], dict[str, Any]] | None = None

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.name}"


def _collab(objects: Objects) -> dict[str, Any]:
    return {"org": "org-a", "collab": objects.collaborative.slug}


def _session(objects: Objects) -> dict[str, Any]:
    return {**_collab(objects), "pk": objects.session.pk}


def _material(objects: Objects) -> dict[str, Any]:
    return {**_session(objects), "material": objects.material.pk}


def _period(objects: Objects) -> dict[str, Any]:
    return {**_collab(objects), "pk": objects.period.pk}


def _series(objects: Objects) -> dict[str, Any]:
    return {**_collab(objects), "pk": objects.series.pk}


def _call(objects: Objects) -> dict[str, Any]:
    return {**_collab(objects), "pk": objects.call.pk}


SESSION = {
    "number": 1,
    "title": "Kick-off",
    "start_date": "2026-02-10",
    "end_date": "2026-02-11",
    "location": "Durham, NC",
    "video_url": "",
    "host_team": None,
    "agenda": "",
}
SERIES = {
    "kind": "all_team",
    "title": "Monthly all-team call",
    "week_of_month": 2,
    "weekday": 1,
    "start_time": "15:00",
    "duration_minutes": 60,
    "first_date": "2026-02-01",
    "last_date": "2026-06-30",
}
CALL = {
    "kind": "coaching",
    "title": "Coaching",
    "starts_at": "2026-05-05T17:00:00Z",
    "ends_at": "2026-05-05T18:00:00Z",
}

READ = (200, 200, 200, 404, 401)
CONFIGURE = (200, 403, 403, 404, 401)
CREATE = (201, 403, 403, 404, 401)
REMOVE = (204, 403, 403, 404, 401)
ATTENDANCE = (200, 200, 403, 404, 401)

MATRIX = [
    Case("api:learning-session-list", "get", _collab, READ),
    Case(
        "api:learning-session-list",
        "post",
        _collab,
        CREATE,
        lambda o: {"title": "Spread", "start_date": "2026-09-08"},
    ),
    Case("api:learning-session-detail", "get", _session, READ),
    Case("api:learning-session-detail", "put", _session, CONFIGURE, lambda o: SESSION),
    Case("api:learning-session-detail", "patch", _session, CONFIGURE, lambda o: {"title": "New"}),
    Case("api:learning-session-detail", "delete", _session, REMOVE),
    Case(
        "api:learning-session-materials",
        "post",
        _session,
        CREATE,
        lambda o: {"title": "Recording", "url": "https://video.example.org/ls1"},
    ),
    Case("api:learning-session-material", "get", _material, READ),
    Case("api:learning-session-material", "delete", _material, REMOVE),
    Case("api:action-period-list", "get", _collab, READ),
    Case("api:action-period-detail", "get", _period, READ),
    Case("api:action-period-detail", "patch", _period, CONFIGURE, lambda o: {"focus": "Intake"}),
    Case("api:action-period-reset", "post", _period, CONFIGURE),
    Case("api:call-series-list", "get", _collab, READ),
    Case("api:call-series-list", "post", _collab, CREATE, lambda o: SERIES),
    Case("api:call-series-detail", "get", _series, READ),
    Case("api:call-series-detail", "put", _series, CONFIGURE, lambda o: SERIES),
    Case("api:call-series-detail", "patch", _series, CONFIGURE, lambda o: {"title": "Renamed"}),
    Case("api:call-series-detail", "delete", _series, REMOVE),
    Case("api:call-list", "get", _collab, READ),
    Case("api:call-list", "post", _collab, CREATE, lambda o: CALL),
    Case("api:call-detail", "get", _call, READ),
    Case("api:call-detail", "put", _call, CONFIGURE, lambda o: CALL),
    Case("api:call-detail", "patch", _call, CONFIGURE, lambda o: {"is_cancelled": True}),
    Case("api:call-detail", "delete", _call, REMOVE),
    Case("api:call-attendance", "get", _call, READ),
    Case(
        "api:call-attendance",
        "put",
        _call,
        ATTENDANCE,
        lambda o: {"member_ids": [o.member.pk]},
    ),
]


@pytest.fixture
def fay(org_a):
    user = UserFactory(email="fay@example.org", full_name="Fay Faculty")
    MembershipFactory(user=user, organization=org_a, role="member")
    return user


@pytest.fixture
def objects(alice, bob, carol, fay, org_a) -> Objects:
    collaborative = CollaborativeFactory(
        organization=org_a,
        slug="tf-cbt",
        start_date=date(2026, 1, 1),
        end_date=date(2026, 12, 31),
    )
    CollaborativeRoleFactory(collaborative=collaborative, user=fay, role="faculty")
    session = LearningSessionFactory(
        collaborative=collaborative,
        number=1,
        start_date=date(2026, 2, 10),
        end_date=date(2026, 2, 11),
    )
    material = SessionMaterialFactory(session=session, title="Slides", url="")
    with scopes_disabled():
        material.file.save("slides.pdf", ContentFile(b"%PDF-1.7 slides"), save=True)
    return Objects(
        collaborative=collaborative,
        session=session,
        material=material,
        period=ActionPeriodFactory(
            collaborative=collaborative,
            number=1,
            start_date=date(2026, 2, 12),
            end_date=date(2026, 12, 31),
        ),
        series=CallSeriesFactory(collaborative=collaborative),
        call=CallFactory(
            collaborative=collaborative,
            starts_at=datetime(2026, 3, 10, 19, 0, tzinfo=UTC),
            ends_at=datetime(2026, 3, 10, 20, 0, tzinfo=UTC),
        ),
        member=TeamMemberFactory(team__collaborative=collaborative, roles=["clinician"]),
    )


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("case", MATRIX, ids=str)
def test_permission_matrix(request, objects, case: Case, persona: str):
    client = APIClient()
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    url = reverse(case.name, kwargs=case.kwargs(objects))
    body = case.body(objects) if case.body else None
    response = getattr(client, case.method)(url, body, format="json")
    assert response.status_code == case.expected[PERSONAS.index(persona)], response.content


def test_the_matrix_covers_every_endpoint():
    routed = set(_endpoints(schedule_urls.urlpatterns, "api"))
    in_matrix = {(case.name, case.method) for case in MATRIX}
    assert routed == in_matrix
