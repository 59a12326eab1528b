"""Services of the collaborative itself: create, update, archive, goals, leadership."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core import mail
from django_scopes import scope, scopes_disabled

from accounts.models import Invitation, Role
from accounts.services import invitation_accept
from bsc.audit import AuditEntry
from bsc.exceptions import ConflictError, DomainError
from collaboratives.models import AimGoal, Collaborative, CollaborativeRole
from collaboratives.services import core as services
from collaboratives.services.core import collaborative_update
from collaboratives.services.schedule import learning_session_create
from tests.factories import (
    AimGoalFactory,
    CollaborativeFactory,
    CollaborativeRoleFactory,
    MembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def create(org, actor, **kwargs):
    values = {
        "name": "TF-CBT 2027",
        "slug": "tf-cbt-2027",
        "start_date": date(2027, 1, 10),
        "end_date": date(2027, 12, 15),
    }
    values.update(kwargs)
    with scope(organization=org):
        return services.collaborative_create(organization=org, actor=actor, **values)


def last_entry(org, action):
    with scopes_disabled():
        return AuditEntry.objects.filter(organization=org, action=action).first()


# --- Create ----------------------------------------------------------------------------


def test_it_prefills_a_national_collaborative_from_its_kind(org_a, alice):
    collaborative = create(org_a, alice, kind="national")

    assert collaborative.target_team_count == 12
    assert (collaborative.min_team_size, collaborative.max_team_size) == (5, 10)
    assert collaborative.required_roles == {
        "agency_administrator": 1,
        "clinical_supervisor": 1,
        "clinician": 2,
    }
    assert (collaborative.chair_count, collaborative.faculty_count) == (2, 8)


def test_it_prefills_a_regional_collaborative_from_its_kind(org_a, alice):
    collaborative = create(org_a, alice, kind="regional")

    assert collaborative.target_team_count == 4
    assert (collaborative.min_team_size, collaborative.max_team_size) == (4, 10)
    assert collaborative.required_roles == {"clinical_supervisor": 1}
    assert (collaborative.chair_count, collaborative.faculty_count) == (0, 2)


def test_it_keeps_given_settings_over_the_kind_defaults(org_a, alice):
    collaborative = create(
        org_a, alice, kind="regional", faculty_count=3, required_roles={"clinician": 3}
    )

    assert collaborative.faculty_count == 3
    assert collaborative.required_roles == {"clinician": 3}
    assert collaborative.target_team_count == 4


def test_it_records_the_creation_in_the_audit_log(org_a, alice):
    collaborative = create(org_a, alice)

    entry = last_entry(org_a, "bsc.collaborative.created")
    assert entry.actor == alice
    assert entry.target_id == str(collaborative.pk)
    assert entry.description == "created the collaborative “TF-CBT 2027”"


def test_it_creates_the_aim_goals_in_order(org_a, alice):
    collaborative = create(
        org_a,
        alice,
        goals=[
            {"description": "Children completing treatment", "baseline": 40, "target": 70},
            {"description": "Days to first visit", "target": "10", "unit": "days"},
        ],
    )

    with scopes_disabled():
        goals = list(collaborative.goals.all())
    assert [(g.description, g.baseline, g.target, g.order) for g in goals] == [
        ("Children completing treatment", Decimal("40"), Decimal("70"), 0),
        ("Days to first visit", None, Decimal("10"), 1),
    ]


def test_it_rejects_an_end_date_before_the_start(org_a, alice):
    with pytest.raises(DomainError) as error:
        create(org_a, alice, start_date=date(2027, 5, 1), end_date=date(2027, 4, 1))

    assert error.value.field == "end_date"
    with scopes_disabled():
        assert not Collaborative.objects.exists()


def test_it_rejects_pre_work_that_starts_after_the_start(org_a, alice):
    with pytest.raises(DomainError) as error:
        create(org_a, alice, prework_start_date=date(2027, 2, 1))

    assert error.value.field == "prework_start_date"


def test_it_rejects_a_slug_used_in_the_same_organization(org_a, alice):
    CollaborativeFactory(organization=org_a, slug="tf-cbt-2027")

    with pytest.raises(DomainError) as error:
        create(org_a, alice)

    assert error.value.field == "slug"
    assert "already uses" in error.value.message


def test_it_allows_the_same_slug_in_another_organization(org_a, org_b, alice):
    CollaborativeFactory(organization=org_b, slug="tf-cbt-2027")

    assert create(org_a, alice).slug == "tf-cbt-2027"


def test_it_rejects_an_unknown_required_role(org_a, alice):
    with pytest.raises(DomainError) as error:
        create(org_a, alice, required_roles={"wizard": 1})

    assert error.value.field == "required_roles"


def test_it_rejects_required_roles_larger_than_a_team(org_a, alice):
    with pytest.raises(DomainError) as error:
        create(org_a, alice, max_team_size=5, required_roles={"clinician": 6})

    assert error.value.field == "required_roles"


def test_it_rejects_a_due_day_after_the_28th(org_a, alice):
    with pytest.raises(DomainError) as error:
        create(org_a, alice, report_due_day=31)

    assert error.value.field == "report_due_day"


def test_it_rejects_a_goal_without_a_target_and_saves_nothing(org_a, alice):
    with pytest.raises(DomainError) as error:
        create(org_a, alice, goals=[{"description": "Completion"}])

    assert error.value.field == "target"
    with scopes_disabled():
        assert not Collaborative.objects.exists()


# --- Update, archive, restore -------------------------------------------------------------


def test_it_changes_settings_and_records_what_changed(org_a, alice):
    collaborative = CollaborativeFactory(organization=org_a, faculty_count=8)

    with scope(organization=org_a):
        services.collaborative_update(
            collaborative=collaborative, actor=alice, faculty_count=6, topic="Trauma care"
        )

    with scopes_disabled():
        collaborative.refresh_from_db()
    assert (collaborative.faculty_count, collaborative.topic) == (6, "Trauma care")
    entry = last_entry(org_a, "bsc.collaborative.changed")
    assert entry.data["changes"]["faculty_count"] == [8, 6]


def test_it_changes_nothing_when_one_setting_is_wrong(org_a, alice):
    collaborative = CollaborativeFactory(organization=org_a, topic="Old")

    with scope(organization=org_a), pytest.raises(DomainError):
        services.collaborative_update(
            collaborative=collaborative, actor=alice, topic="New", end_date=date(2020, 1, 1)
        )

    with scopes_disabled():
        collaborative.refresh_from_db()
    assert collaborative.topic == "Old"
    assert last_entry(org_a, "bsc.collaborative.changed") is None


def test_it_refuses_to_change_the_slug(org_a, alice):
    collaborative = CollaborativeFactory(organization=org_a)

    with scope(organization=org_a), pytest.raises(DomainError) as error:
        services.collaborative_update(collaborative=collaborative, actor=alice, slug="other")

    assert error.value.field == "slug"


def test_it_archives_and_keeps_the_row(org_a, alice):
    collaborative = CollaborativeFactory(organization=org_a)

    with scope(organization=org_a):
        services.collaborative_archive(collaborative=collaborative, actor=alice)

    with scopes_disabled():
        collaborative.refresh_from_db()
    assert collaborative.archived_at is not None
    assert last_entry(org_a, "bsc.collaborative.archived").actor == alice


def test_it_refuses_changes_to_an_archived_collaborative(org_a, alice):
    collaborative = CollaborativeFactory(organization=org_a, topic="Old")
    with scope(organization=org_a):
        services.collaborative_archive(collaborative=collaborative, actor=alice)

    with scope(organization=org_a), pytest.raises(ConflictError) as error:
        services.collaborative_update(collaborative=collaborative, actor=alice, topic="New")

    assert error.value.message == "This collaborative is archived; restore it to make changes."


def test_ensure_not_archived_refuses_an_archived_collaborative(org_a):
    collaborative = CollaborativeFactory.build(organization=org_a)
    services.ensure_not_archived(collaborative)
    collaborative.archived_at = date(2027, 1, 1)

    with pytest.raises(DomainError):
        services.ensure_not_archived(collaborative)


def test_it_restores_an_archived_collaborative(org_a, alice):
    collaborative = CollaborativeFactory(organization=org_a)
    with scope(organization=org_a):
        services.collaborative_archive(collaborative=collaborative, actor=alice)
        services.collaborative_restore(collaborative=collaborative, actor=alice)
        services.collaborative_update(collaborative=collaborative, actor=alice, topic="New")

    with scopes_disabled():
        collaborative.refresh_from_db()
    assert collaborative.archived_at is None
    assert collaborative.topic == "New"
    assert last_entry(org_a, "bsc.collaborative.restored").actor == alice


def test_it_refuses_to_archive_twice(org_a, alice):
    collaborative = CollaborativeFactory(organization=org_a)
    with scope(organization=org_a):
        services.collaborative_archive(collaborative=collaborative, actor=alice)

        with pytest.raises(ConflictError):
            services.collaborative_archive(collaborative=collaborative, actor=alice)


# --- Goals ---------------------------------------------------------------------------------


def test_it_replaces_the_goals_with_the_edited_list(org_a, alice):
    collaborative = CollaborativeFactory(organization=org_a)
    kept = AimGoalFactory(collaborative=collaborative, description="Kept", order=0)
    AimGoalFactory(collaborative=collaborative, description="Dropped", order=1)

    with scope(organization=org_a):
        services.aim_goals_set(
            collaborative=collaborative,
            actor=alice,
            goals=[
                {"description": "New first", "target": 5, "unit": "days"},
                {"id": kept.pk, "description": "Kept, renamed", "target": 90},
            ],
        )

    with scopes_disabled():
        goals = list(AimGoal.objects.filter(collaborative=collaborative))
    assert [(g.description, g.order) for g in goals] == [("New first", 0), ("Kept, renamed", 1)]
    assert goals[1].pk == kept.pk


def test_it_refuses_a_goal_of_another_collaborative(org_a, alice):
    collaborative = CollaborativeFactory(organization=org_a)
    other = AimGoalFactory(collaborative=CollaborativeFactory(organization=org_a))

    with scope(organization=org_a), pytest.raises(DomainError):
        services.aim_goals_set(
            collaborative=collaborative,
            actor=alice,
            goals=[{"id": other.pk, "description": "Stolen", "target": 1}],
        )


# --- Leadership ----------------------------------------------------------------------------


def test_it_assigns_a_member_as_faculty(org_a, alice, bob):
    collaborative = CollaborativeFactory(organization=org_a)

    with scope(organization=org_a):
        assignment = services.leadership_assign(
            collaborative=collaborative, user=bob, role="faculty", actor=alice
        )

    assert assignment.role == "faculty"
    entry = last_entry(org_a, "bsc.collaborative.leadership_added")
    assert entry.description == f"made bob@example.org faculty of “{collaborative.name}”"


def test_it_refuses_someone_outside_the_organization(org_a, alice, carol):
    collaborative = CollaborativeFactory(organization=org_a)

    with scope(organization=org_a), pytest.raises(DomainError) as error:
        services.leadership_assign(
            collaborative=collaborative, user=carol, role="faculty", actor=alice
        )

    assert error.value.field == "user"


def test_it_refuses_the_same_role_twice(org_a, alice, bob):
    collaborative = CollaborativeFactory(organization=org_a)
    CollaborativeRoleFactory(collaborative=collaborative, user=bob, role="chair")

    with scope(organization=org_a), pytest.raises(ConflictError):
        services.leadership_assign(collaborative=collaborative, user=bob, role="chair", actor=alice)


def test_it_invites_a_new_person_who_becomes_faculty_on_acceptance(
    org_a, alice, django_capture_on_commit_callbacks
):
    collaborative = CollaborativeFactory(organization=org_a)

    with django_capture_on_commit_callbacks(execute=True), scope(organization=org_a):
        invitation = services.leadership_invite(
            collaborative=collaborative, email="Fay@Example.org", role="faculty", actor=alice
        )

    assert isinstance(invitation, Invitation)
    assert invitation.role == Role.MEMBER
    assert invitation.grants == [
        {"kind": "collaborative_role", "collaborative_id": collaborative.pk, "role": "faculty"}
    ]
    assert mail.outbox[0].to == ["fay@example.org"]
    fay = UserFactory(email="fay@example.org")
    invitation_accept(invitation=invitation, user=fay)
    with scopes_disabled():
        assert CollaborativeRole.objects.filter(
            collaborative=collaborative, user=fay, role="faculty"
        ).exists()
    assert last_entry(org_a, "bsc.collaborative.leadership_joined").actor == fay


def test_inviting_a_member_by_e_mail_assigns_them_at_once(org_a, alice, bob):
    collaborative = CollaborativeFactory(organization=org_a)

    with scope(organization=org_a):
        result = services.leadership_invite(
            collaborative=collaborative, email="BOB@example.org", role="staff", actor=alice
        )

    assert isinstance(result, CollaborativeRole)
    assert result.user == bob


def test_it_removes_a_leadership_role(org_a, alice, bob):
    collaborative = CollaborativeFactory(organization=org_a)
    assignment = CollaborativeRoleFactory(collaborative=collaborative, user=bob, role="faculty")

    with scope(organization=org_a):
        services.leadership_remove(assignment=assignment, actor=alice)

    with scopes_disabled():
        assert not CollaborativeRole.objects.filter(pk=assignment.pk).exists()
    assert last_entry(org_a, "bsc.collaborative.leadership_removed") is not None


def test_it_refuses_leadership_changes_in_an_archived_collaborative(org_a, alice):
    collaborative = CollaborativeFactory(organization=org_a)
    member = UserFactory()
    MembershipFactory(organization=org_a, user=member)
    with scope(organization=org_a):
        services.collaborative_archive(collaborative=collaborative, actor=alice)

        with pytest.raises(ConflictError):
            services.leadership_assign(
                collaborative=collaborative, user=member, role="staff", actor=alice
            )


def test_the_invitation_says_which_role_it_gives(org_a, alice):
    from accounts.grants import describe_all

    collaborative = CollaborativeFactory(organization=org_a, name="TF-CBT 2027")
    with scope(organization=org_a):
        invitation = services.leadership_invite(
            collaborative=collaborative, email="fay@example.org", role="chair", actor=alice
        )

    assert describe_all(invitation) == ["a place as chair of the collaborative “TF-CBT 2027”"]


def test_it_moves_the_last_action_period_with_a_new_end_date(org_a, alice):
    collaborative = CollaborativeFactory(
        organization=org_a, start_date=date(2026, 1, 1), end_date=date(2026, 12, 31)
    )
    with scope(organization=org_a):
        learning_session_create(
            collaborative=collaborative, title="Launch", start_date=date(2026, 1, 10), actor=alice
        )
        collaborative_update(collaborative=collaborative, end_date=date(2027, 2, 28), actor=alice)
        last = collaborative.action_periods.order_by("number").last()
    assert last.end_date == date(2027, 2, 28)


def test_it_refuses_an_end_date_before_a_learning_session(org_a, alice):
    collaborative = CollaborativeFactory(
        organization=org_a, start_date=date(2026, 1, 1), end_date=date(2026, 12, 31)
    )
    with scope(organization=org_a):
        learning_session_create(
            collaborative=collaborative, title="Wrap-up", start_date=date(2026, 11, 2), actor=alice
        )
        with pytest.raises(DomainError) as error:
            collaborative_update(
                collaborative=collaborative, end_date=date(2026, 10, 31), actor=alice
            )
        collaborative.refresh_from_db()
    assert error.value.field == "end_date"
    assert collaborative.end_date == date(2026, 12, 31)
