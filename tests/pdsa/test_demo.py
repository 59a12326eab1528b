"""``seed_demo`` adds PDSA cycles in ramps to the demo collaboratives, once."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_scopes import scopes_disabled

from pdsa.models import PDSACycle

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(settings):
    settings.DEBUG = True  # seed_demo runs with DEBUG on only
    call_command("seed_demo", stdout=StringIO())


def test_the_national_teams_get_ramps_some_adopted_some_abandoned(seeded):
    with scopes_disabled():
        cycles = PDSACycle.objects.filter(collaborative__slug="tf-cbt")
        decisions = set(cycles.values_list("decision", flat=True))
        assert {"adopt", "adapt", "abandon"} <= decisions
        assert cycles.filter(builds_on__builds_on__isnull=False).exists()  # three-step ramps
        assert set(cycles.values_list("status", flat=True)) >= {"done", "running", "planned"}


def test_every_national_cycle_traces_to_an_idea_or_says_which_other(seeded):
    with scopes_disabled():
        cycles = PDSACycle.objects.filter(collaborative__slug="tf-cbt")
        assert not cycles.filter(change_idea__isnull=True, other_idea_note="").exists()


def test_started_cycles_link_measures_and_are_not_in_the_future(seeded):
    today = timezone.localdate()
    with scopes_disabled():
        started = PDSACycle.objects.filter(collaborative__slug="tf-cbt", started_on__isnull=False)
        assert started.exists()
        assert not started.filter(started_on__gt=today).exists()
        assert not started.filter(finished_on__gt=today).exists()
        assert started.filter(measures__isnull=False).exists()


def test_done_cycles_have_a_decision(seeded):
    with scopes_disabled():
        assert not PDSACycle.objects.filter(status="done", decision="").exists()


def test_seeding_again_adds_no_cycles(seeded, settings):
    with scopes_disabled():
        before = PDSACycle.objects.count()
    call_command("seed_demo", stdout=StringIO())
    with scopes_disabled():
        assert PDSACycle.objects.count() == before
