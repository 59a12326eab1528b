"""Two sweeps at the same instant, a real Redis and a real Celery worker: one e-mail each.

The beat task may overlap with a cron run (or with itself, when a sweep is slow):
both sweeps find the same due report at the same instant. Each creates the
reminder rows with ``get_or_create`` on the unique constraint and queues a send
per row, so the worker receives every send twice; only the send that claims the
row (a conditional update) delivers it. Like ``tests/test_celery_worker.py``,
this runs a worker thread on a queue of its own against ``REDIS_URL``.
"""

from __future__ import annotations

import threading
import uuid
from collections import Counter

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.db import connection
from django_scopes import scopes_disabled

from bsc.celery import app as celery_app
from measures import reminders
from measures.models import Reminder
from tests.measures import reminders_support
from tests.measures.reminders_support import at
from tests.test_celery_worker import TIMEOUT, finished_tasks, own_queue, wait_for

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]

world = reminders_support.world

# 22 April 2026, 08:00 in New York: the March report is a week late, so the
# overdue reminder goes to both team leads and the escalation to the senior
# leader, the faculty member and the chair.
INSTANT = at("2026-04-22T12:00:00")
EXPECTED = {
    ("overdue", "dana@example.org"),
    ("overdue", "sam@clinic.example"),
    ("escalation", "sam@clinic.example"),
    ("escalation", "fay@example.org"),
    ("escalation", "chris@example.org"),
}


def _two_sweeps_at_once() -> list[reminders.SweepResult]:
    barrier = threading.Barrier(2)
    results: list[reminders.SweepResult] = []
    errors: list[BaseException] = []

    def sweep() -> None:
        try:
            barrier.wait(timeout=TIMEOUT)
            results.append(reminders.reminders_sweep(now=INSTANT))
        except BaseException as error:  # reported by the main thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT)
    assert not errors, errors
    return results


# SQLite's shared in-memory test database locks whole tables, so a second writer
# fails instead of waiting: true concurrency needs PostgreSQL.
@pytest.mark.postgres
def test_two_concurrent_sweeps_send_one_email_per_recipient_and_kind(world):
    queue = f"bsc-test-{uuid.uuid4().hex[:12]}"
    with (
        own_queue(celery_app, queue),
        finished_tasks() as finished,
        start_worker(
            celery_app,
            pool="solo",
            perform_ping_check=False,
            queues=[queue],
            shutdown_timeout=TIMEOUT,
        ),
    ):
        results = _two_sweeps_at_once()
        queued = sum(len(result.reminder_ids) for result in results)

        def all_sent() -> bool:
            with scopes_disabled():
                return Reminder.objects.filter(status="sent").count() == len(EXPECTED)

        wait_for(all_sent, "the worker to send every reminder")
        wait_for(lambda: len(finished) >= queued, "every queued send to finish")

    assert all(not task["is_eager"] and task["routing_key"] == queue for task in finished)
    assert {task["state"] for task in finished} == {"SUCCESS"}
    delivered = Counter((m.subject, m.to[0]) for m in mail.outbox)
    assert len(mail.outbox) == len(EXPECTED)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(email for _, email in EXPECTED)
    assert all(count == 1 for count in delivered.values())
    with scopes_disabled():
        rows = set(Reminder.objects.values_list("kind", "email"))
        assert rows == EXPECTED
        assert set(Reminder.objects.values_list("status", "attempts")) == {("sent", 1)}
