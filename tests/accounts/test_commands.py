"""Management commands: ``seed_demo`` (what ``make run`` serves) and ``create_organization``."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_scopes import scopes_disabled

from accounts.invitations import invitation_from_token
from accounts.management.commands.seed_demo import DEMO_PASSWORD, USERS
from accounts.models import Invitation, Membership, Organization, Role, User
from bsc.audit import AuditEntry
from bsc.emails import absolute_url
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _seed(**options: object) -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


def _snapshot() -> dict[str, list[tuple[object, ...]]]:
    """Every row seed_demo may touch, so two runs can be compared exactly."""
    with scopes_disabled():
        return {
            "organizations": list(
                Organization.objects.order_by("pk").values_list("pk", "slug", "name", "time_zone")
            ),
            "users": list(
                User.objects.order_by("pk").values_list("pk", "email", "full_name", "password")
            ),
            "memberships": list(
                Membership.objects.order_by("pk").values_list(
                    "pk", "organization__slug", "user__email", "role"
                )
            ),
            "audit": list(AuditEntry.objects.order_by("pk").values_list("pk", "action")),
        }


def _role(email: str, slug: str) -> str | None:
    with scopes_disabled():
        membership = Membership.objects.filter(user__email=email, organization__slug=slug).first()
    return membership.role if membership else None


@pytest.fixture
def debug_on(settings):
    # pytest-django runs tests with DEBUG off; seed_demo is meant for DEBUG on.
    settings.DEBUG = True


def test_seed_demo_creates_two_organizations(debug_on):
    _seed()
    assert dict(Organization.objects.values_list("slug", "name")) == {
        "demo": "Demo Health Network",
        "riverside": "Riverside Regional Collaborative",
    }


def test_seed_demo_creates_one_sign_in_per_role(debug_on):
    _seed()
    assert _role("admin@demo.example", "demo") == Role.ADMIN
    assert _role("admin@demo.example", "riverside") == Role.MEMBER
    assert _role("member@demo.example", "demo") == Role.MEMBER
    assert _role("member@demo.example", "riverside") is None


def test_seed_demo_sign_ins_work_with_the_demo_password(debug_on, rf):
    _seed()
    for email in ("admin@demo.example", "member@demo.example"):
        request = rf.post("/accounts/login/")
        assert authenticate(request, username=email, password=DEMO_PASSWORD) is not None


def test_seed_demo_writes_audit_entries_through_the_services(debug_on):
    _seed()
    with scopes_disabled():
        actions = sorted(
            AuditEntry.objects.filter(organization__slug="demo").values_list("action", flat=True)
        )
    assert actions.count("bsc.organization.created") == 1
    assert actions.count("bsc.member.added") == len(
        [1 for user in USERS for slug, _ in user.memberships if slug == "demo"]
    )
    assert actions.count("bsc.collaborative.created") == 2


def test_seed_demo_prints_the_sign_ins(debug_on):
    output = _seed()
    assert "admin@demo.example" in output
    assert "member@demo.example" in output
    assert DEMO_PASSWORD in output


def test_running_seed_demo_twice_changes_nothing(debug_on):
    _seed()
    before = _snapshot()
    output = _seed()
    assert _snapshot() == before
    assert "nothing to do" in output


def test_seed_demo_leaves_a_changed_role_alone(debug_on):
    _seed()
    with scopes_disabled():
        Membership.objects.filter(user__email="member@demo.example").update(role=Role.ADMIN)
    _seed()
    assert _role("member@demo.example", "demo") == Role.ADMIN


def test_seed_demo_refuses_to_run_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        _seed()
    assert not User.objects.exists()


def test_seed_demo_runs_with_debug_off_when_forced(settings):
    settings.DEBUG = False
    _seed(force=True)
    assert Organization.objects.filter(slug="demo").exists()


def _create(**options: str) -> str:
    out = StringIO()
    call_command("create_organization", stdout=out, **options)
    return out.getvalue()


def test_create_organization_makes_an_existing_user_its_admin():
    UserFactory(email="lead@example.org")
    output = _create(name="State Network", slug="state-network", admin_email="Lead@Example.org")
    organization = Organization.objects.get(slug="state-network")
    assert organization.name == "State Network"
    assert organization.time_zone == "UTC"
    assert _role("lead@example.org", "state-network") == Role.ADMIN
    assert "now its admin" in output
    with scopes_disabled():
        assert not Invitation.objects.exists()


def test_create_organization_invites_a_new_admin_by_email(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        output = _create(
            name="State Network",
            slug="state-network",
            admin_email="new.lead@example.org",
            time_zone="America/Denver",
        )
    organization = Organization.objects.get(slug="state-network")
    assert organization.time_zone == "America/Denver"
    with scopes_disabled():
        invitation = Invitation.objects.get(organization=organization)
        actions = list(
            AuditEntry.objects.filter(organization=organization)
            .order_by("pk")
            .values_list("action", flat=True)
        )
    assert (invitation.email, invitation.role, invitation.invited_by) == (
        "new.lead@example.org",
        Role.ADMIN,
        None,
    )
    assert not User.objects.filter(email="new.lead@example.org").exists()
    assert actions == ["bsc.organization.created", "bsc.member.invited"]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new.lead@example.org"]
    assert invitation_in(mail.outbox[0].body) == invitation
    assert invitation_in(output) == invitation


def invitation_in(text: str) -> Invitation | None:
    """The invitation whose accept link appears in ``text`` (links carry a timestamp)."""
    prefix, suffix = absolute_url(reverse("invitation_accept", args=["TOKEN"])).split("TOKEN")
    match = re.search(re.escape(prefix) + r"([^\s/\"'<>]+)" + re.escape(suffix), text)
    return invitation_from_token(match.group(1)) if match else None


def test_create_organization_rejects_a_taken_slug(org_a):
    with pytest.raises(CommandError, match="'org-a' is already taken"):
        _create(name="Another", slug="org-a", admin_email="someone@example.org")
    assert Organization.objects.filter(slug="org-a").count() == 1
    with scopes_disabled():
        assert not Invitation.objects.exists()


def test_create_organization_rejects_an_unknown_time_zone():
    with pytest.raises(CommandError, match="time zone"):
        _create(name="X", slug="x", admin_email="x@example.org", time_zone="Mars/Olympus")
    assert not Organization.objects.exists()


def test_create_organization_rejects_a_malformed_email():
    with pytest.raises(CommandError, match="not an e-mail address"):
        _create(name="X", slug="x", admin_email="not-an-address")
    assert not Organization.objects.exists()


def test_seed_demo_creates_a_national_and_a_regional_collaborative(debug_on):
    from collaboratives.models import Collaborative, CollaborativeRole
    from teams.models import Team

    _seed()
    with scopes_disabled():
        national = Collaborative.objects.get(slug="tf-cbt")
        regional = Collaborative.objects.get(slug="tri-county")
        assert (national.kind, regional.kind) == ("national", "regional")
        assert Team.objects.filter(collaborative=national).count() == 12
        assert Team.objects.filter(collaborative=regional).count() == 4
        assert national.learning_sessions.count() == 3
        assert national.drivers.filter(parent=None).count() == 3
        assert national.calls.exists()
        roles = set(
            CollaborativeRole.objects.filter(collaborative=national).values_list(
                "user__email", "role"
            )
        )
        assert ("chair@demo.example", "chair") in roles
        assert ("faculty@demo.example", "faculty") in roles
        assert regional.leadership.filter(role="faculty").count() == 2


def test_seed_demo_links_the_team_lead_sign_in_to_a_roster(debug_on):
    from teams.models import TeamMember

    _seed()
    with scopes_disabled():
        member = TeamMember.objects.get(user__email="lead@demo.example")
        assert set(member.roles.values_list("role", flat=True)) == {"day_to_day_leader"}
