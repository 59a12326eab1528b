"""A real Celery worker consumes an invitation e-mail task from Redis.

Everywhere else tasks run eagerly. This test proves the production path end to
end: the service commits, ``delay_on_commit`` publishes to Redis, a worker (a
thread in this process, so it shares ``mail.outbox``) consumes the message,
enters the organization's scope, sends the e-mail and records ``sent_at``.

Each run uses a queue of its own, so a stray worker on the same Redis cannot
take the task, and this worker cannot take anyone else's.
"""

from __future__ import annotations

import os
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import redis
from celery import Celery
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.core import mail
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from accounts import services
from accounts.invitations import invitation_from_token
from accounts.models import Invitation, Role
from bsc.celery import app as celery_app
from bsc.emails import absolute_url

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]

TIMEOUT = 30.0


def wait_for(condition: Callable[[], bool], what: str, timeout: float = TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"Timed out after {timeout:.0f}s waiting for {what}.")
        time.sleep(0.05)


@contextmanager
def own_queue(app: Celery, queue: str) -> Iterator[None]:
    """Route every task to ``queue`` and publish for real, then put the app back as it was."""
    keys = (
        "task_always_eager",
        "task_default_queue",
        "task_default_exchange",
        "task_default_routing_key",
    )
    saved = {key: app.conf[key] for key in keys}
    app.conf.update(
        task_always_eager=False,
        task_default_queue=queue,
        task_default_exchange=queue,
        task_default_routing_key=queue,
    )
    # The app caches its queues, router and publisher from the configuration it
    # first saw; a fresh ``amqp`` object reads the queue set above.
    saved_amqp = app.__dict__.pop("amqp", None)
    try:
        yield
    finally:
        app.conf.update(saved)
        app.__dict__.pop("amqp", None)
        if saved_amqp is not None:
            app.__dict__["amqp"] = saved_amqp
        client = redis.Redis.from_url(os.environ["REDIS_URL"])
        leftovers = list(client.scan_iter(match=f"*{queue}*"))
        if leftovers:
            client.delete(*leftovers)


@contextmanager
def finished_tasks() -> Iterator[list[dict[str, Any]]]:
    """Record how each task that finishes in this process was delivered."""
    seen: list[dict[str, Any]] = []

    def record(sender: Any = None, task_id: str = "", **kwargs: Any) -> None:
        request = sender.request
        seen.append(
            {
                "name": sender.name,
                "id": task_id,
                "is_eager": bool(request.is_eager),
                "thread": threading.get_ident(),
                "routing_key": (request.delivery_info or {}).get("routing_key"),
                "state": kwargs.get("state"),
            }
        )

    task_postrun.connect(record, weak=False)
    try:
        yield seen
    finally:
        task_postrun.disconnect(record)


def test_a_worker_sends_the_invitation_email_it_takes_from_redis(org_a, alice):
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
        # No transaction wraps the test (transactional_db), so the service's own
        # transaction really commits and its on-commit hook publishes the task.
        with scope(organization=org_a):
            invitation = services.invitation_create(
                organization=org_a, email="dana@example.org", role=Role.MEMBER, actor=alice
            )

        def sent() -> bool:
            with scopes_disabled():
                return Invitation.objects.filter(pk=invitation.pk, sent_at__isnull=False).exists()

        wait_for(sent, "the worker to record Invitation.sent_at")
        wait_for(lambda: len(finished) >= 1, "the task to finish")

    assert [(t["name"], t["state"]) for t in finished] == [
        ("accounts.tasks.send_invitation_email", "SUCCESS")
    ]
    delivery = finished[0]
    assert not delivery["is_eager"]
    assert delivery["thread"] != threading.get_ident()
    assert delivery["routing_key"] == queue
    # The worker stored its result in the Redis result backend.
    result = celery_app.AsyncResult(delivery["id"])
    assert result.state == "SUCCESS"
    result.forget()

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["dana@example.org"]
    assert invitation_in(message.body) == invitation


def invitation_in(text: str) -> Invitation | None:
    """The invitation whose accept link appears in ``text``.

    The signed value carries a timestamp, so a link made again a second later
    differs; compare what the link names instead.
    """
    prefix, suffix = absolute_url(reverse("invitation_accept", args=["TOKEN"])).split("TOKEN")
    match = re.search(re.escape(prefix) + r"([^\s/\"'<>]+)" + re.escape(suffix), text)
    return invitation_from_token(match.group(1)) if match else None
