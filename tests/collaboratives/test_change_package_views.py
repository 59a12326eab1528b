"""The change package pages: the diagram for every member, the edit mode for editors."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from accounts.models import Role
from bsc.audit import AuditEntry
from collaboratives.models import ChangeIdea, Driver
from tests.factories import (
    AimGoalFactory,
    ChangeIdeaFactory,
    CollaborativeFactory,
    CollaborativeRoleFactory,
    DriverFactory,
    MembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def collaborative(org_a):
    return CollaborativeFactory(
        organization=org_a,
        slug="tf-cbt",
        name="TF-CBT 2026",
        aim_statement="Raise treatment completion from 40% to 70% by December.",
    )


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


def url(name: str, collaborative, **kwargs) -> str:
    return reverse(name, kwargs={"org": "org-a", "collab": collaborative.slug, **kwargs})


# --- The diagram -------------------------------------------------------------------------


def test_the_diagram_shows_aim_drivers_and_ideas_in_order(
    bob_client, collaborative, primary, secondary
):
    AimGoalFactory(collaborative=collaborative, description="Completion", baseline=40, target=70)
    ChangeIdeaFactory(
        driver=secondary,
        title="Call within 48 hours",
        evidence="McKay et al. 2004",
        resources="https://example.org/phone-script\nEngagement checklist",
    )

    response = bob_client.get(url("change_package", collaborative))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Raise treatment completion from 40% to 70% by December." in page
    assert "Completion:" in page and "from 40% to 70%" in page
    positions = [
        page.index(text)
        for text in ("Engaged families", "First contact", "Call within 48 hours", "McKay")
    ]
    assert positions == sorted(positions)
    assert '<a href="https://example.org/phone-script"' in page
    assert "Engagement checklist" in page
    # Nested lists, so a screen reader hears the structure.
    assert '<ol class="dd-list dd-primaries" aria-label="Primary drivers">' in page
    assert 'aria-label="Secondary drivers of Engaged families"' in page
    assert 'aria-label="Change ideas for First contact"' in page


def test_the_diagram_links_its_print_stylesheet(bob_client, collaborative):
    response = bob_client.get(url("change_package", collaborative))

    link = '<link rel="stylesheet" href="/static/css/driver-diagram.css">'
    assert link in response.content.decode()


def test_the_print_stylesheet_hides_buttons_and_keeps_rows_together():
    from django.contrib.staticfiles import finders

    with open(finders.find("css/driver-diagram.css")) as stylesheet:
        css = stylesheet.read()
    print_rules = css[css.index("@media print") :]
    assert ".btn" in print_rules and ".navbar" in print_rules and ".collab-nav" in print_rules
    assert "break-inside: avoid" in print_rules
    assert "size: landscape" in print_rules


def test_a_member_reads_the_diagram_without_edit_buttons(bob_client, collaborative, primary):
    page = bob_client.get(url("change_package", collaborative)).content.decode()

    assert "Engaged families" in page
    assert url("change_package_edit", collaborative) not in page


def test_faculty_see_the_edit_button(client, faculty, collaborative, primary):
    client.force_login(faculty)

    page = client.get(url("change_package", collaborative)).content.decode()

    assert url("change_package_edit", collaborative) in page


def test_the_diagram_says_when_there_are_no_drivers(bob_client, collaborative):
    page = bob_client.get(url("change_package", collaborative)).content.decode()

    assert "No drivers yet." in page


def test_the_sub_navigation_lists_the_change_package(bob_client, collaborative):
    page = bob_client.get(url("change_package", collaborative)).content.decode()

    assert f'href="{url("change_package", collaborative)}" aria-current="page"' in page


def test_the_diagram_runs_the_same_queries_for_few_and_many_drivers(
    bob_client, collaborative, primary, django_assert_num_queries
):
    # 1 session, 2 user, 3 organization by slug, 4 the visitor's membership, 5 collaborative
    # by slug, 6 the visitor's leadership roles, 7 their roster places (middleware),
    # 8 savepoint (ATOMIC_REQUESTS), 9 drivers, 10 change ideas, 11 the aim's goals,
    # 12 the organization switcher in the navbar, 13 release savepoint.
    with django_assert_num_queries(13):
        response = bob_client.get(url("change_package", collaborative))
    assert response.status_code == 200

    for index in range(10):
        driver = DriverFactory(collaborative=collaborative, title=f"Primary {index}")
        ChangeIdeaFactory(driver=driver)
        for inner in range(3):
            child = DriverFactory(collaborative=collaborative, parent=driver)
            ChangeIdeaFactory(driver=child, title=f"Idea {index}.{inner}")
            ChangeIdeaFactory(driver=child)
    AimGoalFactory(collaborative=collaborative)

    with django_assert_num_queries(13):
        response = bob_client.get(url("change_package", collaborative))
    assert response.content.decode().count('class="dd-card dd-idea"') == 70


# --- The edit mode ---------------------------------------------------------------------------


def test_a_member_cannot_open_the_edit_mode(bob_client, collaborative):
    assert bob_client.get(url("change_package_edit", collaborative)).status_code == 403


def test_the_edit_mode_runs_the_same_queries_for_few_and_many_drivers(
    alice_client, collaborative, primary, django_assert_num_queries
):
    # As for the diagram: 1-7 session, user and the middleware's look-ups, 8 savepoint,
    # 9 drivers, 10 change ideas, 11 goals, 12 the organization switcher, 13 release.
    with django_assert_num_queries(13):
        alice_client.get(url("change_package_edit", collaborative))
    for index in range(10):
        driver = DriverFactory(collaborative=collaborative, title=f"Primary {index}")
        for _ in range(3):
            ChangeIdeaFactory(driver=DriverFactory(collaborative=collaborative, parent=driver))
    with django_assert_num_queries(13):
        response = alice_client.get(url("change_package_edit", collaborative))
    assert response.content.decode().count('class="cp-item cp-idea"') == 30


def test_the_edit_mode_has_a_toolbar_per_driver(client, faculty, collaborative, primary, secondary):
    client.force_login(faculty)

    page = client.get(url("change_package_edit", collaborative)).content.decode()

    assert url("driver_move", collaborative, pk=secondary.pk) in page
    assert url("driver_update", collaborative, pk=primary.pk) in page
    assert f"?parent={primary.pk}" in page
    assert "Move Engaged families up" in page


def test_faculty_add_a_secondary_driver(client, faculty, collaborative, primary):
    client.force_login(faculty)

    response = client.post(
        url("driver_create", collaborative),
        {"title": "First contact", "description": "", "parent": primary.pk},
    )

    with scopes_disabled():
        driver = Driver.objects.get(title="First contact")
        assert AuditEntry.objects.filter(
            action="bsc.change_package.driver_created", actor=faculty
        ).exists()
    assert driver.parent == primary
    assert response.status_code == 302
    edit = url("change_package_edit", collaborative)
    assert response["Location"] == f"{edit}#driver-{driver.pk}"


def test_the_driver_form_offers_only_primary_drivers_as_parents(
    client, faculty, collaborative, primary, secondary
):
    client.force_login(faculty)

    response = client.get(url("driver_create", collaborative))

    choices = [value for value, _label in response.context["form"].fields["parent"].choices]
    assert choices == ["", primary.pk]


def test_a_parent_from_another_collaborative_gets_a_message_on_the_field(
    client, faculty, collaborative, org_a
):
    other = DriverFactory(collaborative=CollaborativeFactory(organization=org_a))
    client.force_login(faculty)

    response = client.post(url("driver_create", collaborative), {"title": "X", "parent": other.pk})

    assert response.status_code == 200
    assert response.context["form"].errors["parent"]
    with scopes_disabled():
        assert not Driver.objects.filter(title="X").exists()


def test_a_member_cannot_add_a_driver(bob_client, collaborative):
    response = bob_client.post(url("driver_create", collaborative), {"title": "X"})

    assert response.status_code == 403
    with scopes_disabled():
        assert not Driver.objects.exists()


def test_editing_a_driver_saves_it(alice_client, collaborative, primary):
    response = alice_client.post(
        url("driver_update", collaborative, pk=primary.pk),
        {"title": "Families engaged early", "description": "From the first call", "parent": ""},
    )

    assert response.status_code == 302
    with scopes_disabled():
        primary.refresh_from_db()
    assert primary.title == "Families engaged early"
    assert primary.description == "From the first call"


def test_a_driver_of_another_collaborative_is_404(alice_client, collaborative, org_a):
    other = DriverFactory(collaborative=CollaborativeFactory(organization=org_a))

    response = alice_client.get(url("driver_update", collaborative, pk=other.pk))

    assert response.status_code == 404


def test_moving_a_driver_down_reorders(alice_client, collaborative, primary):
    DriverFactory(collaborative=collaborative, title="Timely access", order=1)

    response = alice_client.post(
        url("driver_move", collaborative, pk=primary.pk), {"direction": "down"}
    )

    assert response.status_code == 302
    assert response["Location"].endswith(f"#driver-{primary.pk}")
    with scopes_disabled():
        assert list(Driver.objects.values_list("title", flat=True)) == [
            "Timely access",
            "Engaged families",
        ]


def test_deleting_a_driver_with_contents_asks_for_confirmation(
    alice_client, collaborative, primary, secondary
):
    ChangeIdeaFactory(driver=secondary, title="Call within 48 hours")

    page = alice_client.get(url("driver_delete", collaborative, pk=primary.pk)).content.decode()
    assert "1 secondary driver" in page and "1 change idea" in page
    assert "Call within 48 hours" in page

    response = alice_client.post(url("driver_delete", collaborative, pk=primary.pk))

    assert response.status_code == 409
    assert "still has 1 secondary driver and 1 change idea" in response.content.decode()
    with scopes_disabled():
        assert Driver.objects.count() == 2


def test_deleting_a_driver_with_confirmation_deletes_everything_under_it(
    alice_client, collaborative, primary, secondary
):
    ChangeIdeaFactory(driver=secondary)

    response = alice_client.post(
        url("driver_delete", collaborative, pk=primary.pk), {"confirm_all": "on"}
    )

    assert response.status_code == 302
    with scopes_disabled():
        assert not Driver.objects.exists()
        assert not ChangeIdea.objects.exists()


def test_adding_a_change_idea_preselects_the_driver(alice_client, collaborative, secondary):
    create = url("change_idea_create", collaborative)
    response = alice_client.get(f"{create}?driver={secondary.pk}")

    assert response.context["form"]["driver"].value() == str(secondary.pk)


def test_adding_a_change_idea_before_any_driver_sends_you_to_add_a_driver(
    alice_client, collaborative
):
    response = alice_client.get(url("change_idea_create", collaborative))

    assert response.status_code == 302
    assert response["Location"] == url("change_package_edit", collaborative)


def test_faculty_add_a_change_idea(client, faculty, collaborative, secondary):
    client.force_login(faculty)

    response = client.post(
        url("change_idea_create", collaborative),
        {
            "driver": secondary.pk,
            "title": "Call within 48 hours",
            "description": "",
            "evidence": "McKay 2004",
            "resources": "",
        },
    )

    assert response.status_code == 302
    with scopes_disabled():
        idea = ChangeIdea.objects.get()
    assert idea.driver == secondary
    assert idea.evidence == "McKay 2004"


def test_editing_a_change_idea_can_move_it_to_another_driver(
    alice_client, collaborative, primary, secondary
):
    idea = ChangeIdeaFactory(driver=secondary, title="Call within 48 hours")

    response = alice_client.post(
        url("change_idea_update", collaborative, pk=idea.pk),
        {"driver": primary.pk, "title": "Call within 48 hours"},
    )

    assert response.status_code == 302
    with scopes_disabled():
        idea.refresh_from_db()
    assert idea.driver == primary


def test_deleting_a_change_idea(alice_client, collaborative, secondary):
    idea = ChangeIdeaFactory(driver=secondary, title="Call within 48 hours")

    assert alice_client.get(url("change_idea_delete", collaborative, pk=idea.pk)).status_code == 200
    response = alice_client.post(url("change_idea_delete", collaborative, pk=idea.pk))

    assert response.status_code == 302
    with scopes_disabled():
        assert not ChangeIdea.objects.exists()


def test_an_archived_collaborative_has_no_edit_mode(alice_client, collaborative, primary):
    from django.utils import timezone

    collaborative.archived_at = timezone.now()
    collaborative.save()

    diagram = alice_client.get(url("change_package", collaborative)).content.decode()
    response = alice_client.get(url("change_package_edit", collaborative))

    assert url("change_package_edit", collaborative) not in diagram
    assert response.status_code == 302


def test_the_audit_log_filters_change_package_entries(alice_client, collaborative, alice):
    from django_scopes import scope

    from collaboratives.services import change_package as services

    with scope(organization=collaborative.organization):
        services.driver_create(collaborative=collaborative, title="Timely access", actor=alice)

    response = alice_client.get(
        reverse("audit_log", args=["org-a"]), {"action": "bsc.change_package"}
    )

    page = response.content.decode()
    assert "added the primary driver “Timely access” to the change package of “TF-CBT 2026”" in page
