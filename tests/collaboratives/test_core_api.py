"""``/api/v1/organizations/<org>/collaboratives/``: the collaborative, its goals and leadership."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django_scopes import scopes_disabled
from rest_framework.test import APIClient

from bsc.audit import AuditEntry
from collaboratives.models import AimGoal, Collaborative, CollaborativeRole
from tests.api.helpers import absolute, api_url, iso
from tests.factories import (
    AimGoalFactory,
    ApiTokenFactory,
    CollaborativeFactory,
    CollaborativeRoleFactory,
    LearningSessionFactory,
    TeamFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_for(request):
    def sign_in(persona):
        client = APIClient()
        if persona != "anonymous":
            client.force_login(request.getfixturevalue(persona))
        return client

    return sign_in


def collaborative_body(collaborative: Collaborative, goals=()) -> dict[str, object]:
    return {
        "slug": collaborative.slug,
        "url": absolute(f"/api/v1/organizations/org-a/collaboratives/{collaborative.slug}/"),
        "name": collaborative.name,
        "kind": collaborative.kind,
        "status": collaborative.status,
        "topic": collaborative.topic,
        "aim_statement": collaborative.aim_statement,
        "aim_target_date": None,
        "goals": list(goals),
        "prework_start_date": None,
        "start_date": collaborative.start_date.isoformat(),
        "end_date": collaborative.end_date.isoformat(),
        "data_sharing": "named",
        "run_chart_rules": "ihi",
        "report_due_day": 15,
        "reminder_days_before": 3,
        "overdue_reminder_count": 3,
        "escalation_after_days": 7,
        "target_team_count": collaborative.target_team_count,
        "min_team_size": collaborative.min_team_size,
        "max_team_size": collaborative.max_team_size,
        "required_roles": collaborative.required_roles,
        "chair_count": collaborative.chair_count,
        "faculty_count": collaborative.faculty_count,
        "is_archived": collaborative.archived_at is not None,
        "archived_at": iso(collaborative.archived_at),
        "copied_from": None,
        "created_at": iso(collaborative.created_at),
        "updated_at": iso(collaborative.updated_at),
    }


def goal_body(collaborative, goal) -> dict[str, object]:
    return {
        "id": goal.pk,
        "url": absolute(
            f"/api/v1/organizations/org-a/collaboratives/{collaborative.slug}/goals/{goal.pk}/"
        ),
        "description": goal.description,
        "baseline": float(goal.baseline) if goal.baseline is not None else None,
        "target": float(goal.target),
        "unit": goal.unit,
        "order": goal.order,
    }


def refreshed(obj):
    with scopes_disabled():
        obj.refresh_from_db()
    return obj


# --- List and retrieve ------------------------------------------------------------------------


def test_it_lists_the_collaboratives_with_their_goals(client_for, bob, org_a):
    collaborative = CollaborativeFactory(organization=org_a, slug="tf-cbt")
    goal = AimGoalFactory(collaborative=collaborative)

    response = client_for("bob").get(api_url("collaborative-list", org="org-a"))

    assert response.status_code == 200
    assert response.json() == {
        "count": 1,
        "next": None,
        "previous": None,
        "results": [collaborative_body(refreshed(collaborative), [goal_body(collaborative, goal)])],
    }


def test_it_leaves_archived_collaboratives_out_unless_asked(client_for, bob, org_a):
    CollaborativeFactory(organization=org_a, slug="current")
    CollaborativeFactory(
        organization=org_a, slug="old", archived_at=datetime(2025, 1, 1, tzinfo=UTC)
    )
    client = client_for("bob")

    default = client.get(api_url("collaborative-list", org="org-a")).json()
    archived = client.get(api_url("collaborative-list", org="org-a"), {"archived": "true"}).json()

    assert [c["slug"] for c in default["results"]] == ["current"]
    assert [c["slug"] for c in archived["results"]] == ["old"]


def test_it_filters_by_status(client_for, bob, org_a):
    CollaborativeFactory(organization=org_a, slug="running", status="active")
    CollaborativeFactory(organization=org_a, slug="starting", status="prework")

    response = client_for("bob").get(
        api_url("collaborative-list", org="org-a"), {"status": "active"}
    )

    assert [c["slug"] for c in response.json()["results"]] == ["running"]


def test_it_rejects_an_unknown_status_filter(client_for, bob, org_a):
    response = client_for("bob").get(api_url("collaborative-list", org="org-a"), {"status": "x"})

    assert response.status_code == 400
    assert "status" in response.json()["errors"]


def test_it_lists_in_a_fixed_number_of_queries(client_for, bob, org_a, django_assert_num_queries):
    for _ in range(2):
        AimGoalFactory(collaborative=CollaborativeFactory(organization=org_a))
    client = client_for("bob")
    # 1 session, 2 user, 3 organization by slug, 4 the caller's membership,
    # 5 savepoint (ATOMIC_REQUESTS), 6 count for the paginator, 7 the page of
    # collaboratives with their sources, 8 their goals, 9 release savepoint.
    with django_assert_num_queries(9):
        client.get(api_url("collaborative-list", org="org-a"))
    for _ in range(48):
        collaborative = CollaborativeFactory(organization=org_a)
        AimGoalFactory(collaborative=collaborative)
        TeamFactory(collaborative=collaborative)

    with django_assert_num_queries(9):
        response = client.get(api_url("collaborative-list", org="org-a"))
    assert response.json()["count"] == 50


def test_it_shows_one_collaborative(client_for, bob, org_a):
    collaborative = CollaborativeFactory(organization=org_a, slug="tf-cbt")

    response = client_for("bob").get(api_url("collaborative-detail", org="org-a", collab="tf-cbt"))

    assert response.status_code == 200
    assert response.json() == collaborative_body(refreshed(collaborative))


# --- Create -----------------------------------------------------------------------------------


def test_it_creates_with_the_kind_defaults(client_for, alice, org_a):
    response = client_for("alice").post(
        api_url("collaborative-list", org="org-a"),
        {
            "name": "Regional TF-CBT",
            "slug": "regional-tf-cbt",
            "kind": "regional",
            "start_date": "2027-01-10",
            "end_date": "2027-12-15",
            "goals": [{"description": "Completion", "baseline": 40, "target": 70, "unit": "%"}],
        },
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert response["Location"] == body["url"]
    assert (body["target_team_count"], body["faculty_count"], body["chair_count"]) == (4, 2, 0)
    assert body["required_roles"] == {"clinical_supervisor": 1}
    assert [(g["description"], g["target"]) for g in body["goals"]] == [("Completion", 70.0)]
    with scopes_disabled():
        entry = AuditEntry.objects.get(action="bsc.collaborative.created")
    assert entry.actor == alice


def test_it_records_the_token_as_actor(api_client, alice, org_a):
    token = ApiTokenFactory(user=alice, organization=org_a)
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {token.raw}")

    response = api_client.post(
        api_url("collaborative-list", org="org-a"),
        {
            "name": "By script",
            "slug": "script",
            "start_date": "2027-01-10",
            "end_date": "2027-02-10",
        },
    )

    assert response.status_code == 201
    with scopes_disabled():
        assert AuditEntry.objects.get(action="bsc.collaborative.created").actor_token == token


def test_it_validates_required_roles_against_team_roles(client_for, alice, org_a):
    response = client_for("alice").post(
        api_url("collaborative-list", org="org-a"),
        {
            "name": "X",
            "slug": "x",
            "start_date": "2027-01-10",
            "end_date": "2027-02-10",
            "required_roles": {"wizard": 2},
        },
    )

    assert response.status_code == 400
    assert "required_roles" in response.json()["errors"]


def test_it_answers_400_on_the_field_for_dates_out_of_order(client_for, alice, org_a):
    response = client_for("alice").post(
        api_url("collaborative-list", org="org-a"),
        {"name": "X", "slug": "x", "start_date": "2027-03-10", "end_date": "2027-02-10"},
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["end_date"]
    with scopes_disabled():
        assert not Collaborative.objects.exists()


def test_it_answers_400_on_the_slug_for_a_duplicate(client_for, alice, org_a):
    CollaborativeFactory(organization=org_a, slug="taken")

    response = client_for("alice").post(
        api_url("collaborative-list", org="org-a"),
        {"name": "X", "slug": "taken", "start_date": "2027-01-10", "end_date": "2027-02-10"},
    )

    assert response.status_code == 400
    assert "already uses" in response.json()["errors"]["slug"][0]


# --- Update, archive, restore -----------------------------------------------------------------


def test_it_changes_settings_with_patch(client_for, alice, org_a):
    collaborative = CollaborativeFactory(organization=org_a, slug="tf")

    response = client_for("alice").patch(
        api_url("collaborative-detail", org="org-a", collab="tf"),
        {"faculty_count": 6, "required_roles": {"clinician": 3}, "status": "active"},
    )

    assert response.status_code == 200
    collaborative = refreshed(collaborative)
    assert (collaborative.faculty_count, collaborative.status) == (6, "active")
    assert collaborative.required_roles == {"clinician": 3}
    assert response.json() == collaborative_body(collaborative)


def test_it_refuses_to_change_the_slug(client_for, alice, org_a):
    CollaborativeFactory(organization=org_a, slug="tf")

    response = client_for("alice").patch(
        api_url("collaborative-detail", org="org-a", collab="tf"), {"slug": "other"}
    )

    assert response.status_code == 400
    assert "slug" in response.json()["errors"]


def test_delete_archives_and_keeps_the_row(client_for, alice, org_a):
    collaborative = CollaborativeFactory(organization=org_a, slug="tf")

    response = client_for("alice").delete(api_url("collaborative-detail", org="org-a", collab="tf"))

    assert response.status_code == 204
    assert refreshed(collaborative).archived_at is not None


def test_an_archived_collaborative_answers_409_to_changes(client_for, alice, org_a):
    CollaborativeFactory(
        organization=org_a, slug="tf", archived_at=datetime(2025, 1, 1, tzinfo=UTC)
    )
    client = client_for("alice")

    patch = client.patch(api_url("collaborative-detail", org="org-a", collab="tf"), {"topic": "x"})
    goal = client.post(
        api_url("collaborative-goal-list", org="org-a", collab="tf"),
        {"description": "Completion", "target": 70},
    )

    assert patch.status_code == 409
    assert patch.json()["detail"] == "This collaborative is archived; restore it to make changes."
    assert goal.status_code == 409


def test_it_restores_an_archived_collaborative(client_for, alice, org_a):
    collaborative = CollaborativeFactory(
        organization=org_a, slug="tf", archived_at=datetime(2025, 1, 1, tzinfo=UTC)
    )

    response = client_for("alice").post(api_url("collaborative-restore", org="org-a", collab="tf"))

    assert response.status_code == 200
    assert response.json()["is_archived"] is False
    assert refreshed(collaborative).archived_at is None


def test_restoring_a_collaborative_that_is_not_archived_is_a_conflict(client_for, alice, org_a):
    CollaborativeFactory(organization=org_a, slug="tf")

    response = client_for("alice").post(api_url("collaborative-restore", org="org-a", collab="tf"))

    assert response.status_code == 409


# --- Copy -------------------------------------------------------------------------------------


def test_it_copies_into_a_new_wave(client_for, alice, org_a):
    source = CollaborativeFactory(organization=org_a, slug="wave-1", start_date=date(2026, 1, 1))
    LearningSessionFactory(collaborative=source, number=1, start_date=date(2026, 1, 10))

    response = client_for("alice").post(
        api_url("collaborative-copy", org="org-a", collab="wave-1"),
        {"name": "Wave 2", "slug": "wave-2", "start_date": "2027-01-01"},
    )

    assert response.status_code == 201
    body = response.json()
    assert body["slug"] == "wave-2"
    assert body["copied_from"] == "wave-1"
    assert body["url"] == absolute("/api/v1/organizations/org-a/collaboratives/wave-2/")
    assert body["start_date"] == "2027-01-01"


# --- Goals ------------------------------------------------------------------------------------


def test_it_adds_changes_and_removes_goals(client_for, alice, org_a):
    collaborative = CollaborativeFactory(organization=org_a, slug="tf")
    client = client_for("alice")

    created = client.post(
        api_url("collaborative-goal-list", org="org-a", collab="tf"),
        {"description": "Days to first visit", "baseline": 30, "target": 10, "unit": "days"},
    )
    goal_id = created.json()["id"]
    changed = client.patch(
        api_url("collaborative-goal-detail", org="org-a", collab="tf", pk=goal_id), {"target": 7}
    )
    listed = client.get(api_url("collaborative-goal-list", org="org-a", collab="tf"))
    removed = client.delete(
        api_url("collaborative-goal-detail", org="org-a", collab="tf", pk=goal_id)
    )

    assert created.status_code == 201
    assert changed.status_code == 200
    assert changed.json()["target"] == 7.0
    with scopes_disabled():
        goal_after_change = listed.json()
    assert goal_after_change == [
        {
            "id": goal_id,
            "url": absolute(f"/api/v1/organizations/org-a/collaboratives/tf/goals/{goal_id}/"),
            "description": "Days to first visit",
            "baseline": 30.0,
            "target": 7.0,
            "unit": "days",
            "order": 0,
        }
    ]
    assert removed.status_code == 204
    with scopes_disabled():
        assert not AimGoal.objects.filter(collaborative=collaborative).exists()


def test_a_goal_needs_a_target(client_for, alice, org_a):
    CollaborativeFactory(organization=org_a, slug="tf")

    response = client_for("alice").post(
        api_url("collaborative-goal-list", org="org-a", collab="tf"), {"description": "x"}
    )

    assert response.status_code == 400
    assert "target" in response.json()["errors"]


# --- Leadership -------------------------------------------------------------------------------


def test_it_assigns_a_member_by_id(client_for, alice, bob, org_a):
    collaborative = CollaborativeFactory(organization=org_a, slug="tf")

    response = client_for("alice").post(
        api_url("collaborative-leadership-list", org="org-a", collab="tf"),
        {"user_id": bob.pk, "role": "faculty"},
    )

    assert response.status_code == 201
    with scopes_disabled():
        assignment = CollaborativeRole.objects.get(collaborative=collaborative)
    assert response.json() == {
        "id": assignment.pk,
        "url": absolute(
            f"/api/v1/organizations/org-a/collaboratives/tf/leadership/{assignment.pk}/"
        ),
        "role": "faculty",
        "user": {"id": bob.pk, "email": bob.email, "full_name": bob.full_name},
        "created_at": iso(assignment.created_at),
    }


def test_it_refuses_a_user_of_another_organization(client_for, alice, carol, org_a):
    CollaborativeFactory(organization=org_a, slug="tf")

    response = client_for("alice").post(
        api_url("collaborative-leadership-list", org="org-a", collab="tf"),
        {"user_id": carol.pk, "role": "faculty"},
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"user_id": ["No member of this organization has this id."]}


def test_it_invites_by_e_mail(
    client_for, alice, org_a, mailoutbox, django_capture_on_commit_callbacks
):
    CollaborativeFactory(organization=org_a, slug="tf")

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("alice").post(
            api_url("collaborative-leadership-list", org="org-a", collab="tf"),
            {"email": "fay@example.org", "role": "chair"},
        )

    assert response.status_code == 202
    assert response.json()["email"] == "fay@example.org"
    assert mailoutbox[0].to == ["fay@example.org"]


def test_it_conflicts_on_a_role_held_already(client_for, alice, bob, org_a):
    collaborative = CollaborativeFactory(organization=org_a, slug="tf")
    CollaborativeRoleFactory(collaborative=collaborative, user=bob, role="staff")

    response = client_for("alice").post(
        api_url("collaborative-leadership-list", org="org-a", collab="tf"),
        {"user_id": bob.pk, "role": "staff"},
    )

    assert response.status_code == 409


def test_it_lists_leadership_in_a_fixed_number_of_queries(
    client_for, bob, org_a, django_assert_num_queries
):
    collaborative = CollaborativeFactory(organization=org_a, slug="tf")
    for _ in range(2):
        CollaborativeRoleFactory(collaborative=collaborative)
    client = client_for("bob")
    url = api_url("collaborative-leadership-list", org="org-a", collab="tf")
    # 1 session, 2 user, 3 organization by slug, 4 collaborative by slug (middleware),
    # 5 the caller's membership, 6 the caller's leadership roles, 7 the caller's roster
    # places (permission), 8 savepoint, 9 the roles with their users, 10 release savepoint.
    with django_assert_num_queries(10):
        client.get(url)
    for _ in range(48):
        CollaborativeRoleFactory(collaborative=collaborative)

    with django_assert_num_queries(10):
        response = client.get(url)
    assert len(response.json()) == 50


def test_faculty_read_but_do_not_configure(client_for, bob, org_a):
    collaborative = CollaborativeFactory(organization=org_a, slug="tf")
    CollaborativeRoleFactory(collaborative=collaborative, user=bob, role="faculty")
    client = client_for("bob")

    read = client.get(api_url("collaborative-detail", org="org-a", collab="tf"))
    write = client.patch(api_url("collaborative-detail", org="org-a", collab="tf"), {"topic": "x"})

    assert (read.status_code, write.status_code) == (200, 403)


def test_collaborative_staff_configure_but_do_not_create(client_for, bob, org_a):
    collaborative = CollaborativeFactory(organization=org_a, slug="tf")
    CollaborativeRoleFactory(collaborative=collaborative, user=bob, role="staff")
    client = client_for("bob")

    write = client.patch(api_url("collaborative-detail", org="org-a", collab="tf"), {"topic": "x"})
    copy = client.post(
        api_url("collaborative-copy", org="org-a", collab="tf"),
        {"name": "Wave 2", "slug": "wave-2", "start_date": "2027-01-01"},
    )

    assert (write.status_code, copy.status_code) == (200, 403)


# --- Cross-tenant ---------------------------------------------------------------------------


def test_a_collaborative_of_another_organization_is_404_under_this_one(client_for, alice, org_b):
    CollaborativeFactory(organization=org_b, slug="b-only")

    response = client_for("alice").get(
        api_url("collaborative-detail", org="org-a", collab="b-only")
    )

    assert response.status_code == 404


def test_a_goal_of_another_organization_is_404_under_this_one(client_for, alice, org_a, org_b):
    CollaborativeFactory(organization=org_a, slug="tf")
    foreign = AimGoalFactory(collaborative=CollaborativeFactory(organization=org_b, slug="tf"))
    client = client_for("alice")
    url = api_url("collaborative-goal-detail", org="org-a", collab="tf", pk=foreign.pk)

    assert client.get(url).status_code == 404
    assert client.patch(url, {"target": 1}).status_code == 404
    assert client.delete(url).status_code == 404
    with scopes_disabled():
        assert AimGoal.objects.filter(pk=foreign.pk).exists()


def test_a_leader_of_another_organization_is_404_under_this_one(client_for, alice, org_a, org_b):
    CollaborativeFactory(organization=org_a, slug="tf")
    foreign = CollaborativeRoleFactory(
        collaborative=CollaborativeFactory(organization=org_b, slug="tf")
    )
    client = client_for("alice")
    url = api_url("collaborative-leadership-detail", org="org-a", collab="tf", pk=foreign.pk)

    assert client.get(url).status_code == 404
    assert client.delete(url).status_code == 404


def test_a_goal_of_another_collaborative_is_404(client_for, alice, org_a):
    CollaborativeFactory(organization=org_a, slug="tf")
    other = AimGoalFactory(collaborative=CollaborativeFactory(organization=org_a))

    response = client_for("alice").get(
        api_url("collaborative-goal-detail", org="org-a", collab="tf", pk=other.pk)
    )

    assert response.status_code == 404
