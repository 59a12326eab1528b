"""Who may open which organization page: the permission matrix for the web UI.

alice is admin of org A, bob a member of org A, carol admin of org B (the
outsider). An outsider gets 404, never 403, so she cannot tell whether org A
or its objects exist; a member lacking a permission gets 403.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from accounts.models import ApiToken, Invitation, Membership, Role
from tests.factories import ApiTokenFactory, InvitationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def objects(org_a, alice, bob, carol):
    """One object of each kind in org A, and the personas' clients."""
    with scopes_disabled():
        bob_membership = Membership.objects.get(user=bob, organization=org_a)
    return {
        "membership": bob_membership.pk,
        "invitation": InvitationFactory(organization=org_a, invited_by=alice).pk,
        "token": ApiTokenFactory(organization=org_a, user=alice).pk,
    }


def _client_for(persona: str, request) -> Client:
    client = Client()
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    return client


# (url name, method, object kind or None, POST data, expected for alice, bob, carol, anonymous)
MATRIX = [
    ("organization_home", "get", None, None, (200, 200, 404, 302)),
    ("member_list", "get", None, None, (200, 200, 404, 302)),
    ("token_list", "get", None, None, (200, 200, 404, 302)),
    ("organization_settings", "get", None, None, (200, 403, 404, 302)),
    ("audit_log", "get", None, None, (200, 403, 404, 302)),
    ("member_remove", "get", "membership", None, (200, 403, 404, 302)),
    (
        "member_invite",
        "post",
        None,
        {"email": "new@example.org", "role": "member"},
        (302, 403, 404, 302),
    ),
    ("member_role", "post", "membership", {"role": "admin"}, (302, 403, 404, 302)),
    ("member_remove", "post", "membership", {}, (302, 403, 404, 302)),
    ("invitation_resend", "post", "invitation", {}, (302, 403, 404, 302)),
    ("invitation_revoke", "post", "invitation", {}, (302, 403, 404, 302)),
    (
        "organization_settings",
        "post",
        None,
        {"name": "Renamed", "time_zone": "UTC"},
        (302, 403, 404, 302),
    ),
    ("token_create", "post", None, {"name": "Script"}, (200, 200, 404, 302)),
    # A token is its owner's alone: another member gets 404 as if it did not exist.
    ("token_revoke", "post", "token", {}, (302, 404, 404, 302)),
]
PERSONAS = ("alice", "bob", "carol", "anonymous")


@pytest.mark.parametrize(
    ("name", "method", "kind", "data", "persona", "expected"),
    [
        pytest.param(name, method, kind, data, persona, codes[i], id=f"{method}-{name}-{persona}")
        for name, method, kind, data, codes in MATRIX
        for i, persona in enumerate(PERSONAS)
    ],
)
def test_it_answers_each_persona_as_the_matrix_says(
    request, org_a, objects, name, method, kind, data, persona, expected
):
    args = [org_a.slug] + ([objects[kind]] if kind else [])
    client = _client_for(persona, request)

    response = getattr(client, method)(reverse(name, args=args), data or {})

    assert response.status_code == expected
    if persona == "anonymous":
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("name", "kind", "data"),
    [
        ("member_role", "membership", {"role": Role.ADMIN}),
        ("member_remove", "membership", {}),
        ("invitation_resend", "invitation", {}),
        ("invitation_revoke", "invitation", {}),
        ("token_revoke", "token", {}),
    ],
)
def test_it_hides_org_a_objects_behind_the_outsiders_own_organization(
    carol_client, org_b, objects, name, kind, data
):
    response = carol_client.post(reverse(name, args=[org_b.slug, objects[kind]]), data)

    assert response.status_code == 404
    with scopes_disabled():
        assert Membership.objects.get(pk=objects["membership"]).role == Role.MEMBER
        assert Invitation.objects.get(pk=objects["invitation"]).status == "pending"
        assert ApiToken.objects.get(pk=objects["token"]).revoked_at is None
        assert Invitation.objects.count() == 1


def test_it_shows_members_only_the_links_they_may_use(bob_client, org_a):
    page = bob_client.get(reverse("organization_home", args=[org_a.slug])).content.decode()

    assert reverse("member_list", args=[org_a.slug]) in page
    assert reverse("token_list", args=[org_a.slug]) in page
    assert reverse("audit_log", args=[org_a.slug]) not in page
    assert reverse("organization_settings", args=[org_a.slug]) not in page


def test_it_does_not_list_other_organizations_in_the_switcher(carol_client, org_a, org_b):
    page = carol_client.get(reverse("organization_home", args=[org_b.slug])).content.decode()

    assert reverse("organization_home", args=[org_b.slug]) in page
    assert reverse("organization_home", args=[org_a.slug]) not in page
    assert org_a.name not in page


def _organization_routes():
    from accounts import urls

    return [route for route in urls.urlpatterns if "<slug:org>" in str(route.pattern)]


@pytest.mark.parametrize("route", _organization_routes(), ids=lambda route: route.name)
def test_it_guards_every_organization_page_with_the_mixin(route):
    from accounts import permissions
    from bsc.views import OrganizationViewMixin

    view_class = route.callback.view_class
    known = {
        value
        for name, value in vars(permissions).items()
        if name.isupper() and isinstance(value, str)
    }

    assert issubclass(view_class, OrganizationViewMixin)
    assert view_class.permission in known


def test_it_covers_every_organization_page_in_the_matrix():
    assert {route.name for route in _organization_routes()} == {row[0] for row in MATRIX}
