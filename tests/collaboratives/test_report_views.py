"""The collaborative report: a printable page and a PDF for faculty, chairs and staff, with
the aim, the change package and spread map, PDSA counts, latest scores and percent 4's."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from accounts.models import Role
from tests.factories import (
    AimGoalFactory,
    ChangeIdeaFactory,
    CollaborativeFactory,
    CollaborativeRoleFactory,
    DriverFactory,
    MembershipFactory,
    PDSACycleFactory,
    ProgressAssessmentFactory,
    TeamFactory,
    TeamMemberFactory,
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


def _person(org, email, name):
    user = UserFactory(email=email, full_name=name)
    MembershipFactory(user=user, organization=org, role=Role.MEMBER)
    return user


@pytest.fixture
def faculty(org_a, collaborative):
    user = _person(org_a, "fiona@example.org", "Fiona Faculty")
    CollaborativeRoleFactory(collaborative=collaborative, user=user, role="faculty")
    return user


@pytest.fixture
def package(collaborative):
    engage = DriverFactory(collaborative=collaborative, title="Engage caregivers", order=1)
    reminders = DriverFactory(
        collaborative=collaborative, parent=engage, title="Reminders that reach families"
    )
    calls = ChangeIdeaFactory(driver=reminders, title="Reminder calls the day before")
    texts = ChangeIdeaFactory(driver=engage, title="Welcome text after referral")
    return calls, texts


@pytest.fixture
def scored(collaborative, package):
    calls, texts = package
    river = TeamFactory(collaborative=collaborative, name="Riverside")
    lake = TeamFactory(collaborative=collaborative, name="Lakeside")
    AimGoalFactory(collaborative=collaborative, description="Children completing treatment")
    PDSACycleFactory(team=river, change_idea=calls, status="done", decision="adopt")
    PDSACycleFactory(team=river, change_idea=calls, status="running")
    PDSACycleFactory(team=lake, change_idea=texts, status="done", decision="abandon")
    for team, score in ((river, "4.0"), (lake, "2.5")):
        ProgressAssessmentFactory(team=team, month=date(2026, 4, 1), score=Decimal(score))
    return river, lake


def _url(suffix=""):
    return f"/orgs/org-a/collaboratives/tf-cbt/report/{suffix}"


def test_faculty_see_the_report_with_its_parts(client, faculty, scored):
    client.force_login(faculty)

    response = client.get(_url())

    content = response.content.decode()
    assert response.status_code == 200
    assert "Raise treatment completion from 40% to 70% by December." in content
    assert "Children completing treatment" in content
    assert "Engage caregivers" in content
    assert "Reminder calls the day before" in content
    assert "<strong>50%</strong> of the teams scored by faculty in April 2026" in content
    assert "Riverside (adopted, 2)" in content
    assert "Lakeside (abandoned, 1)" in content
    assert "3 PDSA cycles in all" in content


def test_the_report_lists_each_teams_latest_faculty_score(client, faculty, scored, collaborative):
    river, _lake = scored
    ProgressAssessmentFactory(team=river, month=date(2026, 5, 1), score=Decimal("4.5"))
    client.force_login(faculty)

    report = client.get(_url()).context["report"]

    latest = {row.label: (row.month, row.score) for row in report.latest_scores}
    assert latest["Riverside"] == (date(2026, 5, 1), Decimal("4.5"))
    assert latest["Lakeside"] == (date(2026, 4, 1), Decimal("2.5"))


def test_the_pdf_downloads_as_a_file(client, faculty, scored):
    client.force_login(faculty)

    response = client.get(_url("pdf/"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert 'attachment; filename="tf-cbt-report-' in response["Content-Disposition"]


def test_a_team_lead_may_not_open_the_report(client, org_a, collaborative):
    lead = _person(org_a, "lee@example.org", "Lee Lead")
    TeamMemberFactory(
        team=TeamFactory(collaborative=collaborative), user=lead, roles=["day_to_day_leader"]
    )
    client.force_login(lead)

    assert client.get(_url()).status_code == 403
    assert client.get(_url("pdf/")).status_code == 403


def test_an_outsider_gets_not_found(client, carol, collaborative):
    client.force_login(carol)

    assert client.get(_url()).status_code == 404
    assert client.get(_url("pdf/")).status_code == 404


def test_an_empty_collaborative_still_has_a_report(client, alice, collaborative):
    client.force_login(alice)

    response = client.get(_url())

    assert response.status_code == 200
    assert "Faculty have not scored the teams yet." in response.content.decode()
    assert client.get(_url("pdf/")).status_code == 200


def test_user_text_in_the_report_is_escaped(client, faculty, collaborative, package):
    collaborative.aim_statement = "<script>alert(1)</script>"
    collaborative.save()
    calls, _texts = package
    calls.title = "<img src=x onerror=alert(2)>"
    calls.save()
    client.force_login(faculty)

    content = client.get(_url()).content.decode()

    assert "<script>alert(1)" not in content
    assert "<img src=x" not in content
