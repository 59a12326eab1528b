"""An organization's home, settings and audit log, and the shared error pages."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from accounts.models import Organization
from bsc.audit import AuditEntry
from tests.factories import ApiTokenFactory, AuditEntryFactory, InvitationFactory

pytestmark = pytest.mark.django_db


# --- Home -------------------------------------------------------------------------


def test_it_shows_the_admin_home_with_counts_and_activity(alice_client, alice, bob, org_a):
    InvitationFactory(organization=org_a, invited_by=alice)
    AuditEntryFactory(
        organization=org_a,
        actor=alice,
        action="bsc.member.invited",
        data={"email": "zed@example.org", "role": "member"},
    )

    response = alice_client.get(reverse("organization_home", args=[org_a.slug]))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Northern Network" in page
    assert "You are an admin" in page
    assert response.context["summary"].member_count == 2
    assert response.context["summary"].pending_invitation_count == 1
    assert "pending invitation" in page
    assert "invited zed@example.org as member" in page


def test_it_shows_dates_in_the_organizations_time_zone(alice_client, alice, org_a):
    with scopes_disabled():
        membership = alice.memberships.get()
        type(membership).objects.filter(pk=membership.pk).update(
            created_at=datetime(2025, 3, 1, 2, 0, tzinfo=UTC)
        )

    response = alice_client.get(reverse("member_list", args=[org_a.slug]))

    # 02:00 UTC on 1 March is still 28 February in New York.
    assert "28 Feb 2025" in response.content.decode()


def test_it_shows_members_a_home_without_admin_figures(bob_client, alice, bob, org_a):
    AuditEntryFactory(organization=org_a, actor=alice, action="bsc.organization.changed")

    response = bob_client.get(reverse("organization_home", args=[org_a.slug]))

    assert response.status_code == 200
    page = response.content.decode()
    assert "You are a member" in page
    assert "pending invitation" not in page
    assert "Recent activity" not in page
    assert reverse("audit_log", args=[org_a.slug]) not in page
    assert reverse("organization_settings", args=[org_a.slug]) not in page


def test_it_shows_the_org_links_in_the_navbar_by_permission(alice_client, org_a):
    page = alice_client.get(reverse("organization_home", args=[org_a.slug])).content.decode()

    for name in ("member_list", "audit_log", "token_list", "organization_settings"):
        assert reverse(name, args=[org_a.slug]) in page
    assert reverse("logout") in page
    assert 'href="#main"' in page


def test_it_limits_the_last_activity_to_ten_entries(alice_client, alice, org_a):
    for _ in range(12):
        AuditEntryFactory(organization=org_a, actor=alice)

    response = alice_client.get(reverse("organization_home", args=[org_a.slug]))

    assert len(response.context["summary"].recent_activity) == 10


def test_it_sends_anonymous_visitors_of_an_org_page_to_sign_in(client, org_a):
    response = client.get(reverse("organization_home", args=[org_a.slug]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --- Settings -----------------------------------------------------------------------


def test_it_shows_the_settings_form(alice_client, org_a):
    response = alice_client.get(reverse("organization_settings", args=[org_a.slug]))

    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="Northern Network"' in page
    assert '<option value="America/New_York" selected>' in page


def test_it_changes_name_and_time_zone(alice_client, alice, org_a):
    response = alice_client.post(
        reverse("organization_settings", args=[org_a.slug]),
        {"name": "Northern Learning Network", "time_zone": "Europe/Berlin"},
    )

    assert response.status_code == 302
    org_a.refresh_from_db()
    assert (org_a.name, org_a.time_zone) == ("Northern Learning Network", "Europe/Berlin")
    with scopes_disabled():
        entry = AuditEntry.objects.filter(organization=org_a).latest("id")
    assert (entry.action, entry.actor) == ("bsc.organization.changed", alice)
    assert entry.data == {
        "changes": {
            "name": ["Northern Network", "Northern Learning Network"],
            "time_zone": ["America/New_York", "Europe/Berlin"],
        }
    }


def test_it_rejects_an_unknown_time_zone(alice_client, org_a):
    response = alice_client.post(
        reverse("organization_settings", args=[org_a.slug]),
        {"name": "Northern Network", "time_zone": "Mars/Olympus"},
    )

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert Organization.objects.get(pk=org_a.pk).time_zone == "America/New_York"


# --- Audit log ------------------------------------------------------------------------


def test_it_shows_audit_entries_in_the_organizations_time_zone(alice_client, alice, org_a):
    AuditEntryFactory(
        organization=org_a,
        actor=alice,
        action="bsc.member.removed",
        data={"email": "gone@example.org"},
        target_repr="Gone Person (Member) in Northern Network",
    )
    created = datetime(2025, 1, 15, 17, 30, tzinfo=UTC)
    AuditEntryFactory(organization=org_a, actor=alice, created_at=created)

    response = alice_client.get(reverse("audit_log", args=[org_a.slug]))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Alice Admin" in page
    assert "removed gone@example.org" in page
    assert "Gone Person (Member) in Northern Network" in page
    # 17:30 UTC is 12:30 in New York in January.
    assert 'datetime="2025-01-15T12:30:00-05:00"' in page


def test_it_names_the_token_an_api_change_came_through(alice_client, alice, org_a):
    token = ApiTokenFactory(organization=org_a, user=alice, name="Nightly sync")
    AuditEntryFactory(organization=org_a, actor=alice, actor_token=token)

    page = alice_client.get(reverse("audit_log", args=[org_a.slug])).content.decode()

    assert "Alice Admin (API token “Nightly sync”)" in page


def test_it_filters_the_audit_log_by_area(alice_client, alice, org_a):
    AuditEntryFactory(
        organization=org_a, actor=alice, action="bsc.token.created", data={"name": "Sync"}
    )
    AuditEntryFactory(
        organization=org_a,
        actor=alice,
        action="bsc.invitation.revoked",
        data={"email": "x@example.org"},
    )

    response = alice_client.get(reverse("audit_log", args=[org_a.slug]), {"action": "bsc.member"})

    page = response.content.decode()
    assert "withdrew the invitation of x@example.org" in page
    assert "created the API token" not in page


def test_it_answers_htmx_with_only_the_table(alice_client, alice, org_a):
    AuditEntryFactory(organization=org_a, actor=alice)

    response = alice_client.get(
        reverse("audit_log", args=[org_a.slug]),
        {"action": "bsc.organization"},
        HTTP_HX_REQUEST="true",
    )

    page = response.content.decode()
    assert page.lstrip().startswith('<div id="audit-entries">')
    assert "<html" not in page
    assert "HX-Request" in response["Vary"]


def test_it_pages_the_audit_log_by_fifty(alice_client, alice, org_a):
    for _ in range(51):
        AuditEntryFactory(organization=org_a, actor=alice)
    url = reverse("audit_log", args=[org_a.slug])

    first = alice_client.get(url)
    second = alice_client.get(url, {"page": 2})

    assert len(first.context["entries"]) == 50
    assert "Page 1 of 2" in first.content.decode()
    assert len(second.context["entries"]) == 1
    assert alice_client.get(url, {"page": 3}).status_code == 404


def test_it_lists_audit_entries_in_a_fixed_number_of_queries(
    alice_client, alice, org_a, django_assert_num_queries
):
    token = ApiTokenFactory(organization=org_a, user=alice)
    for index in range(20):
        AuditEntryFactory(organization=org_a, actor=alice, actor_token=token if index % 2 else None)

    # 1 session, 2 user, 3 organization by slug, 4 the visitor's membership (middleware),
    # 5 savepoint (ATOMIC_REQUESTS), 6 count for the paginator, 7 the organization
    # switcher in the navbar, 8 the page of entries with actors and tokens, 9 release savepoint.
    with django_assert_num_queries(9):
        response = alice_client.get(reverse("audit_log", args=[org_a.slug]))
    assert response.status_code == 200


# --- Error pages --------------------------------------------------------------------


def test_it_renders_a_styled_403_inside_the_organization(bob_client, org_a):
    response = bob_client.get(reverse("audit_log", args=[org_a.slug]))

    assert response.status_code == 403
    page = response.content.decode()
    assert "You do not have permission to see this page" in page
    assert "bootstrap.min.css" in page
    assert reverse("organization_home", args=[org_a.slug]) in page


def test_it_renders_a_styled_404(alice_client):
    response = alice_client.get("/orgs/no-such-org/")

    assert response.status_code == 404
    page = response.content.decode()
    assert "We could not find that page" in page
    assert "bootstrap.min.css" in page


def test_it_renders_a_self_contained_500(alice_client, org_a, monkeypatch):
    from accounts import selectors

    def fail(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(selectors, "organization_summary", fail)
    alice_client.raise_request_exception = False

    response = alice_client.get(reverse("organization_home", args=[org_a.slug]))

    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong on our side" in page
    assert "bootstrap.min.css" in page
    assert "app.css" in page


def test_it_has_no_inline_scripts_in_the_layout(alice_client, org_a):
    page = alice_client.get(reverse("organization_home", args=[org_a.slug])).content.decode()

    assert "<script>" not in page
    assert "django_htmx/htmx-2.min.js" in page
    assert "js/app.js" in page
    # Assets come from this server: no script or stylesheet from another host.
    assert not re.search(r'<(script|link)[^>]+(src|href)="(https?:)?//', page)
    assert 'name="viewport"' in page


def test_it_explains_a_form_sent_without_a_csrf_token():
    client = Client(enforce_csrf_checks=True)

    response = client.post(reverse("login"), {"username": "x@example.org", "password": "x"})

    assert response.status_code == 403
    assert "That form could not be sent" in response.content.decode()
