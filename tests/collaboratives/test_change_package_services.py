"""The change package services: nesting rules, ordering, deleting, and the audit log."""

from __future__ import annotations

import pytest
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from bsc.audit import AuditEntry
from bsc.exceptions import ConflictError, DomainError
from collaboratives.models import ChangeIdea, Driver
from collaboratives.selectors.change_package import change_package_for
from collaboratives.services import change_package as services
from tests.factories import ChangeIdeaFactory, CollaborativeFactory, DriverFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def collaborative(org_a):
    return CollaborativeFactory(organization=org_a, slug="tf-cbt", name="TF-CBT 2026")


@pytest.fixture
def primary(collaborative):
    return DriverFactory(collaborative=collaborative, title="Engaged families")


def _titles(model, **filters) -> list[str]:
    with scopes_disabled():
        rows = model.objects.filter(**filters).order_by("order", "id")
        return list(rows.values_list("title", flat=True))


def _last_entry(org) -> AuditEntry:
    with scopes_disabled():
        return AuditEntry.objects.filter(organization=org).first()


# --- Creating drivers ---------------------------------------------------------------


def test_it_creates_a_primary_driver_last_with_an_audit_entry(collaborative, primary, alice, org_a):
    with scope(organization=org_a):
        driver = services.driver_create(
            collaborative=collaborative, title="  Timely access  ", actor=alice
        )

    assert driver.title == "Timely access"
    assert driver.parent is None
    assert _titles(Driver, parent=None) == ["Engaged families", "Timely access"]
    entry = _last_entry(org_a)
    assert entry.action == "bsc.change_package.driver_created"
    assert entry.actor == alice
    assert entry.data["title"] == "Timely access"
    assert entry.description == (
        "added the primary driver “Timely access” to the change package of “TF-CBT 2026”"
    )


def test_it_creates_a_secondary_driver_under_a_primary_one(collaborative, primary, alice, org_a):
    with scope(organization=org_a):
        driver = services.driver_create(
            collaborative=collaborative, title="First contact", parent=primary, actor=alice
        )

    assert driver.parent == primary
    entry = _last_entry(org_a)
    assert entry.description.startswith("added the secondary driver “First contact”")
    assert entry.data["parent"] == "Engaged families"


def test_it_refuses_a_secondary_driver_under_a_secondary_one(collaborative, primary, alice, org_a):
    secondary = DriverFactory(collaborative=collaborative, parent=primary, title="First contact")

    with scope(organization=org_a), pytest.raises(DomainError) as raised:
        services.driver_create(
            collaborative=collaborative, title="Too deep", parent=secondary, actor=alice
        )

    assert raised.value.field == "parent"
    assert "two levels of drivers" in raised.value.message
    with scopes_disabled():
        assert not Driver.objects.filter(title="Too deep").exists()


def test_it_refuses_a_parent_from_another_collaborative(collaborative, alice, org_a):
    other = DriverFactory(collaborative=CollaborativeFactory(organization=org_a))

    with scope(organization=org_a), pytest.raises(DomainError) as raised:
        services.driver_create(
            collaborative=collaborative, title="Borrowed", parent=other, actor=alice
        )

    assert raised.value.field == "parent"
    assert raised.value.message == "Choose a primary driver of this collaborative as the parent."
    with scopes_disabled():
        assert not Driver.objects.filter(title="Borrowed").exists()
        assert not AuditEntry.objects.filter(action__startswith="bsc.change_package").exists()


def test_it_refuses_an_empty_title(collaborative, alice, org_a):
    with scope(organization=org_a), pytest.raises(DomainError) as raised:
        services.driver_create(collaborative=collaborative, title="   ", actor=alice)

    assert raised.value.field == "title"
    assert raised.value.message == "Enter a title."


def test_it_refuses_a_title_longer_than_the_field(collaborative, alice, org_a):
    with scope(organization=org_a), pytest.raises(DomainError) as raised:
        services.driver_create(collaborative=collaborative, title="x" * 301, actor=alice)

    assert raised.value.field == "title"
    assert "keep it to 300" in raised.value.message


def test_it_refuses_changes_to_an_archived_collaborative(collaborative, alice, org_a):
    collaborative.archived_at = timezone.now()
    collaborative.save()

    with scope(organization=org_a), pytest.raises(ConflictError):
        services.driver_create(collaborative=collaborative, title="Late", actor=alice)

    with scopes_disabled():
        assert not Driver.objects.filter(title="Late").exists()


# --- Changing drivers ---------------------------------------------------------------------


def test_it_turns_a_secondary_driver_into_a_primary_one(collaborative, primary, alice, org_a):
    secondary = DriverFactory(collaborative=collaborative, parent=primary, title="First contact")

    with scope(organization=org_a):
        services.driver_update(driver=secondary, parent=None, actor=alice)

    with scopes_disabled():
        secondary.refresh_from_db()
    assert secondary.parent is None
    assert secondary.order == 1
    entry = _last_entry(org_a)
    assert entry.action == "bsc.change_package.driver_changed"
    assert entry.data["changes"]["parent"] == ["Engaged families", ""]


def test_it_keeps_a_primary_driver_with_secondaries_at_the_top(
    collaborative, primary, alice, org_a
):
    DriverFactory(collaborative=collaborative, parent=primary)
    other = DriverFactory(collaborative=collaborative, title="Timely access")

    with scope(organization=org_a), pytest.raises(DomainError) as raised:
        services.driver_update(driver=primary, parent=other, actor=alice)

    assert raised.value.field == "parent"
    assert "must stay a primary driver" in raised.value.message
    with scopes_disabled():
        primary.refresh_from_db()
    assert primary.parent is None


def test_it_refuses_a_driver_as_its_own_parent(collaborative, primary, alice, org_a):
    with scope(organization=org_a), pytest.raises(DomainError) as raised:
        services.driver_update(driver=primary, parent=primary, actor=alice)

    assert raised.value.field == "parent"


def test_it_writes_no_audit_entry_when_nothing_changed(collaborative, primary, alice, org_a):
    with scope(organization=org_a):
        services.driver_update(driver=primary, title="Engaged families", actor=alice)

    with scopes_disabled():
        assert not AuditEntry.objects.exists()


def test_it_moves_a_driver_up_and_renumbers_its_siblings(collaborative, primary, alice, org_a):
    second = DriverFactory(collaborative=collaborative, title="Timely access")
    third = DriverFactory(collaborative=collaborative, title="Skilled staff")

    with scope(organization=org_a):
        services.driver_move(driver=third, direction="up", actor=alice)

    assert _titles(Driver, parent=None) == [
        "Engaged families",
        "Skilled staff",
        "Timely access",
    ]
    with scopes_disabled():
        assert sorted(Driver.objects.values_list("order", flat=True)) == [0, 1, 2]
        second.refresh_from_db()
    assert second.order == 2
    assert _last_entry(org_a).description == (
        "moved the driver “Skilled staff” up in the change package of “TF-CBT 2026”"
    )


def test_it_leaves_the_first_driver_in_place_when_moved_up(collaborative, primary, alice, org_a):
    DriverFactory(collaborative=collaborative, title="Timely access")

    with scope(organization=org_a):
        services.driver_move(driver=primary, direction="up", actor=alice)

    assert _titles(Driver, parent=None)[0] == "Engaged families"
    with scopes_disabled():
        assert not AuditEntry.objects.exists()


def test_it_places_a_driver_at_a_given_position(collaborative, primary, alice, org_a):
    DriverFactory(collaborative=collaborative, title="Timely access")
    last = DriverFactory(collaborative=collaborative, title="Skilled staff")

    with scope(organization=org_a):
        services.driver_update(driver=last, order=0, actor=alice)

    assert _titles(Driver, parent=None) == [
        "Skilled staff",
        "Engaged families",
        "Timely access",
    ]


# --- Deleting drivers -------------------------------------------------------------------------


def test_it_deletes_a_driver_without_contents(collaborative, primary, alice, org_a):
    later = DriverFactory(collaborative=collaborative, title="Timely access", order=1)

    with scope(organization=org_a):
        services.driver_delete(driver=primary, actor=alice)

    with scopes_disabled():
        assert list(Driver.objects.all()) == [later]
        later.refresh_from_db()
    assert later.order == 0
    assert _last_entry(org_a).action == "bsc.change_package.driver_deleted"


def test_it_refuses_to_delete_a_driver_that_still_has_contents(
    collaborative, primary, alice, org_a
):
    secondary = DriverFactory(collaborative=collaborative, parent=primary)
    ChangeIdeaFactory(driver=secondary)
    ChangeIdeaFactory(driver=secondary)

    with scope(organization=org_a), pytest.raises(ConflictError) as raised:
        services.driver_delete(driver=primary, actor=alice)

    assert raised.value.message == (
        "“Engaged families” still has 1 secondary driver and 2 change ideas. Move them to "
        "another driver first, or confirm that you want to delete them all with it."
    )
    with scopes_disabled():
        assert Driver.objects.count() == 2
        assert ChangeIdea.objects.count() == 2
        assert not AuditEntry.objects.exists()


def test_it_deletes_a_driver_with_everything_under_it_when_confirmed(
    collaborative, primary, alice, org_a
):
    secondary = DriverFactory(collaborative=collaborative, parent=primary)
    ChangeIdeaFactory(driver=secondary)
    ChangeIdeaFactory(driver=primary)
    keep = DriverFactory(collaborative=collaborative, title="Timely access")
    kept_idea = ChangeIdeaFactory(driver=keep)

    with scope(organization=org_a):
        services.driver_delete(driver=primary, delete_contents=True, actor=alice)

    with scopes_disabled():
        assert list(Driver.objects.all()) == [keep]
        assert list(ChangeIdea.objects.all()) == [kept_idea]
    entry = _last_entry(org_a)
    assert entry.data["secondary_drivers"] == 1
    assert entry.data["change_ideas"] == 2


# --- Change ideas -------------------------------------------------------------------------------


def test_it_creates_a_change_idea_under_a_driver(collaborative, primary, alice, org_a):
    secondary = DriverFactory(collaborative=collaborative, parent=primary, title="First contact")

    with scope(organization=org_a):
        idea = services.change_idea_create(
            collaborative=collaborative,
            driver=secondary,
            title="Call within 48 hours",
            evidence="McKay 2004",
            resources="https://example.org/script\n\nPhone script",
            actor=alice,
        )

    assert idea.driver == secondary
    assert idea.collaborative == collaborative
    assert idea.organization == org_a
    assert _last_entry(org_a).description == (
        "added the change idea “Call within 48 hours” under “First contact” in “TF-CBT 2026”"
    )


def test_it_refuses_a_change_idea_on_another_collaboratives_driver(collaborative, alice, org_a):
    other = DriverFactory(collaborative=CollaborativeFactory(organization=org_a))

    with scope(organization=org_a), pytest.raises(DomainError) as raised:
        services.change_idea_create(
            collaborative=collaborative, driver=other, title="Borrowed", actor=alice
        )

    assert raised.value.field == "driver"
    with scopes_disabled():
        assert not ChangeIdea.objects.exists()


def test_it_moves_a_change_idea_to_another_driver_last(collaborative, primary, alice, org_a):
    first = DriverFactory(collaborative=collaborative, parent=primary, title="First contact")
    second = DriverFactory(collaborative=collaborative, parent=primary, title="Follow-up")
    moving = ChangeIdeaFactory(driver=first, title="Moving", order=0)
    staying = ChangeIdeaFactory(driver=first, title="Staying", order=1)
    ChangeIdeaFactory(driver=second, title="Already there", order=0)

    with scope(organization=org_a):
        services.change_idea_update(idea=moving, driver=second, actor=alice)

    assert _titles(ChangeIdea, driver=second) == ["Already there", "Moving"]
    with scopes_disabled():
        staying.refresh_from_db()
    assert staying.order == 0
    entry = _last_entry(org_a)
    assert entry.data["changes"]["driver"] == ["First contact", "Follow-up"]


def test_it_refuses_to_move_a_change_idea_to_another_collaborative(
    collaborative, primary, alice, org_a
):
    idea = ChangeIdeaFactory(driver=primary)
    other = DriverFactory(collaborative=CollaborativeFactory(organization=org_a))

    with scope(organization=org_a), pytest.raises(DomainError) as raised:
        services.change_idea_update(idea=idea, driver=other, actor=alice)

    assert raised.value.field == "driver"
    with scopes_disabled():
        idea.refresh_from_db()
    assert idea.driver == primary


def test_it_moves_a_change_idea_down(collaborative, primary, alice, org_a):
    first = ChangeIdeaFactory(driver=primary, title="A")
    ChangeIdeaFactory(driver=primary, title="B")

    with scope(organization=org_a):
        services.change_idea_move(idea=first, direction="down", actor=alice)

    assert _titles(ChangeIdea) == ["B", "A"]
    assert _last_entry(org_a).action == "bsc.change_package.idea_moved"


def test_it_deletes_a_change_idea_and_closes_the_gap(collaborative, primary, alice, org_a):
    first = ChangeIdeaFactory(driver=primary, title="A", order=0)
    last = ChangeIdeaFactory(driver=primary, title="B", order=1)

    with scope(organization=org_a):
        services.change_idea_delete(idea=first, actor=alice)

    with scopes_disabled():
        last.refresh_from_db()
        assert list(ChangeIdea.objects.all()) == [last]
    assert last.order == 0
    assert _last_entry(org_a).description == "deleted the change idea “A” from “TF-CBT 2026”"


# --- The tree ----------------------------------------------------------------------------------


def test_the_selector_numbers_the_diagram(collaborative, primary, org_a, django_assert_num_queries):
    secondary = DriverFactory(collaborative=collaborative, parent=primary, title="First contact")
    ChangeIdeaFactory(driver=secondary, title="Call within 48 hours")
    ChangeIdeaFactory(driver=primary, title="Straight under")
    DriverFactory(collaborative=collaborative, title="Timely access")

    # 1 drivers, 2 change ideas, 3 the aim's goals.
    with scope(organization=org_a), django_assert_num_queries(3):
        package = change_package_for(collaborative)

    assert [node.number for node in package.primaries] == ["1", "2"]
    first = package.primaries[0]
    assert first.secondaries[0].number == "1.1"
    assert first.secondaries[0].ideas[0].number == "1.1.1"
    assert first.ideas[0].number == "1.0.1"
    assert package.idea_count == 2
    assert package.secondary_count == 1
