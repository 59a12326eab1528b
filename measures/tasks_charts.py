"""Keeping chart snapshots current, in workers.

Every write that changes what a chart is computed from (values, chart
settings, goals, a measure's shape or default chart, the PDSA cycles and
learning sessions drawn on it, the collaborative's rule set and dates) marks the
snapshots stale and queues ``refresh_snapshots`` on commit
(``measures.charting.series_changed``).
The task recomputes the named series whose inputs changed and the aggregates
of their measures; a series whose fingerprint still matches is only marked
current, so a repeated or late task costs little and never goes backwards.

``charts_sweep`` (beat, hourly) queues a verifying refresh per organization with
snapshots: it catches any refresh lost while the broker was away and any write
made outside the services. Only series whose fingerprint changed are recomputed.
"""

from __future__ import annotations

import logging

from celery import shared_task
from django_scopes import scopes_disabled

from bsc.tasks import TenantTask

logger = logging.getLogger(__name__)


@shared_task(base=TenantTask)
def refresh_snapshots(
    *,
    organization_id: int,
    measure_ids: list[int] | None = None,
    team_ids: list[int] | None = None,
    verify: bool = False,
) -> dict[str, int]:
    """Recompute the snapshots of ``team_ids`` x ``measure_ids`` (None: all) that are stale,
    missing or computed from older inputs, and the aggregates of those measures."""
    from measures import charting

    counts = charting.refresh(measure_ids=measure_ids, team_ids=team_ids, verify=verify)
    logger.info("Chart snapshots refreshed in organization %s: %s", organization_id, counts)
    return counts


@shared_task(name="measures.charts_sweep")
def charts_sweep() -> list[int]:
    """Queue a verifying refresh for every organization that keeps chart snapshots."""
    from measures.models import ChartSnapshot

    with scopes_disabled():
        organization_ids = sorted(
            set(ChartSnapshot.objects.values_list("organization_id", flat=True).distinct())
        )
    for organization_id in organization_ids:
        refresh_snapshots.delay(organization_id=organization_id, verify=True)
    return organization_ids
