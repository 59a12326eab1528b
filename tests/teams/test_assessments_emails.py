"""Faculty sharing a score e-mails the team's leads: once per version shared, with the score
and the feedback; drafts and self-scores send nothing."""

from __future__ import annotations

import pytest
from django.core import mail
from django_scopes import scope

from teams.models import ProgressAssessment
from teams.services import assessments as services
from teams.tasks import send_assessment_shared_email
from tests.factories import TeamMemberFactory, UserFactory

pytestmark = pytest.mark.django_db

LINK = (
    "http://testserver/orgs/org-a/collaboratives/tf-cbt/teams/{team}/progress/"
    "?month=2026-03#month-2026-03"
)


@pytest.fixture
def save(django_capture_on_commit_callbacks, fay):
    """Save a score as faculty and run what waits for the commit (the e-mail task)."""

    def save(team, *, version=0, kind="faculty", actor=None, **data):
        data.setdefault("score", "3")
        with (
            django_capture_on_commit_callbacks(execute=True),
            scope(organization=team.organization),
        ):
            return services.assessment_save(
                team=team,
                month="2026-03",
                kind=kind,
                actor=actor or fay,
                data=data,
                expected_version=version,
            )

    return save


def test_sharing_a_score_emails_the_leads_once_with_the_score_and_comments(
    save, dana, erin, gus, riverside
):
    save(riverside, score="2.5", comments="Your huddles work.", suggestions="Test a new form.")

    [message] = mail.outbox
    assert message.to == ["dana@example.org"]
    assert message.subject == "Faculty scored Riverside for March 2026: 2.5"
    assert "Fay Faculty of TF-CBT Collaborative shared their score with Riverside" in message.body
    assert "Score: 2.5" in message.body
    assert "Your huddles work." in message.body
    assert "Test a new form." in message.body
    assert LINK.format(team=riverside.pk) in message.body
    html, mime = message.alternatives[0]
    assert mime == "text/html"
    assert "Your huddles work." in html


def test_a_senior_leader_without_an_account_gets_no_email(save, dana, riverside):
    TeamMemberFactory(
        team=riverside, full_name="Sam Senior", email="sam@clinic.example", roles=["senior_leader"]
    )
    senior = UserFactory(email="sid@clinic.example", full_name="Sid Senior")
    TeamMemberFactory(team=riverside, user=senior, email=senior.email, roles=["senior_leader"])

    save(riverside)

    assert sorted(mail.outbox[0].to) == ["dana@example.org", "sid@clinic.example"]


def test_a_draft_sends_nothing(save, dana, riverside):
    save(riverside, shared_with_team=False, comments="Still discussing.")

    assert mail.outbox == []


def test_sharing_a_draft_later_sends_the_email(save, dana, riverside):
    draft = save(riverside, shared_with_team=False, comments="Ready now.")

    save(riverside, version=draft.version, shared_with_team=True, comments="Ready now.")

    [message] = mail.outbox
    assert "Ready now." in message.body


def test_changing_the_shared_score_sends_a_second_email(save, dana, riverside):
    first = save(riverside, score="2")

    save(riverside, version=first.version, score="3.5", comments="Much better.")

    assert len(mail.outbox) == 2
    assert mail.outbox[1].subject == "Faculty changed the March 2026 score of Riverside: 3.5"
    assert "changed the score they shared with Riverside" in mail.outbox[1].body


def test_rewording_the_feedback_of_a_shared_score_sends_nothing_more(save, dana, riverside):
    first = save(riverside, score="2", comments="Good.")

    save(riverside, version=first.version, score="2", comments="Good work.")

    assert len(mail.outbox) == 1


def test_the_task_sends_a_version_only_once(save, dana, riverside, org_a):
    assessment = save(riverside)

    send_assessment_shared_email.delay(
        organization_id=org_a.pk, assessment_id=assessment.pk, version=assessment.version
    )

    assert len(mail.outbox) == 1
    with scope(organization=org_a):
        assessment.refresh_from_db()
    assert assessment.notified_version == assessment.version


def test_a_score_taken_back_before_the_worker_ran_sends_nothing(save, dana, riverside, org_a):
    shared = save(riverside, comments="Oops.")
    mail.outbox.clear()
    with scope(organization=org_a):
        ProgressAssessment.objects.filter(pk=shared.pk).update(
            shared_with_team=False, notified_version=None
        )

    send_assessment_shared_email.delay(
        organization_id=org_a.pk, assessment_id=shared.pk, version=shared.version
    )

    assert mail.outbox == []


def test_a_self_score_sends_nothing(save, dana, riverside):
    save(riverside, kind="self", actor=dana, comments="We are on track.")

    assert mail.outbox == []
