"""The team page links to the team's improvement work (PDSA cycles, progress, spread plan)
beside its run charts, for those who may open it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import TeamFactory

pytestmark = pytest.mark.django_db

COLLAB = {"org": "org-a", "collab": "tf-cbt"}


def url(name: str, team) -> str:
    return reverse(name, kwargs={**COLLAB, "team": team.pk})


WORK = ("pdsa_tracker", "team_assessments", "spread_plan")


def test_a_member_finds_the_teams_cycles_progress_and_spread_plan(client, erin, riverside):
    client.force_login(erin)

    content = client.get(url("team_detail", riverside)).content.decode()

    for name in WORK:
        assert f'href="{url(name, riverside)}"' in content
    assert ">PDSA cycles</a>" in content
    assert ">Progress scores</a>" in content
    assert ">Spread plan</a>" in content


def test_every_linked_page_opens_for_the_member(client, erin, riverside):
    client.force_login(erin)

    statuses = {name: client.get(url(name, riverside)).status_code for name in WORK}

    assert statuses == dict.fromkeys(WORK, 200)


def test_faculty_find_the_links_on_another_teams_page(client, fay, riverside):
    client.force_login(fay)

    content = client.get(url("team_detail", riverside)).content.decode()

    for name in WORK:
        assert f'href="{url(name, riverside)}"' in content


def test_an_applicant_team_has_no_improvement_work_to_link(alice_client, collab):
    applicant = TeamFactory(collaborative=collab, name="Newcomer", status="applicant")

    content = alice_client.get(url("team_detail", applicant)).content.decode()

    for name in WORK:
        assert url(name, applicant) not in content
