"""The measure pages: who sees and changes what, and a constant number of queries."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from measures.models import Measure, TeamGoal
from tests.factories import MeasureFactory
from tests.measures.definitions_support import make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(org_a, alice, bob):
    return make_world(org_a, alice, bob)


def url(world, name, **kwargs):
    return reverse(name, kwargs={"org": "org-a", "collab": world.collaborative.slug, **kwargs})


FORM = {
    "name": "Seen within 14 days",
    "code": "seen-14",
    "measure_type": "process",
    "shape": "percentage",
    "direction": "up",
    "default_chart": "run",
    "is_required": "on",
}


def test_every_member_reads_the_list(client, world):
    client.force_login(world.other)
    response = client.get(url(world, "measure_list"))
    assert response.status_code == 200
    assert "Completing treatment" in response.text
    assert "Alder waiting days" not in response.text


def test_the_team_sees_its_own_measure(client, world):
    client.force_login(world.member)
    assert "Alder waiting days" in client.get(url(world, "measure_list")).text


def test_another_team_cannot_open_a_team_measure(client, world):
    client.force_login(world.other)
    assert client.get(url(world, "measure_detail", pk=world.custom_a.pk)).status_code == 404


def test_the_list_links_to_measures_in_the_navigation(client, world):
    client.force_login(world.member)
    assert url(world, "measure_list") in client.get(url(world, "collaborative_home")).text


def test_staff_add_a_measure(client, world):
    client.force_login(world.staff)
    response = client.post(url(world, "measure_create"), FORM)
    assert response.status_code == 302
    with scopes_disabled():
        assert Measure.objects.get(code="seen-14").team is None


def test_a_mismatched_chart_shows_a_field_error(client, world):
    client.force_login(world.staff)
    response = client.post(url(world, "measure_create"), {**FORM, "default_chart": "c"})
    assert response.status_code == 400
    assert "run chart or a p chart" in response.text
    with scopes_disabled():
        assert not Measure.objects.filter(code="seen-14").exists()


def test_faculty_cannot_add_a_collaborative_measure(client, world):
    client.force_login(world.faculty)
    assert client.post(url(world, "measure_create"), FORM).status_code == 403


def test_a_team_lead_adds_a_team_measure(client, world):
    client.force_login(world.lead)
    response = client.post(url(world, "measure_create") + f"?team={world.team_a.pk}", FORM)
    assert response.status_code == 302
    with scopes_disabled():
        assert Measure.objects.get(code="seen-14").team == world.team_a


def test_a_plain_member_cannot_add_a_team_measure(client, world):
    client.force_login(world.member)
    response = client.post(url(world, "measure_create") + f"?team={world.team_a.pk}", FORM)
    assert response.status_code == 403


def test_staff_edit_and_archive(client, world):
    client.force_login(world.staff)
    response = client.post(
        url(world, "measure_update", pk=world.shared.pk),
        {**FORM, "code": "complete", "name": "Finished"},
    )
    assert response.status_code == 302
    client.post(url(world, "measure_archive", pk=world.shared.pk))
    with scopes_disabled():
        measure = Measure.objects.get(pk=world.shared.pk)
    assert measure.name == "Finished" and measure.archived_at is not None


def test_staff_reorder(client, world):
    client.force_login(world.staff)
    second = MeasureFactory(collaborative=world.collaborative, code="second", order=1)
    client.post(url(world, "measure_move", pk=second.pk), {"direction": "up"})
    with scopes_disabled():
        second.refresh_from_db()
    assert second.order == 0


def test_staff_set_and_remove_a_team_goal(client, world):
    client.force_login(world.staff)
    response = client.post(
        url(world, "measure_team_goal_set", pk=world.shared.pk),
        {"goal-team": world.team_a.pk, "goal-goal": "75"},
    )
    assert response.status_code == 302
    with scopes_disabled():
        goal = TeamGoal.objects.get()
    assert "Alder Clinic" in client.get(url(world, "measure_detail", pk=world.shared.pk)).text
    client.post(url(world, "measure_team_goal_delete", pk=world.shared.pk, goal=goal.pk))
    with scopes_disabled():
        assert not TeamGoal.objects.exists()


def test_members_cannot_set_team_goals(client, world):
    client.force_login(world.lead)
    response = client.post(
        url(world, "measure_team_goal_set", pk=world.shared.pk),
        {"goal-team": world.team_a.pk, "goal-goal": "75"},
    )
    assert response.status_code == 403


def _list_queries(client, world, django_assert_num_queries, count):
    for index in range(count):
        MeasureFactory(collaborative=world.collaborative, code=f"extra-{index}", order=index + 2)
    client.force_login(world.staff)
    # session, user, organization, membership, collaborative, leadership roles, roster
    # places (middleware); savepoint; the measures with their teams; the teams whose
    # values the caller may import; the organization of the collaborative (base page);
    # release savepoint.
    with django_assert_num_queries(NUM_LIST_QUERIES):
        assert client.get(url(world, "measure_list")).status_code == 200


NUM_LIST_QUERIES = 12


@pytest.mark.parametrize("count", [2, 50])
def test_the_list_costs_the_same_with_2_or_50_measures(
    client, world, django_assert_num_queries, count
):
    _list_queries(client, world, django_assert_num_queries, count)


def test_staff_restore_an_archived_measure(client, world):
    client.force_login(world.staff)
    client.post(url(world, "measure_archive", pk=world.shared.pk))
    client.post(url(world, "measure_archive", pk=world.shared.pk), {"restore": "1"})
    with scopes_disabled():
        assert Measure.objects.get(pk=world.shared.pk).archived_at is None
