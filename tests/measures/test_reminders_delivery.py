"""Sending: a failed send is recorded and retried, reaching each recipient once; digests."""

from __future__ import annotations

import smtplib
from unittest import mock

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django_scopes import scope, scopes_disabled

from bsc.celery import app as celery_app
from measures import reminders
from measures.models import DigestDelivery, Reminder
from measures.tasks_reminders import reminder_send_task
from tests.factories import MonthlyReportFactory, TeamFactory
from tests.measures import reminders_support
from tests.measures.reminders_support import MARCH, at

world = reminders_support.world

pytestmark = pytest.mark.django_db

DUE_DAY = "2026-04-15T12:00:00+00:00"
# Monday 20 April 2026, 08:00 in New York.
MONDAY = "2026-04-20T12:00:00+00:00"


def fail_once():
    """Patch only the SMTP transport: the first message fails, every later one goes out."""
    real = EmailBackend.send_messages
    calls = {"n": 0}

    def send_messages(self, messages):
        calls["n"] += 1
        if calls["n"] == 1:
            raise smtplib.SMTPException("451 try again later")
        return real(self, messages)

    return mock.patch.object(EmailBackend, "send_messages", send_messages)


def _rows():
    with scopes_disabled():
        return {
            r.email: (r.status, r.attempts, r.last_error)
            for r in Reminder.objects.order_by("email")
        }


def test_a_failed_send_is_recorded_failed_with_its_error(world):
    with fail_once():
        call_command("send_reminders", "--now", DUE_DAY)

    rows = _rows()
    failed = [email for email, (status, _, _) in rows.items() if status == "failed"]
    assert len(failed) == 1
    assert rows[failed[0]][1:] == (1, "SMTPException: 451 try again later")
    assert len(mail.outbox) == 1


def test_the_next_sweep_retries_a_failed_send_and_each_recipient_gets_one(world):
    with fail_once():
        call_command("send_reminders", "--now", DUE_DAY)
    call_command("send_reminders", "--now", "2026-04-15T12:15:00+00:00")
    call_command("send_reminders", "--now", "2026-04-15T12:30:00+00:00")

    assert sorted(m.to[0] for m in mail.outbox) == ["dana@example.org", "sam@clinic.example"]
    assert {status for status, _, _ in _rows().values()} == {"sent"}
    assert sorted(attempts for _, attempts, _ in _rows().values()) == [1, 2]


@pytest.fixture
def eager_retries():
    """Let an eager task run its retries, as a worker would, instead of raising ``Retry``."""
    saved = celery_app.conf.task_eager_propagates
    celery_app.conf.task_eager_propagates = False
    yield
    celery_app.conf.task_eager_propagates = saved


def test_the_task_retries_a_transport_error_and_sends_once(
    world, django_capture_on_commit_callbacks, eager_retries
):
    with fail_once(), django_capture_on_commit_callbacks(execute=True):
        result = reminders.reminders_sweep(now=at("2026-04-15T12:00:00"))

    assert len(result.reminder_ids) == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["dana@example.org", "sam@clinic.example"]
    rows = _rows()
    assert {status for status, _, _ in rows.values()} == {"sent"}
    retried = [row for row in rows.values() if row[1] == 2]
    assert retried == [("sent", 2, "SMTPException: 451 try again later")]


def test_a_retry_of_an_already_sent_reminder_sends_nothing(world):
    call_command("send_reminders", "--now", DUE_DAY)
    with scopes_disabled():
        reminder = Reminder.objects.first()

    outcome = reminder_send_task.delay(organization_id=world.org.pk, reminder_id=reminder.pk).get()

    assert outcome == "not_claimed"
    assert len(mail.outbox) == 2


def test_a_claim_left_by_a_dead_worker_is_taken_again_after_a_while(world):
    result = reminders.reminders_sweep(now=at("2026-04-15T12:00:00"), queue=False)
    pk = result.reminder_ids[0]
    with scopes_disabled():
        Reminder.objects.filter(pk=pk).update(
            status="sending", attempts=1, claimed_at=at("2026-01-01T00:00:00")
        )
    with scope(organization=world.org):
        fresh = reminders.reminder_send(reminder_id=result.reminder_ids[1])
        Reminder.objects.filter(pk=result.reminder_ids[1]).update(
            status="sending", claimed_at=reminders.timezone.now()
        )
        still_sending = reminders.reminder_send(reminder_id=result.reminder_ids[1])
        reclaimed = reminders.reminder_send(reminder_id=pk)

    assert (fresh, still_sending, reclaimed) == ("sent", "not_claimed", "sent")
    with scopes_disabled():
        assert Reminder.objects.get(pk=pk).attempts == 2


# --- Weekly digest -----------------------------------------------------------------------


def test_the_monday_digest_goes_to_faculty_chairs_and_staff(world):
    MonthlyReportFactory(
        team=TeamFactory(collaborative=world.collab, name="Lakeside"),
        month=MARCH,
        status="submitted",
        submitted_at=at("2026-04-14T15:00:00"),
    )

    call_command("send_reminders", "--now", MONDAY)

    digests = sorted((m for m in mail.outbox if "summary" in m.body), key=lambda m: m.to[0])
    assert [m.to[0] for m in digests] == [
        "chris@example.org",
        "fay@example.org",
        "stan@example.org",
    ]
    body = digests[0].body
    assert digests[0].subject == "TF-CBT Collaborative: 1 report came in, 5 late"
    assert "- Lakeside, March 2026 (Submitted)" in body
    assert "- Riverside, March 2026 (Not started)" in body
    assert "/accounts/profile/" in body


def test_the_digest_respects_the_opt_out(world):
    world.fay.receive_digests = False
    world.fay.save()

    call_command("send_reminders", "--now", MONDAY)

    assert "fay@example.org" not in [m.to[0] for m in mail.outbox if "summary" in m.body]
    with scopes_disabled():
        assert not DigestDelivery.objects.filter(recipient=world.fay).exists()


def test_a_digest_turned_off_after_planning_is_skipped(world):
    result = reminders.reminders_sweep(now=at("2026-04-20T12:00:00"), queue=False)
    world.fay.receive_digests = False
    world.fay.save()
    with scopes_disabled():
        fays = DigestDelivery.objects.get(recipient=world.fay).pk
    assert fays in result.digest_ids

    with scope(organization=world.org):
        outcome = reminders.digest_send(digest_id=fays)

    assert outcome == "skipped"
    assert mail.outbox == []


def test_the_digest_goes_once_a_week_and_only_on_monday(world):
    call_command("send_reminders", "--now", "2026-04-19T12:00:00+00:00")  # Sunday
    sunday = len([m for m in mail.outbox if "summary" in m.body])
    call_command("send_reminders", "--now", MONDAY)
    call_command("send_reminders", "--now", "2026-04-20T18:00:00+00:00")

    assert sunday == 0
    assert len([m for m in mail.outbox if "summary" in m.body]) == 3
    with scopes_disabled():
        assert set(DigestDelivery.objects.values_list("week_start", flat=True)) == {
            MONDAY and at("2026-04-20T00:00:00").date()
        }


def test_reminders_ignore_the_digest_opt_out(world):
    world.dana.receive_digests = False
    world.dana.save()

    call_command("send_reminders", "--now", DUE_DAY)

    assert "dana@example.org" in [m.to[0] for m in mail.outbox]
