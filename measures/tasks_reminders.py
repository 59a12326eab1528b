"""Celery tasks of report reminders and weekly digests. Thin: the work is in ``measures.reminders``.

``reminders_sweep_task`` runs from beat every 15 minutes and queues one send per
due row. The send tasks are idempotent (they claim their row with a conditional
update before sending, see ``measures.reminders``), so they alone use
``acks_late``: a worker that dies mid-task leaves the message in Redis and
another worker's retry finds the row already sent, or reclaims a stale claim.
"""

from __future__ import annotations

from celery import shared_task

from bsc.tasks import TenantTask
from measures import reminders

RETRY = {
    "autoretry_for": reminders.TRANSPORT_ERRORS,
    "retry_backoff": 30,
    "retry_backoff_max": 1800,
    "retry_jitter": True,
    "max_retries": reminders.MAX_ATTEMPTS - 1,
}


@shared_task(name="measures.reminders_sweep")
def reminders_sweep_task() -> dict[str, int]:
    result = reminders.reminders_sweep()
    return {"reminders": len(result.reminder_ids), "digests": len(result.digest_ids)}


@shared_task(name="measures.reminder_send", base=TenantTask, acks_late=True, **RETRY)
def reminder_send_task(*, organization_id: int, reminder_id: int) -> str:
    return reminders.reminder_send(reminder_id=reminder_id)


@shared_task(name="measures.digest_send", base=TenantTask, acks_late=True, **RETRY)
def digest_send_task(*, organization_id: int, digest_id: int) -> str:
    return reminders.digest_send(digest_id=digest_id)
