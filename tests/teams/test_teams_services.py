"""Team services: create, change, withdraw (never delete)."""

from __future__ import annotations

import pytest
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from bsc.audit import AuditEntry
from bsc.exceptions import ConflictError, DomainError
from teams.models import Team, TeamStatus
from teams.services import teams as services
from tests.factories import CollaborativeFactory, TeamFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def collaborative(org_a):
    return CollaborativeFactory(organization=org_a, slug="tf-cbt")


def _entries(action):
    with scopes_disabled():
        return list(AuditEntry.objects.filter(action=action))


def test_it_creates_a_team(collaborative, alice, org_a):
    with scope(organization=org_a):
        team = services.team_create(
            collaborative=collaborative,
            name="  Riverside Clinic  ",
            site_name="Riverside Community Mental Health",
            is_member_site=False,
            status=TeamStatus.APPLICANT,
            actor=alice,
        )

    with scopes_disabled():
        team = Team.objects.get(pk=team.pk)
    assert (team.name, team.site_name, team.is_member_site, team.status) == (
        "Riverside Clinic",
        "Riverside Community Mental Health",
        False,
        "applicant",
    )
    assert team.organization_id == org_a.pk
    [entry] = _entries("bsc.team.created")
    assert entry.actor == alice
    assert entry.data == {
        "name": "Riverside Clinic",
        "collaborative": "tf-cbt",
        "status": "applicant",
    }
    assert entry.description == "created the team “Riverside Clinic”"


def test_it_rejects_a_second_team_of_the_same_name_in_any_case(collaborative, alice, org_a):
    TeamFactory(collaborative=collaborative, name="Riverside")

    with scope(organization=org_a), pytest.raises(DomainError) as caught:
        services.team_create(collaborative=collaborative, name="riverside", actor=alice)

    assert caught.value.field == "name"
    assert caught.value.message == "A team named “riverside” is already in this collaborative."
    with scopes_disabled():
        assert Team.objects.count() == 1


def test_the_same_name_is_fine_in_another_collaborative(collaborative, alice, org_a):
    TeamFactory(collaborative=CollaborativeFactory(organization=org_a), name="Riverside")

    with scope(organization=org_a):
        services.team_create(collaborative=collaborative, name="Riverside", actor=alice)

    with scopes_disabled():
        assert Team.objects.filter(name="Riverside").count() == 2


def test_it_requires_a_name(collaborative, alice, org_a):
    with scope(organization=org_a), pytest.raises(DomainError) as caught:
        services.team_create(collaborative=collaborative, name="   ", actor=alice)

    assert (caught.value.field, caught.value.message) == ("name", "Give the team a name.")


def test_it_rejects_an_unknown_status(collaborative, alice, org_a):
    with scope(organization=org_a), pytest.raises(DomainError) as caught:
        services.team_create(collaborative=collaborative, name="A", status="paused", actor=alice)

    assert caught.value.field == "status"
    with scopes_disabled():
        assert not Team.objects.exists()


def test_it_refuses_a_team_in_an_archived_collaborative(collaborative, alice, org_a):
    collaborative.archived_at = timezone.now()
    collaborative.save()

    with scope(organization=org_a), pytest.raises(ConflictError):
        services.team_create(collaborative=collaborative, name="Late team", actor=alice)


def test_it_changes_a_team_and_records_what_changed(collaborative, alice, org_a):
    team = TeamFactory(collaborative=collaborative, name="Old name", site_name="Clinic")

    with scope(organization=org_a):
        services.team_update(
            team=team,
            name="New name",
            site_name="Clinic",
            is_member_site=True,
            status="active",
            actor=alice,
        )

    team.refresh_from_db()
    assert team.name == "New name"
    [entry] = _entries("bsc.team.changed")
    assert entry.data == {"name": "New name", "changes": {"name": ["Old name", "New name"]}}


def test_an_unchanged_team_writes_no_audit_entry(collaborative, alice, org_a):
    team = TeamFactory(collaborative=collaborative, name="Same")

    with scope(organization=org_a):
        services.team_update(team=team, name="Same", actor=alice)

    assert _entries("bsc.team.changed") == []


def test_renaming_onto_another_team_is_refused_and_leaves_the_object_as_it_was(
    collaborative, alice, org_a
):
    TeamFactory(collaborative=collaborative, name="Taken")
    team = TeamFactory(collaborative=collaborative, name="Mine")

    with scope(organization=org_a), pytest.raises(DomainError) as caught:
        services.team_update(team=team, name="Taken", actor=alice)

    assert caught.value.field == "name"
    assert team.name == "Mine"
    team.refresh_from_db()
    assert team.name == "Mine"


def test_withdrawing_keeps_the_team(collaborative, alice, org_a):
    team = TeamFactory(collaborative=collaborative, name="Leaving")

    with scope(organization=org_a):
        services.team_withdraw(team=team, actor=alice)

    with scopes_disabled():
        assert Team.objects.get(pk=team.pk).status == TeamStatus.WITHDRAWN
    [entry] = _entries("bsc.team.withdrawn")
    assert entry.description == "withdrew the team “Leaving” from the collaborative"


def test_withdrawing_twice_changes_nothing_the_second_time(collaborative, alice, org_a):
    team = TeamFactory(collaborative=collaborative, status=TeamStatus.WITHDRAWN)

    with scope(organization=org_a):
        services.team_withdraw(team=team, actor=alice)

    assert _entries("bsc.team.withdrawn") == []
