"""Measure definitions: the rules of measures.services.definitions and the visibility selector."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django_scopes import scope, scopes_disabled

from bsc.audit import AuditEntry
from bsc.exceptions import ConflictError, DomainError
from collaboratives.permissions import access_for
from measures.models import Measure, TeamGoal
from measures.selectors.definitions import visible_measures
from measures.services import definitions as services
from tests.measures.definitions_support import make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(org_a, alice, bob):
    return make_world(org_a, alice, bob)


def create(world, **fields):
    values = {"name": "Seen in 14 days", "code": "seen-14", "shape": "percentage"}
    values.update(fields)
    with scope(organization=world.collaborative.organization):
        return services.measure_create(
            collaborative=world.collaborative, actor=world.staff, **values
        )


def test_it_creates_a_measure_last_with_an_audit_entry(world):
    measure = create(world)
    with scopes_disabled():
        assert measure.order == 1
        entry = AuditEntry.objects.get(action="bsc.measure.created")
    assert entry.data["code"] == "seen-14"


def test_the_code_must_be_unique_in_the_collaborative(world):
    with pytest.raises(DomainError) as error:
        create(world, code="complete")
    assert error.value.field == "code"


def test_the_code_of_a_team_measure_counts_too(world):
    with pytest.raises(DomainError) as error:
        create(world, code="alder-wait")
    assert error.value.field == "code"


def test_a_rate_needs_its_per(world):
    with pytest.raises(DomainError) as error:
        create(world, shape="rate")
    assert error.value.field == "rate_per"
    assert create(world, shape="rate", rate_per=1000).rate_per == 1000


def test_the_default_chart_must_fit_the_shape(world):
    with pytest.raises(DomainError) as error:
        create(world, shape="percentage", default_chart="u")
    assert error.value.field == "default_chart"
    assert create(world, shape="percentage", default_chart="p").default_chart == "p"


def test_the_shape_cannot_change_once_values_exist(world):
    from tests.factories import MetricValueFactory, MonthlyReportFactory

    report = MonthlyReportFactory(team=world.team_a)
    MetricValueFactory(report=report, measure=world.shared)
    with scope(organization=world.collaborative.organization), pytest.raises(DomainError) as error:
        services.measure_update(measure=world.shared, shape="count", actor=world.staff)
    assert error.value.field == "shape"


def test_update_records_the_changed_fields(world):
    with scope(organization=world.collaborative.organization):
        services.measure_update(measure=world.shared, name="Finishing treatment", actor=world.staff)
    with scopes_disabled():
        entry = AuditEntry.objects.get(action="bsc.measure.changed")
        assert Measure.objects.get(pk=world.shared.pk).name == "Finishing treatment"
    assert entry.data["fields"] == "name"


def test_archive_keeps_the_measure(world):
    with scope(organization=world.collaborative.organization):
        services.measure_archive(measure=world.shared, actor=world.staff)
    with scopes_disabled():
        assert Measure.objects.get(pk=world.shared.pk).archived_at is not None


def test_an_archived_collaborative_refuses_changes(world):
    from django.utils import timezone

    world.collaborative.archived_at = timezone.now()
    world.collaborative.save()
    with pytest.raises(ConflictError):
        create(world)


def test_move_swaps_neighbours(world):
    second = create(world)
    with scope(organization=world.collaborative.organization):
        services.measure_move(measure=second, direction="up", actor=world.staff)
    with scopes_disabled():
        codes = list(
            Measure.objects.filter(team__isnull=True)
            .order_by("order")
            .values_list("code", flat=True)
        )
    assert codes == ["seen-14", "complete"]


def test_team_goal_is_set_and_changed(world):
    with scope(organization=world.collaborative.organization):
        services.team_goal_set(
            measure=world.shared, team=world.team_a, goal=Decimal(80), actor=world.staff
        )
        services.team_goal_set(
            measure=world.shared, team=world.team_a, goal=Decimal(85), actor=world.staff
        )
    with scopes_disabled():
        assert TeamGoal.objects.get().goal == Decimal(85)
        assert AuditEntry.objects.filter(action="bsc.measure.team_goal_set").count() == 2


def test_a_team_of_another_collaborative_gets_no_goal(world):
    from tests.factories import TeamFactory

    stranger = TeamFactory(collaborative__organization=world.collaborative.organization)
    with scope(organization=world.collaborative.organization), pytest.raises(DomainError):
        services.team_goal_set(
            measure=world.shared, team=stranger, goal=Decimal(1), actor=world.staff
        )


def visible_codes(world, user):
    from accounts.models import Membership

    with scopes_disabled():
        membership = Membership.objects.get(
            user=user, organization=world.collaborative.organization
        )
        access = access_for(user, membership, world.collaborative)
        return {m.code for m in visible_measures(world.collaborative, access)}


def test_a_team_measure_is_seen_by_its_team(world):
    assert visible_codes(world, world.member) == {"complete", "alder-wait"}


def test_a_team_measure_is_hidden_from_other_teams(world):
    assert visible_codes(world, world.other) == {"complete"}
    assert visible_codes(world, world.outsider_member) == {"complete"}


def test_faculty_and_staff_see_every_team_measure(world):
    assert visible_codes(world, world.faculty) == {"complete", "alder-wait"}
    assert visible_codes(world, world.staff) == {"complete", "alder-wait"}
