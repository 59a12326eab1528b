"""The reminder sweep: which reminders are due when, to whom, and each sent once."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command
from django_scopes import scopes_disabled

from measures import reminders
from measures.models import MonthlyReport, Reminder
from tests.factories import MonthlyReportFactory
from tests.measures import reminders_support
from tests.measures.reminders_support import MARCH, at

world = reminders_support.world

pytestmark = pytest.mark.django_db

NEW_YORK = ZoneInfo("America/New_York")


def _sent() -> list[tuple[str, str, int]]:
    with scopes_disabled():
        return sorted(
            Reminder.objects.filter(status="sent").values_list("kind", "email", "occurrence")
        )


def _sweep(now: str) -> None:
    call_command("send_reminders", "--now", now)


def test_the_windows_of_a_march_report_fall_on_exact_local_days(world):
    windows = reminders.reminder_windows(
        month=MARCH,
        due_day=15,
        days_before=3,
        overdue_count=3,
        escalation_after_days=7,
        time_zone="America/New_York",
    )

    local = [
        (w.kind, w.occurrence, start.astimezone(NEW_YORK), end.astimezone(NEW_YORK))
        for w, start, end in windows
    ]
    ny = lambda *args: dt.datetime(*args, tzinfo=NEW_YORK)  # noqa: E731
    assert local == [
        ("before_due", 0, ny(2026, 4, 12, 8), ny(2026, 4, 15, 8)),
        ("due", 0, ny(2026, 4, 15, 8), ny(2026, 4, 16, 0)),
        ("overdue", 1, ny(2026, 4, 16, 8), ny(2026, 4, 23, 8)),
        ("overdue", 2, ny(2026, 4, 23, 8), ny(2026, 4, 30, 8)),
        ("overdue", 3, ny(2026, 4, 30, 8), ny(2026, 5, 7, 8)),
        ("escalation", 0, ny(2026, 4, 22, 8), ny(2026, 4, 29, 8)),
    ]


def test_it_sends_the_before_due_reminder_to_the_team_leads_only(world):
    _sweep("2026-04-12T12:00:00+00:00")

    assert _sent() == [
        ("before_due", "dana@example.org", 0),
        ("before_due", "sam@clinic.example", 0),
    ]
    assert sorted(m.to[0] for m in mail.outbox) == ["dana@example.org", "sam@clinic.example"]


def test_it_creates_the_missing_report_when_a_reminder_is_due(world):
    _sweep("2026-04-12T12:00:00+00:00")

    with scopes_disabled():
        report = MonthlyReport.objects.get(team=world.riverside, month=MARCH)
    assert report.status == "not_started"
    assert report.organization_id == world.org.pk


def test_it_waits_for_eight_in_the_morning_in_the_organizations_time_zone(world):
    _sweep("2026-04-15T11:59:00+00:00")  # 07:59 in New York: before-due window still open
    _sweep("2026-04-15T12:00:00+00:00")  # 08:00 in New York: due day

    assert [k for k, _, _ in _sent()] == ["before_due", "before_due", "due", "due"]


def test_it_sends_the_due_day_reminder_with_a_link_to_the_report(world):
    _sweep("2026-04-15T12:00:00+00:00")

    message = mail.outbox[0]
    assert message.subject == "Riverside: the March 2026 report is due today"
    link = f"/orgs/org-a/collaboratives/tf-cbt/teams/{world.riverside.pk}/reports/2026-03/"
    assert link in message.body
    html = message.alternatives[0]
    assert html[1] == "text/html" and link in html[0]


def test_it_sends_weekly_overdue_reminders_with_their_occurrence(world):
    for instant in (
        "2026-04-16T12:00:00+00:00",
        "2026-04-20T12:00:00+00:00",  # same week: nothing new
        "2026-04-23T12:00:00+00:00",
        "2026-04-30T12:00:00+00:00",
        "2026-05-07T12:00:00+00:00",  # the 4th week: only 3 overdue reminders are set
    ):
        _sweep(instant)

    overdue = [(email, n) for kind, email, n in _sent() if kind == "overdue"]
    assert overdue == [
        ("dana@example.org", 1),
        ("dana@example.org", 2),
        ("dana@example.org", 3),
        ("sam@clinic.example", 1),
        ("sam@clinic.example", 2),
        ("sam@clinic.example", 3),
    ]


def test_it_escalates_to_the_senior_leader_faculty_and_chairs(world):
    _sweep("2026-04-22T12:00:00+00:00")

    escalation = [email for kind, email, _ in _sent() if kind == "escalation"]
    assert escalation == ["chris@example.org", "fay@example.org", "sam@clinic.example"]
    faculty_copy = next(m for m in mail.outbox if m.to == ["fay@example.org"])
    assert faculty_copy.subject == "Riverside's March 2026 report is 7 days late"
    assert "faculty or chair" in faculty_copy.body


def test_it_sends_nothing_for_a_submitted_report(world):
    MonthlyReportFactory(team=world.riverside, month=MARCH, status="submitted")

    _sweep("2026-04-16T12:00:00+00:00")

    assert mail.outbox == []
    assert _sent() == []


def test_it_sends_nothing_for_months_not_yet_due(world):
    _sweep("2026-02-11T12:00:00+00:00")  # January's reminders start on 12 February

    assert mail.outbox == []
    with scopes_disabled():
        assert not MonthlyReport.objects.exists()


def test_it_sends_nothing_for_an_archived_collaborative(world):
    world.collab.archived_at = at("2026-04-01T00:00:00")
    world.collab.save()

    _sweep("2026-04-15T12:00:00+00:00")

    assert mail.outbox == []


def test_it_skips_a_reminder_whose_report_was_submitted_before_it_went_out(world):
    result = reminders.reminders_sweep(now=at("2026-04-15T12:00:00"), queue=False)
    with scopes_disabled():
        MonthlyReport.objects.filter(team=world.riverside).update(status="submitted")
        outcomes = {reminders.reminder_send(reminder_id=pk) for pk in result.reminder_ids}

    assert outcomes == {"skipped"}
    assert mail.outbox == []


def test_running_send_reminders_twice_for_the_same_instant_sends_nothing_the_second_time(world):
    _sweep("2026-04-22T12:00:00+00:00")
    first = len(mail.outbox)

    _sweep("2026-04-22T12:00:00+00:00")

    assert first == 5  # overdue 1 to both leads; escalation to Sam, Fay and Chris
    assert len(mail.outbox) == first
    with scopes_disabled():
        assert Reminder.objects.count() == 5
        assert set(Reminder.objects.values_list("attempts", flat=True)) == {1}


def test_the_beat_task_queues_one_send_per_reminder(world, django_capture_on_commit_callbacks):
    from unittest import mock

    from measures.tasks_reminders import reminders_sweep_task

    with (
        mock.patch("measures.reminders.timezone.now", return_value=at("2026-04-15T12:00:00")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        counts = reminders_sweep_task.delay().get()

    assert counts == {"reminders": 2, "digests": 0}
    assert sorted(m.to[0] for m in mail.outbox) == ["dana@example.org", "sam@clinic.example"]


def test_the_command_refuses_a_bad_instant():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="not an ISO date"):
        call_command("send_reminders", "--now", "next tuesday")
