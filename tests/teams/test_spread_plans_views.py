"""Spread plan pages: the team, faculty and staff read a team's plan; its leads write it;
faculty see every team's plan on one page; the history keeps each change."""

from __future__ import annotations

import pytest
from django_scopes import scopes_disabled

from bsc.audit import AuditEntry
from teams.models import SpreadPlan
from tests.factories import SpreadPlanFactory

pytestmark = pytest.mark.django_db

BASE = "/orgs/org-a/collaboratives/tf-cbt/"


def _plan_url(team, suffix=""):
    return f"{BASE}teams/{team.pk}/spread-plan/{suffix}"


def _answers(**overrides):
    data = {
        "version": "0",
        "what": "Reminder calls the day before",
        "to_whom": "The two other clinics",
        "expected_improvement": "Completion at 70%",
        "target_date": "2026-12-01",
        "learning_transfer": "Clinicians coach one colleague each",
    }
    data.update(overrides)
    return data


def test_the_lead_writes_the_plan(client, dana, riverside):
    client.force_login(dana)

    response = client.post(_plan_url(riverside, "edit/"), _answers())

    assert response.status_code == 302
    with scopes_disabled():
        plan = SpreadPlan.objects.get(team=riverside)
        assert plan.to_whom == "The two other clinics"
        assert plan.updated_by == dana
        assert AuditEntry.objects.filter(action="bsc.spread_plan.created").count() == 1


def test_a_change_is_kept_in_the_history(client, dana, riverside):
    client.force_login(dana)
    client.post(_plan_url(riverside, "edit/"), _answers())
    client.post(_plan_url(riverside, "edit/"), _answers(version="1", to_whom="Every clinic"))

    content = client.get(_plan_url(riverside)).content.decode()

    assert "Every clinic" in content
    assert "changed to whom" in content
    assert "wrote the plan" in content


def test_a_clinician_reads_but_cannot_edit(client, erin, riverside):
    SpreadPlanFactory(team=riverside, what="Reminder calls")
    client.force_login(erin)

    assert "Reminder calls" in client.get(_plan_url(riverside)).content.decode()
    assert client.get(_plan_url(riverside, "edit/")).status_code == 403
    assert client.post(_plan_url(riverside, "edit/"), _answers()).status_code == 403


def test_faculty_read_every_teams_plan(client, fay, riverside, lakeside):
    SpreadPlanFactory(team=riverside, what="Reminder calls")
    client.force_login(fay)

    content = client.get(f"{BASE}spread-plans/").content.decode()

    assert "Reminder calls" in content
    assert "1 of 2 teams have written a spread plan" in content
    assert "Lakeside" in content


def test_another_team_cannot_read_the_plan(client, org_a, lakeside, riverside):
    from accounts.models import Role
    from tests.factories import MembershipFactory, TeamMemberFactory, UserFactory

    other = UserFactory(email="lou@lake.example")
    MembershipFactory(user=other, organization=org_a, role=Role.MEMBER)
    TeamMemberFactory(team=lakeside, user=other, roles=["day_to_day_leader"])
    client.force_login(other)

    assert client.get(_plan_url(riverside)).status_code == 403


def test_a_bad_date_is_shown_on_its_field(client, dana, riverside):
    client.force_login(dana)

    response = client.post(_plan_url(riverside, "edit/"), _answers(target_date="2019-01-01"))

    assert response.status_code == 400
    assert response.context["form"].errors["target_date"]


def test_a_stale_version_keeps_the_other_persons_answers(client, dana, riverside):
    SpreadPlanFactory(team=riverside, what="Theirs", version=3)
    client.force_login(dana)

    response = client.post(_plan_url(riverside, "edit/"), _answers(version="2"), follow=True)

    assert "Someone else saved this spread plan" in response.content.decode()
    with scopes_disabled():
        assert SpreadPlan.objects.get(team=riverside).what == "Theirs"


def test_markup_in_answers_is_shown_as_text(client, erin, riverside):
    SpreadPlanFactory(team=riverside, what='<script>alert("x")</script>')
    client.force_login(erin)

    content = client.get(_plan_url(riverside)).content.decode()

    assert '<script>alert("x")' not in content
