"""Who may open which team page: the permission matrix for the web UI.

Personas are described in ``tests/teams/conftest.py``. An outsider gets 404 (she
cannot tell whether org A or its teams exist); a member lacking a permission,
or not allowed to see or manage this team, gets 403.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from bsc.views import CollaborativeViewMixin, TeamViewMixin
from collaboratives import permissions
from teams.models import Team, TeamMember
from teams.urls import teams as team_urls

PERSONAS = ("alice", "bob", "dana", "erin", "fay", "carol", "anonymous")  # see conftest.py

pytestmark = pytest.mark.django_db

ALL_READ = (200, 200, 200, 200, 200, 404, 302)
STAFF_ONLY = (200, 403, 403, 403, 403, 404, 302)
STAFF_ONLY_POST = (302, 403, 403, 403, 403, 404, 302)
# Staff, and the team's own members and faculty: not bob, who is on no roster.
RIVERSIDE_READ = (200, 403, 200, 200, 200, 404, 302)
# Staff and faculty only: dana and erin are on Riverside, not Lakeside.
LAKESIDE_READ = (200, 403, 403, 403, 200, 404, 302)
# Staff and Riverside's day-to-day leader.
RIVERSIDE_ROSTER = (200, 403, 200, 403, 403, 404, 302)
RIVERSIDE_ROSTER_POST = (302, 403, 302, 403, 403, 404, 302)

MEMBER_DATA = {"full_name": "New Person", "email": "new@clinic.example", "roles": ["clinician"]}
TEAM_DATA = {"name": "Hilltop", "site_name": "Hilltop", "is_member_site": "on", "status": "active"}

# (url name, method, object, POST data, expected for each of PERSONAS)
MATRIX = [
    ("team_list", "get", None, None, ALL_READ),
    ("team_create", "get", None, None, STAFF_ONLY),
    ("team_create", "post", None, TEAM_DATA, STAFF_ONLY_POST),
    ("team_detail", "get", "riverside", None, RIVERSIDE_READ),
    ("team_detail", "get", "lakeside", None, LAKESIDE_READ),
    ("team_edit", "get", "riverside", None, STAFF_ONLY),
    ("team_edit", "post", "riverside", TEAM_DATA, STAFF_ONLY_POST),
    ("team_withdraw", "get", "riverside", None, STAFF_ONLY),
    ("team_withdraw", "post", "riverside", {}, STAFF_ONLY_POST),
    ("team_member_add", "get", "riverside", None, RIVERSIDE_ROSTER),
    ("team_member_add", "post", "riverside", MEMBER_DATA, RIVERSIDE_ROSTER_POST),
    ("team_member_add", "get", "lakeside", None, STAFF_ONLY),
    ("team_member_add", "post", "lakeside", MEMBER_DATA, STAFF_ONLY_POST),
    ("team_member_edit", "get", "gus", None, RIVERSIDE_ROSTER),
    ("team_member_edit", "post", "gus", MEMBER_DATA, RIVERSIDE_ROSTER_POST),
    ("team_member_edit", "get", "hal", None, STAFF_ONLY),
    ("team_member_remove", "get", "gus", None, RIVERSIDE_ROSTER),
    ("team_member_remove", "post", "gus", {}, RIVERSIDE_ROSTER_POST),
    ("team_member_remove", "post", "hal", {}, STAFF_ONLY_POST),
    ("team_member_invite", "post", "gus", {}, (302, 403, 302, 403, 403, 404, 302)),
    ("affinity_groups", "get", None, None, ALL_READ),
]


def _kwargs(world, kind: str | None) -> dict[str, object]:
    kwargs: dict[str, object] = {"org": "org-a", "collab": "tf-cbt"}
    if kind in ("riverside", "lakeside"):
        kwargs["team"] = getattr(world, kind).pk
    elif kind in ("gus", "hal"):
        member = getattr(world, kind)
        kwargs.update(team=member.team_id, member=member.pk)
    return kwargs


@pytest.mark.parametrize(
    ("name", "method", "kind", "data", "persona", "expected"),
    [
        pytest.param(
            name, method, kind, data, persona, codes[i], id=f"{method}-{name}-{kind}-{persona}"
        )
        for name, method, kind, data, codes in MATRIX
        for i, persona in enumerate(PERSONAS)
    ],
)
def test_it_answers_each_persona_as_the_matrix_says(
    request, world, name, method, kind, data, persona, expected
):
    client = Client()
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))

    response = getattr(client, method)(reverse(name, kwargs=_kwargs(world, kind)), data or {})

    assert response.status_code == expected
    if persona == "anonymous":
        assert response["Location"].startswith(reverse("login"))


def test_a_refused_roster_change_changes_nothing(client, world, dana):
    client.force_login(dana)

    client.post(reverse("team_member_remove", kwargs=_kwargs(world, "hal")))
    client.post(reverse("team_member_add", kwargs=_kwargs(world, "lakeside")), MEMBER_DATA)

    with scopes_disabled():
        assert TeamMember.objects.filter(pk=world.hal.pk).exists()
        assert not TeamMember.objects.filter(email="new@clinic.example").exists()


def test_a_member_of_another_team_cannot_be_reached_through_this_teams_address(alice_client, world):
    url = reverse(
        "team_member_edit",
        kwargs={
            "org": "org-a",
            "collab": "tf-cbt",
            "team": world.riverside.pk,
            "member": world.hal.pk,
        },
    )

    assert alice_client.get(url).status_code == 404


def test_a_team_of_another_collaborative_is_not_found(alice_client, world, org_a):
    from tests.factories import CollaborativeFactory

    CollaborativeFactory(organization=org_a, slug="other")
    url = reverse(
        "team_detail", kwargs={"org": "org-a", "collab": "other", "team": world.riverside.pk}
    )

    assert alice_client.get(url).status_code == 404


def test_a_team_of_another_organization_is_not_found_under_the_outsiders_own(
    carol_client, world, org_b
):
    from tests.factories import CollaborativeFactory

    CollaborativeFactory(organization=org_b, slug="tf-cbt")
    url = reverse(
        "team_detail", kwargs={"org": "org-b", "collab": "tf-cbt", "team": world.riverside.pk}
    )

    assert carol_client.get(url).status_code == 404
    assert carol_client.post(
        reverse(
            "team_withdraw",
            kwargs={"org": "org-b", "collab": "tf-cbt", "team": world.riverside.pk},
        )
    ).status_code in (404,)
    with scopes_disabled():
        assert Team.objects.get(pk=world.riverside.pk).status == "active"


@pytest.mark.parametrize("route", team_urls.urlpatterns, ids=lambda route: route.name)
def test_it_guards_every_team_page_with_the_mixins(route):
    view_class = route.callback.view_class
    known = {
        value
        for key, value in vars(permissions).items()
        if key.isupper() and isinstance(value, str)
    }

    assert issubclass(view_class, CollaborativeViewMixin)
    assert view_class.permission in known
    if "<int:team>" in str(route.pattern):
        assert issubclass(view_class, TeamViewMixin)
        assert view_class.team_access in ("can_view_team", "can_manage_roster")


def test_the_matrix_covers_every_team_page():
    assert {route.name for route in team_urls.urlpatterns} == {row[0] for row in MATRIX}
