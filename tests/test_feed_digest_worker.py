"""The feed's e-mail through a real Redis and a real Celery worker: each sent exactly once.

A post by a team member queues one immediate e-mail per subscriber on commit; two digest sweeps
for the same instant queue every digest twice, and only the send that claims the row delivers
it. Like ``tests/test_reminders_worker.py``, this runs a worker thread on a queue of its own
against ``REDIS_URL``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django_scopes import scope, scopes_disabled

from bsc.celery import app as celery_app
from collaboratives.models import FeedDigest, FeedNotification, Post
from collaboratives.services import sharing as services
from tests.collaboratives.sharing_support import make_world
from tests.factories import FeedPreferenceFactory
from tests.test_celery_worker import TIMEOUT, finished_tasks, own_queue, wait_for

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]

# 9 March 2026, 09:00 in New York: the digest covers 8 March.
MORNING = dt.datetime(2026, 3, 9, 13, 0, tzinfo=dt.UTC)


@pytest.fixture
def world(org_a):
    org_a.time_zone = "America/New_York"
    org_a.save()
    return make_world(org_a)


def _worker(queue: str):
    return start_worker(
        celery_app,
        pool="solo",
        perform_ping_check=False,
        queues=[queue],
        shutdown_timeout=TIMEOUT,
    )


def test_a_post_is_emailed_once_to_each_immediate_subscriber_by_the_worker(world):
    with scopes_disabled():
        FeedPreferenceFactory(
            collaborative=world.collaborative, user=world.other, frequency="immediate"
        )
        FeedPreferenceFactory(
            collaborative=world.collaborative, user=world.faculty, frequency="immediate"
        )
    queue = f"bsc-test-{uuid.uuid4().hex[:12]}"
    with own_queue(celery_app, queue), finished_tasks() as finished, _worker(queue):
        # No transaction wraps the test, so the service's transaction commits and its
        # on-commit hook publishes the sends.
        with scope(organization=world.organization):
            services.post_create(
                collaborative=world.collaborative,
                access=world.access(world.member),
                actor=world.member,
                kind="win",
                title="Same-day calls",
                body="Nine of ten families reached.",
            )

        def sent() -> bool:
            with scopes_disabled():
                return FeedNotification.objects.filter(status="sent").count() == 2

        wait_for(sent, "the worker to send both e-mails")
        wait_for(lambda: len(finished) >= 2, "both sends to finish")

    assert all(not task["is_eager"] and task["routing_key"] == queue for task in finished)
    assert sorted(m.to[0] for m in mail.outbox) == ["fay@example.org", "olga@hillside.example"]


def test_two_digest_sweeps_queue_every_digest_twice_and_each_person_gets_one(world):
    with scopes_disabled():
        post = Post.objects.create(
            organization=world.organization,
            collaborative=world.collaborative,
            kind="lesson",
            title="Start smaller",
            body="One clinician, one day.",
            author=world.faculty,
        )
        Post.objects.filter(pk=post.pk).update(
            created_at=dt.datetime(2026, 3, 8, 15, 0, tzinfo=dt.UTC)
        )
    queue = f"bsc-test-{uuid.uuid4().hex[:12]}"
    with own_queue(celery_app, queue), finished_tasks() as finished, _worker(queue):
        first = services.feed_digests_sweep(now=MORNING)
        second = services.feed_digests_sweep(now=MORNING)
        queued = len(first) + len(second)

        def done() -> bool:
            with scopes_disabled():
                return not FeedDigest.objects.exclude(status__in=["sent", "skipped"]).exists()

        wait_for(done, "the worker to send every digest")
        wait_for(lambda: len(finished) >= queued, "every queued send to finish")

    assert {task["state"] for task in finished} == {"SUCCESS"}
    delivered = Counter(m.to[0] for m in mail.outbox)
    # The author gets no digest of their own post; everyone else one.
    assert delivered == {
        "max@riverside.example": 1,
        "lena@riverside.example": 1,
        "olga@hillside.example": 1,
    }
