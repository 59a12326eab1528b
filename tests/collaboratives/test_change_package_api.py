"""The change package API: drivers, change-ideas and the change-package tree."""

from __future__ import annotations

import pytest
from django_scopes import scopes_disabled

from accounts.models import Role
from bsc.audit import AuditEntry
from collaboratives.models import ChangeIdea, Driver
from tests.api.helpers import absolute, api_url
from tests.factories import (
    AimGoalFactory,
    ApiTokenFactory,
    ChangeIdeaFactory,
    CollaborativeFactory,
    CollaborativeRoleFactory,
    DriverFactory,
    MembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

BASE = "/api/v1/organizations/org-a/collaboratives/tf-cbt"


@pytest.fixture
def collaborative(org_a):
    return CollaborativeFactory(
        organization=org_a, slug="tf-cbt", name="TF-CBT 2026", aim_statement="Reach 70%."
    )


@pytest.fixture
def client_for(request, api_client):
    """A client signed in (by session) as the named persona, or anonymous."""

    def sign_in(persona: str):
        if persona != "anonymous":
            api_client.force_login(request.getfixturevalue(persona))
        return api_client

    return sign_in


@pytest.fixture
def faculty(org_a, collaborative):
    user = UserFactory(email="fiona@example.org", full_name="Fiona Faculty")
    MembershipFactory(user=user, organization=org_a, role=Role.MEMBER)
    CollaborativeRoleFactory(collaborative=collaborative, user=user, role="faculty")
    return user


@pytest.fixture
def primary(collaborative):
    return DriverFactory(collaborative=collaborative, title="Engaged families")


@pytest.fixture
def secondary(collaborative, primary):
    return DriverFactory(collaborative=collaborative, parent=primary, title="First contact")


def driver_body(driver: Driver) -> dict[str, object]:
    return {
        "id": driver.pk,
        "url": absolute(f"{BASE}/drivers/{driver.pk}/"),
        "parent": driver.parent_id,
        "level": "primary" if driver.parent_id is None else "secondary",
        "title": driver.title,
        "description": driver.description,
        "order": driver.order,
    }


def idea_body(idea: ChangeIdea) -> dict[str, object]:
    return {
        "id": idea.pk,
        "url": absolute(f"{BASE}/change-ideas/{idea.pk}/"),
        "driver": idea.driver_id,
        "title": idea.title,
        "description": idea.description,
        "evidence": idea.evidence,
        "resources": idea.resources,
        "order": idea.order,
    }


def urls(name: str, **kwargs: object) -> str:
    return api_url(name, org="org-a", collab="tf-cbt", **kwargs)


# --- Drivers ----------------------------------------------------------------------------


def test_it_lists_primary_drivers_first(client_for, collaborative, primary, secondary):
    later = DriverFactory(collaborative=collaborative, title="Timely access", order=1)

    response = client_for("bob").get(urls("driver-list"))

    assert response.status_code == 200
    assert response.json()["results"] == [
        driver_body(primary),
        driver_body(later),
        driver_body(secondary),
    ]


def test_it_lists_one_primary_drivers_secondaries(client_for, collaborative, primary, secondary):
    DriverFactory(collaborative=collaborative, title="Timely access")

    response = client_for("bob").get(urls("driver-list"), {"parent": primary.pk})

    assert [row["id"] for row in response.json()["results"]] == [secondary.pk]


def test_it_lists_only_primary_drivers_by_level(client_for, primary, secondary):
    response = client_for("bob").get(urls("driver-list"), {"level": "primary"})

    assert [row["id"] for row in response.json()["results"]] == [primary.pk]


def test_a_bad_parent_filter_is_a_400(client_for, primary):
    response = client_for("bob").get(urls("driver-list"), {"parent": "first"})

    assert response.status_code == 400
    assert response.json()["errors"] == {"parent": ["Give the id of a driver, a whole number."]}


def test_faculty_create_a_secondary_driver(client_for, faculty, primary):
    response = client_for("faculty").post(
        urls("driver-list"), {"title": "First contact", "parent": primary.pk}, format="json"
    )

    assert response.status_code == 201, response.json()
    with scopes_disabled():
        driver = Driver.objects.get(title="First contact")
        entry = AuditEntry.objects.get(action="bsc.change_package.driver_created")
    assert response.json() == driver_body(driver)
    assert driver.parent == primary
    assert entry.actor == faculty


def test_a_token_is_recorded_as_the_actor(api_client, alice, org_a, collaborative):
    alice_token = ApiTokenFactory(user=alice, organization=org_a)
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {alice_token.raw}")
    response = api_client.post(urls("driver-list"), {"title": "Timely access"}, format="json")

    assert response.status_code == 201
    with scopes_disabled():
        entry = AuditEntry.objects.get(action="bsc.change_package.driver_created")
    assert entry.actor_token == alice_token


def test_a_secondary_driver_as_parent_is_a_400_with_the_services_message(
    client_for,
    secondary,
):
    response = client_for("alice").post(
        urls("driver-list"), {"title": "Too deep", "parent": secondary.pk}, format="json"
    )

    assert response.status_code == 400
    body = response.json()
    assert list(body["errors"]) == ["parent"]
    assert "two levels of drivers" in body["errors"]["parent"][0]
    assert body["detail"].startswith("parent: ")
    with scopes_disabled():
        assert not Driver.objects.filter(title="Too deep").exists()


def test_a_parent_from_another_collaborative_is_a_400(client_for, collaborative, org_a):
    other = DriverFactory(collaborative=CollaborativeFactory(organization=org_a))

    response = client_for("alice").post(
        urls("driver-list"), {"title": "Borrowed", "parent": other.pk}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "parent": ["Choose a primary driver of this collaborative as the parent."]
    }


def test_a_parent_from_another_organization_is_unknown(client_for, collaborative, org_b):
    foreign = DriverFactory(collaborative=CollaborativeFactory(organization=org_b))

    response = client_for("alice").post(
        urls("driver-list"), {"title": "Borrowed", "parent": foreign.pk}, format="json"
    )

    assert response.status_code == 400
    assert "does not exist" in response.json()["errors"]["parent"][0]


def test_a_missing_title_is_a_400(client_for, collaborative):
    response = client_for("alice").post(urls("driver-list"), {"title": ""}, format="json")

    assert response.status_code == 400
    assert "title" in response.json()["errors"]


def test_patch_moves_a_driver_to_a_position(client_for, collaborative, primary):
    DriverFactory(collaborative=collaborative, title="Timely access", order=1)
    last = DriverFactory(collaborative=collaborative, title="Skilled staff", order=2)

    response = client_for("alice").patch(
        urls("driver-detail", pk=last.pk), {"order": 0}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["order"] == 0
    with scopes_disabled():
        assert list(Driver.objects.values_list("title", flat=True)) == [
            "Skilled staff",
            "Engaged families",
            "Timely access",
        ]


def test_patch_turns_a_secondary_driver_into_a_primary_one(client_for, secondary):
    response = client_for("alice").patch(
        urls("driver-detail", pk=secondary.pk), {"parent": None}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["level"] == "primary"


def test_put_changes_a_driver(client_for, primary):
    response = client_for("alice").put(
        urls("driver-detail", pk=primary.pk),
        {"title": "Families engaged early", "description": "From the first call"},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["title"] == "Families engaged early"


def test_deleting_a_driver_with_contents_is_a_409(client_for, primary, secondary):
    response = client_for("alice").delete(urls("driver-detail", pk=primary.pk))

    assert response.status_code == 409
    assert response.json()["detail"] == (
        "“Engaged families” still has 1 secondary driver. Move them to another driver first, "
        "or confirm that you want to delete them all with it."
    )
    with scopes_disabled():
        assert Driver.objects.count() == 2


def test_deleting_a_driver_with_confirm_deletes_its_contents(client_for, primary, secondary):
    ChangeIdeaFactory(driver=secondary)

    response = client_for("alice").delete(urls("driver-detail", pk=primary.pk) + "?confirm=true")

    assert response.status_code == 204
    with scopes_disabled():
        assert not Driver.objects.exists()
        assert not ChangeIdea.objects.exists()


def test_writing_to_an_archived_collaborative_is_a_409(client_for, collaborative):
    from django.utils import timezone

    collaborative.archived_at = timezone.now()
    collaborative.save()

    response = client_for("alice").post(urls("driver-list"), {"title": "Late"}, format="json")

    assert response.status_code == 409


# --- Change ideas -------------------------------------------------------------------------


def test_it_creates_a_change_idea(client_for, faculty, secondary):
    response = client_for("faculty").post(
        urls("change-idea-list"),
        {
            "driver": secondary.pk,
            "title": "Call within 48 hours",
            "evidence": "McKay 2004",
            "resources": "https://example.org/script",
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    with scopes_disabled():
        idea = ChangeIdea.objects.get()
    assert response.json() == idea_body(idea)
    assert idea.collaborative_id == secondary.collaborative_id


def test_it_lists_one_drivers_change_ideas(client_for, primary, secondary):
    mine = ChangeIdeaFactory(driver=secondary)
    ChangeIdeaFactory(driver=primary)

    response = client_for("bob").get(urls("change-idea-list"), {"driver": secondary.pk})

    assert response.json()["results"] == [idea_body(mine)]


def test_a_change_idea_on_another_collaboratives_driver_is_a_400(client_for, collaborative, org_a):
    other = DriverFactory(collaborative=CollaborativeFactory(organization=org_a))

    response = client_for("alice").post(
        urls("change-idea-list"), {"driver": other.pk, "title": "Borrowed"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"driver": ["Choose a driver of this collaborative."]}


def test_patch_moves_a_change_idea_to_another_driver(client_for, primary, secondary):
    idea = ChangeIdeaFactory(driver=secondary)

    response = client_for("alice").patch(
        urls("change-idea-detail", pk=idea.pk), {"driver": primary.pk}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["driver"] == primary.pk


def test_it_deletes_a_change_idea(client_for, secondary):
    idea = ChangeIdeaFactory(driver=secondary)

    response = client_for("alice").delete(urls("change-idea-detail", pk=idea.pk))

    assert response.status_code == 204
    with scopes_disabled():
        assert not ChangeIdea.objects.exists()


# --- The tree ------------------------------------------------------------------------------


def test_the_change_package_endpoint_returns_the_whole_tree(
    client_for,
    collaborative,
    primary,
    secondary,
):
    AimGoalFactory(collaborative=collaborative, description="Completion", baseline=40, target=70)
    idea = ChangeIdeaFactory(driver=secondary, title="Call within 48 hours")
    direct = ChangeIdeaFactory(driver=primary, title="Straight under")

    response = client_for("bob").get(urls("change-package"))

    assert response.status_code == 200
    body = response.json()
    assert body["aim"] == "Reach 70%."
    assert body["goals"] == [
        {"description": "Completion", "baseline": "40.000", "target": "70.000", "unit": "%"}
    ]
    [tree] = body["primary_drivers"]
    assert tree["id"] == primary.pk
    assert tree["number"] == "1"
    assert tree["url"] == absolute(f"{BASE}/drivers/{primary.pk}/")
    assert [row["id"] for row in tree["change_ideas"]] == [direct.pk]
    [branch] = tree["secondary_drivers"]
    assert branch["number"] == "1.1"
    assert branch["change_ideas"][0]["id"] == idea.pk
    assert branch["change_ideas"][0]["number"] == "1.1.1"
    assert branch["change_ideas"][0]["url"] == absolute(f"{BASE}/change-ideas/{idea.pk}/")


# --- Cross-tenant ----------------------------------------------------------------------------


def test_another_organizations_drivers_and_ideas_are_404_under_org_a(
    client_for,
    collaborative,
    org_b,
):
    foreign_collab = CollaborativeFactory(organization=org_b, slug="tf-cbt")
    foreign_driver = DriverFactory(collaborative=foreign_collab)
    foreign_idea = ChangeIdeaFactory(driver=foreign_driver)
    client = client_for("alice")

    for method in ("get", "patch", "put", "delete"):
        response = getattr(client, method)(urls("driver-detail", pk=foreign_driver.pk))
        assert response.status_code == 404, method
        response = getattr(client, method)(urls("change-idea-detail", pk=foreign_idea.pk))
        assert response.status_code == 404, method
    assert client.get(urls("driver-list")).json()["results"] == []
    with scopes_disabled():
        assert Driver.objects.filter(pk=foreign_driver.pk).exists()


def test_another_collaboratives_driver_is_404_under_this_one(client_for, collaborative, org_a):
    other = DriverFactory(collaborative=CollaborativeFactory(organization=org_a))

    response = client_for("alice").get(urls("driver-detail", pk=other.pk))

    assert response.status_code == 404


def test_the_driver_list_runs_the_same_queries_for_few_and_many(
    client_for,
    collaborative,
    primary,
    django_assert_num_queries,
):
    client = client_for("bob")
    # 1 session, 2 user, 3 organization by slug, 4 collaborative by slug (middleware),
    # 5 membership, 6 leadership roles, 7 roster places (OrganizationPermission),
    # 8 savepoint, 9 count, 10 the page of drivers, 11 release savepoint.
    with django_assert_num_queries(11):
        client.get(urls("driver-list"))
    for index in range(20):
        DriverFactory(collaborative=collaborative, parent=primary if index % 2 else None)
    with django_assert_num_queries(11):
        response = client.get(urls("driver-list"))
    assert response.json()["count"] == 21


def test_the_tree_runs_the_same_queries_for_few_and_many(
    client_for,
    collaborative,
    primary,
    django_assert_num_queries,
):
    client = client_for("bob")
    # 1-7 as for the list, 8 savepoint, 9 drivers, 10 change ideas, 11 goals, 12 release.
    with django_assert_num_queries(12):
        client.get(urls("change-package"))
    for _ in range(10):
        child = DriverFactory(collaborative=collaborative, parent=primary)
        ChangeIdeaFactory(driver=child)
    with django_assert_num_queries(12):
        client.get(urls("change-package"))
