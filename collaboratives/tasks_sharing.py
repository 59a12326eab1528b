"""Celery tasks of the feed's e-mail. Thin: the work is in ``collaboratives.services.sharing``.

``feed_digests_sweep_task`` runs hourly from beat; each organization gets its digests once its
morning (``DIGEST_HOUR``) has come. The send tasks are idempotent (they claim their row with a
conditional update before sending), so they alone use ``acks_late``.
"""

from __future__ import annotations

from celery import shared_task

from bsc.tasks import TenantTask
from collaboratives.services import sharing

RETRY = {
    "autoretry_for": sharing.TRANSPORT_ERRORS,
    "retry_backoff": 30,
    "retry_backoff_max": 1800,
    "retry_jitter": True,
    "max_retries": sharing.MAX_ATTEMPTS - 1,
}


@shared_task(name="collaboratives.feed_digests_sweep")
def feed_digests_sweep_task() -> int:
    return len(sharing.feed_digests_sweep())


@shared_task(name="collaboratives.feed_notification_send", base=TenantTask, acks_late=True, **RETRY)
def feed_notification_send_task(*, organization_id: int, notification_id: int) -> str:
    return sharing.notification_send(notification_id=notification_id)


@shared_task(name="collaboratives.feed_digest_send", base=TenantTask, acks_late=True, **RETRY)
def feed_digest_send_task(*, organization_id: int, digest_id: int) -> str:
    return sharing.digest_send(digest_id=digest_id)
