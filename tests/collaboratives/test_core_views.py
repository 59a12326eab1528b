"""Pages of the collaborative itself: list, create, home, settings, archive, leadership, copy."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from bsc.audit import AuditEntry
from collaboratives.models import AimGoal, Collaborative, CollaborativeRole
from tests.factories import (
    ActionPeriodFactory,
    AimGoalFactory,
    CollaborativeFactory,
    CollaborativeRoleFactory,
    LearningSessionFactory,
    TeamFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def url(name, org, collaborative=None, **kwargs):
    kwargs["org"] = org.slug
    if collaborative is not None:
        kwargs["collab"] = collaborative.slug
    return reverse(name, kwargs=kwargs)


def create_data(**overrides):
    data = {
        "name": "TF-CBT Learning Collaborative 2027",
        "slug": "",
        "kind": "national",
        "status": "prework",
        "topic": "Trauma-focused CBT",
        "aim_statement": "Raise completion from 40% to 70% by December 2027.",
        "aim_target_date": "2027-12-01",
        "prework_start_date": "2026-10-01",
        "start_date": "2027-01-12",
        "end_date": "2027-12-15",
        "target_team_count": "12",
        "min_team_size": "5",
        "max_team_size": "10",
        "chair_count": "2",
        "faculty_count": "8",
        "data_sharing": "named",
        "run_chart_rules": "ihi",
        "report_due_day": "15",
        "reminder_days_before": "3",
        "overdue_reminder_count": "3",
        "escalation_after_days": "7",
        "role_agency_administrator": "1",
        "role_clinical_supervisor": "1",
        "role_clinician": "2",
        "goals-TOTAL_FORMS": "2",
        "goals-INITIAL_FORMS": "0",
        "goals-MIN_NUM_FORMS": "0",
        "goals-MAX_NUM_FORMS": "20",
        "goals-0-description": "Children completing treatment",
        "goals-0-baseline": "40",
        "goals-0-target": "70",
        "goals-0-unit": "%",
        "goals-1-description": "",
        "goals-1-target": "",
    }
    for role in (
        "senior_leader",
        "day_to_day_leader",
        "trainer",
        "community_partner",
        "family_partner",
        "teacher",
        "other",
    ):
        data[f"role_{role}"] = "0"
    data.update(overrides)
    return data


# --- The list ----------------------------------------------------------------------------


def test_it_lists_active_collaboratives_for_every_member(bob_client, org_a):
    CollaborativeFactory(organization=org_a, name="Current wave")
    archived = CollaborativeFactory(organization=org_a, name="Old wave")
    with scopes_disabled():
        Collaborative.objects.filter(pk=archived.pk).update(
            archived_at=datetime(2025, 1, 1, tzinfo=UTC)
        )

    response = bob_client.get(url("collaborative_list", org_a))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Current wave" in page
    assert "Old wave" not in page
    assert url("collaborative_create", org_a) not in page


def test_it_shows_archived_collaboratives_on_request(bob_client, org_a):
    archived = CollaborativeFactory(organization=org_a, name="Old wave")
    with scopes_disabled():
        Collaborative.objects.filter(pk=archived.pk).update(
            archived_at=datetime(2025, 1, 1, tzinfo=UTC)
        )

    response = bob_client.get(url("collaborative_list", org_a) + "?archived=on")

    page = response.content.decode()
    assert "Old wave" in page
    assert "Archived" in page


def test_it_offers_admins_a_new_collaborative(alice_client, org_a):
    response = alice_client.get(url("collaborative_list", org_a))

    assert url("collaborative_create", org_a) in response.content.decode()


def test_the_navbar_links_to_the_collaboratives(bob_client, org_a):
    response = bob_client.get(reverse("organization_home", args=[org_a.slug]))

    assert url("collaborative_list", org_a) in response.content.decode()


def test_the_organization_home_lists_active_collaboratives(bob_client, org_a):
    collaborative = CollaborativeFactory(organization=org_a, name="Current wave")

    response = bob_client.get(reverse("organization_home", args=[org_a.slug]))

    page = response.content.decode()
    assert "Current wave" in page
    assert url("collaborative_home", org_a, collaborative) in page


def _list_queries(client, org):
    return client.get(url("collaborative_list", org))


def test_it_lists_collaboratives_in_a_fixed_number_of_queries(
    bob_client, org_a, django_assert_num_queries
):
    for _ in range(2):
        TeamFactory(collaborative=CollaborativeFactory(organization=org_a))
    # 1 session, 2 user, 3 organization by slug, 4 the visitor's membership (middleware),
    # 5 savepoint (ATOMIC_REQUESTS), 6 collaboratives with their active team counts,
    # 7 the organization switcher in the navbar, 8 release savepoint.
    with django_assert_num_queries(8):
        response = _list_queries(bob_client, org_a)
    assert len(response.context["collaboratives"]) == 2


def test_it_runs_the_same_list_queries_for_2_and_50_collaboratives(
    bob_client, org_a, django_assert_num_queries
):
    for _ in range(2):
        CollaborativeFactory(organization=org_a)
    with django_assert_num_queries(8):
        _list_queries(bob_client, org_a)
    for _ in range(48):
        TeamFactory(collaborative=CollaborativeFactory(organization=org_a))

    with django_assert_num_queries(8):
        response = _list_queries(bob_client, org_a)
    assert len(response.context["collaboratives"]) == 50


# --- Create ------------------------------------------------------------------------------


def test_it_shows_the_form_pre_filled_for_the_kind(alice_client, org_a):
    response = alice_client.get(url("collaborative_create", org_a) + "?kind=regional")

    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["target_team_count"] == 4
    assert form.initial["faculty_count"] == 2
    assert form.initial["role_clinical_supervisor"] == 1
    assert 'id="kind-defaults"' in response.content.decode()


def test_members_may_not_create(bob_client, org_a):
    assert bob_client.get(url("collaborative_create", org_a)).status_code == 403
    assert bob_client.post(url("collaborative_create", org_a), create_data()).status_code == 403


def test_it_creates_a_collaborative_with_goals(alice_client, alice, org_a):
    response = alice_client.post(url("collaborative_create", org_a), create_data())

    with scopes_disabled():
        collaborative = Collaborative.objects.get(organization=org_a)
        goals = list(collaborative.goals.values_list("description", "target"))
    assert response.status_code == 302
    assert response["Location"] == url("collaborative_home", org_a, collaborative)
    assert collaborative.slug == "tf-cbt-learning-collaborative-2027"
    assert collaborative.required_roles == {
        "agency_administrator": 1,
        "clinical_supervisor": 1,
        "clinician": 2,
    }
    assert goals == [("Children completing treatment", 70)]
    with scopes_disabled():
        assert AuditEntry.objects.filter(action="bsc.collaborative.created", actor=alice).exists()


def test_it_shows_date_errors_on_the_fields(alice_client, org_a):
    response = alice_client.post(
        url("collaborative_create", org_a),
        create_data(
            start_date="2027-05-01", end_date="2027-04-01", prework_start_date="2027-06-01"
        ),
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["end_date"] == ["The end date must be after the start date."]
    assert errors["prework_start_date"] == ["Pre-work must start before the collaborative starts."]
    with scopes_disabled():
        assert not Collaborative.objects.exists()


def test_it_shows_a_duplicate_slug_on_the_field(alice_client, org_a):
    CollaborativeFactory(organization=org_a, slug="tf-cbt")

    response = alice_client.post(url("collaborative_create", org_a), create_data(slug="tf-cbt"))

    assert response.status_code == 200
    assert "already uses" in response.context["form"].errors["slug"][0]


def test_it_asks_for_a_goal_target(alice_client, org_a):
    response = alice_client.post(
        url("collaborative_create", org_a), create_data(**{"goals-0-target": ""})
    )

    assert response.status_code == 200
    assert response.context["goal_formset"].forms[0].errors["target"]
    with scopes_disabled():
        assert not Collaborative.objects.exists()


# --- Home ---------------------------------------------------------------------------------


def test_the_home_page_shows_aim_goals_leadership_and_teams(bob_client, org_a):
    collaborative = CollaborativeFactory(organization=org_a, name="TF-CBT 2026")
    AimGoalFactory(collaborative=collaborative, description="Children completing treatment")
    chair = CollaborativeRoleFactory(
        collaborative=collaborative, role="chair", user=UserFactory(full_name="Carla Chair")
    )
    TeamFactory(collaborative=collaborative, status="active")
    TeamFactory(collaborative=collaborative, status="applicant")

    response = bob_client.get(url("collaborative_home", org_a, collaborative))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Children completing treatment" in page
    assert chair.user.full_name in page
    assert response.context["overview"].team_counts == {"active": 1, "applicant": 1}
    assert url("collaborative_settings", org_a, collaborative) not in page


def test_the_home_page_reads_well_without_sessions(bob_client, org_a):
    collaborative = CollaborativeFactory(organization=org_a)

    response = bob_client.get(url("collaborative_home", org_a, collaborative))

    assert "No learning sessions are scheduled yet." in response.content.decode()
    assert "You are here" in response.content.decode()


def test_the_timeline_puts_you_in_the_current_session(bob_client, org_a, settings):
    collaborative = CollaborativeFactory(
        organization=org_a, start_date=date(2026, 1, 1), end_date=date(2026, 12, 31)
    )
    LearningSessionFactory(collaborative=collaborative, number=1, start_date=date(2026, 1, 10))
    ActionPeriodFactory(
        collaborative=collaborative,
        number=1,
        start_date=date(2026, 1, 12),
        end_date=date(2026, 12, 31),
    )

    from unittest import mock

    with mock.patch("django.utils.timezone.localdate", return_value=date(2026, 3, 1)):
        response = bob_client.get(url("collaborative_home", org_a, collaborative))

    timeline = response.context["timeline"]
    assert timeline.current.title == "Action Period 1"
    assert [step.state for step in timeline.steps[:3]] == ["done", "done", "current"]


def test_the_home_page_offers_staff_settings_and_a_copy(alice_client, org_a):
    collaborative = CollaborativeFactory(organization=org_a)

    page = alice_client.get(url("collaborative_home", org_a, collaborative)).content.decode()

    assert url("collaborative_settings", org_a, collaborative) in page
    assert url("collaborative_copy", org_a, collaborative) in page
    assert "Copy into a new wave" in page


def _home_queries(client, org, collaborative):
    return client.get(url("collaborative_home", org, collaborative))


def test_the_home_page_runs_the_same_queries_for_2_and_50_teams(
    bob_client, org_a, django_assert_num_queries
):
    collaborative = CollaborativeFactory(organization=org_a)
    for _ in range(2):
        TeamFactory(collaborative=collaborative)
        CollaborativeRoleFactory(collaborative=collaborative)
    LearningSessionFactory(collaborative=collaborative)
    # 1 session, 2 user, 3 organization by slug, 4 the visitor's membership,
    # 5 collaborative by slug, 6 the visitor's leadership roles, 7 the visitor's roster
    # places (middleware), 8 savepoint (ATOMIC_REQUESTS), 9 aim goals, 10 leadership
    # with users, 11 team counts by status, 12 learning sessions, 13 action periods,
    # 14 the organization switcher in the navbar, 15 release savepoint.
    with django_assert_num_queries(15):
        _home_queries(bob_client, org_a, collaborative)
    for _ in range(48):
        TeamFactory(collaborative=collaborative)
        CollaborativeRoleFactory(collaborative=collaborative)

    with django_assert_num_queries(15):
        response = _home_queries(bob_client, org_a, collaborative)
    assert response.context["overview"].team_total == 50


# --- Settings, archive, restore ---------------------------------------------------------------


def test_members_may_not_open_the_settings(bob_client, org_a):
    collaborative = CollaborativeFactory(organization=org_a)

    assert bob_client.get(url("collaborative_settings", org_a, collaborative)).status_code == 403


def test_it_saves_the_settings_and_goals(alice_client, org_a):
    collaborative = CollaborativeFactory(organization=org_a, slug="tf")
    goal = AimGoalFactory(collaborative=collaborative, description="Old goal")
    data = create_data(
        faculty_count="6",
        **{
            "goals-TOTAL_FORMS": "1",
            "goals-INITIAL_FORMS": "1",
            "goals-0-id": str(goal.pk),
            "goals-0-description": "Renamed goal",
        },
    )
    del data["slug"]

    response = alice_client.post(url("collaborative_settings", org_a, collaborative), data)

    assert response.status_code == 302
    with scopes_disabled():
        collaborative.refresh_from_db()
        goals = list(AimGoal.objects.filter(collaborative=collaborative))
    assert collaborative.faculty_count == 6
    assert collaborative.slug == "tf"
    assert [(g.pk, g.description) for g in goals] == [(goal.pk, "Renamed goal")]


def test_it_removes_a_goal_marked_for_removal(alice_client, org_a):
    collaborative = CollaborativeFactory(organization=org_a)
    goal = AimGoalFactory(collaborative=collaborative)
    data = create_data(
        **{
            "goals-TOTAL_FORMS": "1",
            "goals-INITIAL_FORMS": "1",
            "goals-0-id": str(goal.pk),
            "goals-0-DELETE": "on",
        }
    )

    alice_client.post(url("collaborative_settings", org_a, collaborative), data)

    with scopes_disabled():
        assert not AimGoal.objects.filter(pk=goal.pk).exists()


def test_it_archives_after_confirmation(alice_client, alice, org_a):
    collaborative = CollaborativeFactory(organization=org_a)

    confirm = alice_client.get(url("collaborative_archive", org_a, collaborative))
    response = alice_client.post(url("collaborative_archive", org_a, collaborative))

    assert confirm.status_code == 200
    assert "Nothing is deleted" in confirm.content.decode()
    assert response.status_code == 302
    with scopes_disabled():
        collaborative.refresh_from_db()
    assert collaborative.archived_at is not None


def test_an_archived_collaborative_shows_a_banner_and_refuses_changes(alice_client, org_a):
    collaborative = CollaborativeFactory(organization=org_a, topic="Old")
    alice_client.post(url("collaborative_archive", org_a, collaborative))

    home = alice_client.get(url("collaborative_home", org_a, collaborative))
    response = alice_client.post(
        url("collaborative_settings", org_a, collaborative), create_data(topic="New"), follow=True
    )

    assert "This collaborative is archived." in home.content.decode()
    assert "restore it to make changes" in response.content.decode()
    with scopes_disabled():
        collaborative.refresh_from_db()
    assert collaborative.topic == "Old"


def test_it_restores_an_archived_collaborative(alice_client, org_a):
    collaborative = CollaborativeFactory(organization=org_a)
    alice_client.post(url("collaborative_archive", org_a, collaborative))

    response = alice_client.post(url("collaborative_restore", org_a, collaborative))

    assert response.status_code == 302
    with scopes_disabled():
        collaborative.refresh_from_db()
    assert collaborative.archived_at is None


def test_members_may_not_archive(bob_client, org_a):
    collaborative = CollaborativeFactory(organization=org_a)

    assert bob_client.post(url("collaborative_archive", org_a, collaborative)).status_code == 403


# --- Leadership ---------------------------------------------------------------------------------


def test_it_assigns_a_member_as_chair(alice_client, bob, org_a):
    collaborative = CollaborativeFactory(organization=org_a)

    response = alice_client.post(
        url("collaborative_leadership_add", org_a, collaborative), {"user": bob.pk, "role": "chair"}
    )

    assert response.status_code == 302
    with scopes_disabled():
        assert CollaborativeRole.objects.filter(
            collaborative=collaborative, user=bob, role="chair"
        ).exists()


def test_it_shows_a_duplicate_assignment_on_the_field(alice_client, bob, org_a):
    collaborative = CollaborativeFactory(organization=org_a)
    CollaborativeRoleFactory(collaborative=collaborative, user=bob, role="chair")

    response = alice_client.post(
        url("collaborative_leadership_add", org_a, collaborative), {"user": bob.pk, "role": "chair"}
    )

    assert response.status_code == 200
    assert "already" in response.context["assign_form"].errors["user"][0]


def test_it_refuses_to_assign_someone_from_another_organization(alice_client, carol, org_a):
    collaborative = CollaborativeFactory(organization=org_a)

    response = alice_client.post(
        url("collaborative_leadership_add", org_a, collaborative),
        {"user": carol.pk, "role": "faculty"},
    )

    assert response.status_code == 200
    assert response.context["assign_form"].errors["user"]
    with scopes_disabled():
        assert not CollaborativeRole.objects.exists()


def test_it_invites_faculty_by_e_mail(
    alice_client, org_a, mailoutbox, django_capture_on_commit_callbacks
):
    collaborative = CollaborativeFactory(organization=org_a)

    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(
            url("collaborative_leadership_invite", org_a, collaborative),
            {"email": "fay@example.org", "role": "faculty"},
        )

    assert response.status_code == 302
    assert mailoutbox[0].to == ["fay@example.org"]


def test_it_warns_when_faculty_counts_differ(bob_client, org_a):
    collaborative = CollaborativeFactory(organization=org_a, kind="national", faculty_count=8)
    CollaborativeRoleFactory(collaborative=collaborative, role="faculty")
    CollaborativeRoleFactory(collaborative=collaborative, role="faculty")

    response = bob_client.get(url("collaborative_leadership", org_a, collaborative))

    assert (
        "This collaborative is set up for 8 faculty (a national collaborative usually has "
        "6 to 8); it has 2."
    ) in response.content.decode()


def test_it_removes_a_leadership_role(alice_client, org_a):
    collaborative = CollaborativeFactory(organization=org_a)
    assignment = CollaborativeRoleFactory(collaborative=collaborative)

    response = alice_client.post(
        url("collaborative_leadership_remove", org_a, collaborative, pk=assignment.pk)
    )

    assert response.status_code == 302
    with scopes_disabled():
        assert not CollaborativeRole.objects.filter(pk=assignment.pk).exists()


def test_it_cannot_remove_a_role_of_another_collaborative(alice_client, org_a):
    collaborative = CollaborativeFactory(organization=org_a)
    other = CollaborativeRoleFactory(collaborative=CollaborativeFactory(organization=org_a))

    response = alice_client.post(
        url("collaborative_leadership_remove", org_a, collaborative, pk=other.pk)
    )

    assert response.status_code == 404


# --- Copy -----------------------------------------------------------------------------------------


def test_it_copies_into_a_new_wave(alice_client, org_a):
    source = CollaborativeFactory(organization=org_a, start_date=date(2026, 1, 1))
    LearningSessionFactory(collaborative=source, number=1, start_date=date(2026, 1, 10))

    response = alice_client.post(
        url("collaborative_copy", org_a, source),
        {"name": "Wave 2", "slug": "", "start_date": "2027-01-01"},
    )

    with scopes_disabled():
        copy = Collaborative.objects.get(slug="wave-2")
        sessions = list(copy.learning_sessions.values_list("start_date", flat=True))
    assert response.status_code == 302
    assert response["Location"] == url("collaborative_home", org_a, copy)
    assert copy.copied_from_id == source.pk
    assert sessions == [date(2027, 1, 10)]


def test_members_may_not_copy(bob_client, org_a):
    source = CollaborativeFactory(organization=org_a)

    assert bob_client.get(url("collaborative_copy", org_a, source)).status_code == 403
