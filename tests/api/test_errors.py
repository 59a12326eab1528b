"""Error bodies: always JSON with ``detail``, plus ``errors`` per field for bad input.

Bad input is never a 500.
"""

from __future__ import annotations

import pytest
from django_scopes import scopes_disabled

from accounts import services
from accounts.models import Membership, Role
from bsc.exceptions import ConflictError
from tests.api.helpers import api_url

pytestmark = pytest.mark.django_db

INVITATIONS = api_url("invitation-list", org="org-a")


def member_url(membership: Membership) -> str:
    return api_url("member-detail", org="org-a", pk=membership.pk)


def test_invalid_json_gets_400(client_for, alice):
    response = client_for("alice").post(
        INVITATIONS, data='{"email": "dana@', content_type="application/json"
    )
    assert response.status_code == 400
    body = response.json()
    assert list(body) == ["detail"]
    assert body["detail"].startswith("JSON parse error")


def test_a_json_list_instead_of_an_object_gets_400(client_for, alice):
    response = client_for("alice").post(INVITATIONS, ["dana@example.org"], format="json")
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Invalid data. Expected a dictionary, but got list.",
        "errors": {"non_field_errors": ["Invalid data. Expected a dictionary, but got list."]},
    }


def test_an_unsupported_content_type_gets_415(client_for, alice):
    response = client_for("alice").post(
        INVITATIONS, data="email=dana@example.org", content_type="text/plain"
    )
    assert response.status_code == 415
    assert response.json() == {"detail": 'Unsupported media type "text/plain" in request.'}


def test_a_null_role_gets_400_under_its_field(client_for, bob_membership):
    response = client_for("alice").patch(member_url(bob_membership), {"role": None})
    assert response.status_code == 400
    assert response.json()["errors"] == {"role": ["This field may not be null."]}


def test_several_bad_fields_are_all_reported(client_for, alice):
    response = client_for("alice").post(INVITATIONS, {"email": "nope", "role": "owner"})
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "email": ["Enter a valid email address."],
        "role": ['"owner" is not a valid choice.'],
    }


def test_a_page_past_the_end_gets_404_with_a_detail(client_for, alice):
    response = client_for("alice").get(api_url("member-list", org="org-a"), {"page": 9})
    assert response.status_code == 404
    assert response.json() == {"detail": "Invalid page."}


def test_a_non_numeric_id_gets_404(client_for, alice):
    response = client_for("alice").get("/api/v1/organizations/org-a/members/abc/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_a_change_a_service_refuses_is_rolled_back(client_for, bob_membership, monkeypatch):
    def change_then_refuse(*, membership: Membership, role: str, actor: object) -> None:
        Membership.objects.filter(pk=membership.pk).update(role=role)
        raise ConflictError("Someone else changed this member.", field="role")

    monkeypatch.setattr(services, "membership_change_role", change_then_refuse)
    response = client_for("alice").patch(member_url(bob_membership), {"role": "admin"})
    assert response.status_code == 409
    assert response.json() == {
        "detail": "role: Someone else changed this member.",
        "errors": {"role": ["Someone else changed this member."]},
    }
    with scopes_disabled():
        assert Membership.objects.get(pk=bob_membership.pk).role == Role.MEMBER


def test_an_unexpected_error_answers_json_and_changes_nothing(
    client_for, bob_membership, monkeypatch
):
    def change_then_fail(*, membership: Membership, role: str, actor: object) -> None:
        Membership.objects.filter(pk=membership.pk).update(role=role)
        raise RuntimeError("boom")

    monkeypatch.setattr(services, "membership_change_role", change_then_fail)
    response = client_for("alice").patch(member_url(bob_membership), {"role": "admin"})
    assert response.status_code == 500
    assert response.json() == {"detail": "Something went wrong on our side. Nothing was changed."}
    with scopes_disabled():
        assert Membership.objects.get(pk=bob_membership.pk).role == Role.MEMBER
