"""Saving a value through the report service refreshes that series' chart snapshot in a
real Celery worker.

The save marks the snapshot stale in its transaction and, on commit, publishes
``measures.tasks_charts.refresh_snapshots`` to Redis; a worker thread on a queue of its
own (as in ``tests/test_celery_worker.py``) recomputes it. Pages read the stale snapshot
until then and never compute it themselves.
"""

from __future__ import annotations

import uuid

import pytest
from celery.contrib.testing.worker import start_worker
from django_scopes import scope, scopes_disabled

from bsc.celery import app as celery_app
from measures import charting
from measures.models import ChartSnapshot
from measures.services import reports
from tests.measures.charting_support import add_values, make_world, month
from tests.test_celery_worker import TIMEOUT, finished_tasks, own_queue, wait_for

pytestmark = [
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]


def test_saving_a_value_refreshes_the_series_snapshot_in_a_worker(org_a):
    world = make_world(org_a)
    add_values(world.team, world.percentage, {month(1): (4, 10), month(2): (5, 10)})
    with scope(organization=world.organization):
        before = charting.analysis_for(world.team, world.percentage)
    assert [p["value"] for p in before.analysis["points"]] == [40.0, 50.0]

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
        with scope(organization=world.organization):
            report = reports.report_get_or_create(team=world.team, month=month(3))
            reports.report_save(
                report=report,
                version=report.version,
                values={"completion": {"numerator": 9, "denominator": 10}},
                actor=world.lead,
            )

        def refreshed() -> bool:
            with scopes_disabled():
                snapshot = ChartSnapshot.objects.get(pk=before.pk)
            return snapshot.is_current and len(snapshot.analysis["points"]) == 3

        wait_for(refreshed, "the worker to refresh the snapshot")
        wait_for(lambda: len(finished) >= 1, "the refresh task to finish")

    assert [(task["name"], task["state"]) for task in finished] == [
        ("measures.tasks_charts.refresh_snapshots", "SUCCESS")
    ]
    assert not finished[0]["is_eager"]
    assert finished[0]["routing_key"] == queue
    with scopes_disabled():
        snapshot = ChartSnapshot.objects.get(pk=before.pk)
        aggregate = ChartSnapshot.objects.get(measure=world.percentage, team__isnull=True)
    assert [p["value"] for p in snapshot.analysis["points"]] == [40.0, 50.0, 90.0]
    assert snapshot.computed_at > before.computed_at
    assert aggregate.is_current
