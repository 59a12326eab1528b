"""``seed_demo`` adds monthly progress scores and a few spread plans, once."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django_scopes import scopes_disabled

from teams.models import ProgressAssessment, SpreadPlan

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(settings):
    settings.DEBUG = True  # seed_demo runs with DEBUG on only
    call_command("seed_demo", stdout=StringIO())


def _faculty_scores(team_name: str) -> list:
    return list(
        ProgressAssessment.objects.filter(
            collaborative__slug="tf-cbt", team__name=team_name, kind="faculty"
        )
        .order_by("month")
        .values_list("score", flat=True)
    )


def test_every_active_team_is_scored_monthly_and_improving_teams_rise(seeded):
    with scopes_disabled():
        months = ProgressAssessment.objects.filter(collaborative__slug="tf-cbt").dates(
            "month", "month"
        )
        first_team = (
            ProgressAssessment.objects.filter(collaborative__slug="tf-cbt")
            .order_by("team__name")
            .values_list("team__name", flat=True)
            .first()
        )
        scores = _faculty_scores(first_team)

    assert len(months) >= 12
    assert scores[-1] > scores[0]
    assert scores == sorted(scores)


def test_some_teams_score_themselves_and_one_faculty_score_is_a_draft(seeded):
    with scopes_disabled():
        assert ProgressAssessment.objects.filter(kind="self").exists()
        assert (
            ProgressAssessment.objects.filter(kind="faculty", shared_with_team=False).count() >= 1
        )


def test_a_few_teams_have_a_spread_plan(seeded):
    with scopes_disabled():
        assert 1 <= SpreadPlan.objects.count() <= 6
        assert all(plan.what for plan in SpreadPlan.objects.all())


def test_a_second_run_adds_no_scores(seeded, settings):
    with scopes_disabled():
        before = ProgressAssessment.objects.count(), SpreadPlan.objects.count()

    call_command("seed_demo", stdout=StringIO())

    with scopes_disabled():
        assert (ProgressAssessment.objects.count(), SpreadPlan.objects.count()) == before
