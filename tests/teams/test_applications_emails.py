"""The e-mails of applications: receipt, acceptance, decline, invitation to apply."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.core import mail
from django_scopes import scope

from teams.services import applications as services
from teams.tasks import (
    send_application_decision_email,
    send_application_invite_email,
    send_application_received_email,
)
from tests.teams.applications_support import collaborative_in, open_window, submit

pytestmark = pytest.mark.django_db

COLLAB_LINK = "http://testserver/orgs/org-a/collaboratives/tf-cbt/"
APPLY_LINK = "http://testserver/orgs/org-a/collaboratives/tf-cbt/apply/"


@pytest.fixture
def window(org_a):
    return open_window(collaborative_in(org_a))


@pytest.fixture
def application(window, bob, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        application = submit(window, bob, team_name="Riverside")
    return application


def test_the_applicant_gets_a_receipt(application):
    [message] = mail.outbox
    assert message.to == ["bob@example.org"]
    assert message.subject == "We received the application of Riverside to TF-CBT Collaborative"
    assert "Thank you for applying to TF-CBT Collaborative for the team Riverside" in message.body
    assert "- Rosa Leader <rosa@riverside.example>" in message.body
    assert APPLY_LINK in message.body
    html, mime = message.alternatives[0]
    assert mime == "text/html"
    assert f'href="{APPLY_LINK}"' in html


def test_no_receipt_goes_out_once_the_application_is_withdrawn(application, bob, org_a):
    mail.outbox.clear()
    with scope(organization=org_a):
        services.application_withdraw(application=application, actor=bob)
    send_application_received_email(organization_id=org_a.pk, application_id=application.pk)
    assert mail.outbox == []


def test_the_acceptance_names_the_team_the_note_and_the_collaborative(
    application, alice, org_a, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True), scope(organization=org_a):
        services.application_accept(
            application=application, note="See you at Learning Session 1.", actor=alice
        )
    [message] = mail.outbox
    assert message.to == ["bob@example.org"]
    assert message.subject == "Riverside is accepted into TF-CBT Collaborative"
    assert "Northern Network has accepted Riverside into TF-CBT Collaborative" in message.body
    assert "A note from Alice Admin:\n\nSee you at Learning Session 1." in message.body
    assert COLLAB_LINK in message.body
    html = message.alternatives[0][0]
    assert "See you at Learning Session 1." in html
    assert f'href="{COLLAB_LINK}"' in html


def test_the_decline_is_kind_and_carries_the_note(
    application, alice, org_a, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True), scope(organization=org_a):
        services.application_decline(
            application=application, note="Please apply to the <next> wave.", actor=alice
        )
    [message] = mail.outbox
    assert message.subject == "Your application to TF-CBT Collaborative"
    assert "is not able to include Riverside in this collaborative" in message.body
    # Plain text is not escaped; the HTML is.
    assert "Please apply to the <next> wave." in message.body
    assert "Please apply to the &lt;next&gt; wave." in message.alternatives[0][0]


def test_a_decision_without_a_note_leaves_the_note_out(
    application, alice, org_a, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True), scope(organization=org_a):
        services.application_decline(application=application, actor=alice)
    assert "A note from" not in mail.outbox[0].body


def test_no_decision_email_goes_out_for_an_undecided_application(application, org_a):
    mail.outbox.clear()
    send_application_decision_email(organization_id=org_a.pk, application_id=application.pk)
    assert mail.outbox == []


def test_the_invitation_to_apply_says_when_applications_close(window, alice, org_a):
    window.opens_at = datetime(2027, 2, 1, 14, 0, tzinfo=UTC)
    window.closes_at = datetime(2027, 3, 3, 22, 0, tzinfo=UTC)
    window.save()
    send_application_invite_email(
        organization_id=org_a.pk,
        collaborative_id=window.collaborative_id,
        email="dana@clinic.example",
        inviter_id=alice.pk,
        needs_to_join=True,
    )
    [message] = mail.outbox
    assert message.to == ["dana@clinic.example"]
    assert message.subject == "Alice Admin invites you to apply to TF-CBT Collaborative"
    assert (
        "Applications are open from 1 February 2027 at 09:00 to 3 March 2027 at 17:00 EST."
        in message.body
    )
    assert "We are sending you a separate e-mail with an invitation to join" in message.body
    assert APPLY_LINK in message.body


def test_the_invitation_to_a_member_only_links_the_form(window, org_a):
    send_application_invite_email(
        organization_id=org_a.pk,
        collaborative_id=window.collaborative_id,
        email="bob@example.org",
        needs_to_join=False,
    )
    [message] = mail.outbox
    assert message.subject == "You are invited to apply to TF-CBT Collaborative"
    assert "separate e-mail" not in message.body
    assert "Fill in the application form here:" in message.body
