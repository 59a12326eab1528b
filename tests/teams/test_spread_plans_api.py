"""The spread plan API: an unwritten plan reads as version 0, a lead writes it, a stale
version answers 409, a bad date is named."""

from __future__ import annotations

from datetime import date

import pytest
from django_scopes import scopes_disabled

from bsc.audit import AuditEntry
from teams.models import SpreadPlan
from tests.factories import SpreadPlanFactory

pytestmark = pytest.mark.django_db


def _url(world) -> str:
    return (
        f"/api/v1/organizations/org-a/collaboratives/tf-cbt/teams/{world.riverside.pk}/spread-plan/"
    )


def test_a_plan_nobody_wrote_reads_empty_at_version_0(world, api_as):
    body = api_as("fay").get(_url(world)).json()

    assert body == {
        "team": world.riverside.pk,
        "what": "",
        "to_whom": "",
        "expected_improvement": "",
        "target_date": None,
        "learning_transfer": "",
        "version": 0,
        "updated_by": None,
        "updated_at": None,
    }


def test_the_lead_writes_the_plan(world, api_as):
    response = api_as("dana").put(
        _url(world),
        {"version": 0, "what": "Reminder calls", "target_date": "2026-11-30"},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["version"] == 1
    assert response.json()["updated_by"] == "Dana Leader"
    with scopes_disabled():
        plan = SpreadPlan.objects.get(team=world.riverside)
        assert (plan.what, plan.target_date) == ("Reminder calls", date(2026, 11, 30))
        assert AuditEntry.objects.filter(action="bsc.spread_plan.created").count() == 1


def test_a_stale_version_answers_409_and_keeps_the_plan(world, api_as):
    SpreadPlanFactory(team=world.riverside, what="Theirs", version=2)

    response = api_as("dana").put(_url(world), {"version": 1, "what": "Mine"}, format="json")

    assert response.status_code == 409
    assert response.json()["spread_plan"]["what"] == "Theirs"
    with scopes_disabled():
        assert SpreadPlan.objects.get(team=world.riverside).what == "Theirs"


def test_a_date_before_the_collaborative_is_bad_input(world, api_as):
    response = api_as("dana").put(
        _url(world), {"version": 0, "target_date": "2020-01-01"}, format="json"
    )

    assert response.status_code == 400
    assert "target_date" in response.json()["errors"]
