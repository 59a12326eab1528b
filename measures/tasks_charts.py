"""Keeping chart snapshots current, in workers.

Every write that changes what a chart is computed from (values, chart
settings, goals, a measure's shape or default chart) marks the snapshots stale
and queues ``refresh_snapshots`` on commit (``measures.charting.series_changed``).
The task recomputes the named series whose inputs changed and the aggregates
of their measures; a series whose fingerprint still matches is only marked
current, so a repeated or late task costs little and never goes backwards.
"""

from __future__ import annotations

import logging

from celery import shared_task

from bsc.tasks import TenantTask

logger = logging.getLogger(__name__)


@shared_task(base=TenantTask)
def refresh_snapshots(
    *,
    organization_id: int,
    measure_ids: list[int] | None = None,
    team_ids: list[int] | None = None,
) -> dict[str, int]:
    """Recompute the snapshots of ``team_ids`` x ``measure_ids`` (None: all) that are stale,
    missing or computed from older inputs, and the aggregates of those measures."""
    from measures import charting

    counts = charting.refresh(measure_ids=measure_ids, team_ids=team_ids)
    logger.info("Chart snapshots refreshed in organization %s: %s", organization_id, counts)
    return counts
