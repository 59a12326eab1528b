"""Keeping snapshots fresh: staleness hooks and the refresh.

Every write that changes what a chart is computed from calls ``series_changed``
(values, settings, goals, measures), ``cycle_changed`` (PDSA cycles) or
``collaborative_changed`` (learning sessions, the rule set and dates): the snapshots
are marked stale at once and ``measures.tasks_charts.refresh_snapshots`` recomputes
them on commit (``refresh`` is its body).
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Q

from measures.charting.aggregate import compute_aggregate
from measures.charting.snapshots import compute_snapshots
from measures.models import ChartSnapshot, Measure

if TYPE_CHECKING:
    from collaboratives.models import Collaborative


# The fields of a measure that its charts are computed from.
CHART_INPUTS = frozenset(
    {"name", "unit", "shape", "rate_per", "direction", "goal", "default_chart"}
)


def mark_stale(*, measure_ids: list[int] | None = None, team_ids: list[int] | None = None) -> int:
    """Mark the snapshots of these series (None: all) and the aggregates of these
    measures as no longer current. Returns the number marked."""
    series = ChartSnapshot.objects.filter(is_current=True)
    if measure_ids is not None:
        series = series.filter(measure_id__in=measure_ids)
    if team_ids is not None:
        from teams.models import Team

        collaboratives = Team.objects.filter(pk__in=team_ids).values("collaborative_id")
        series = series.filter(
            Q(team_id__in=team_ids) | Q(team__isnull=True, collaborative_id__in=collaboratives)
        )
    return series.update(is_current=False)


def queue_refresh(
    *,
    organization_id: int,
    measure_ids: list[int] | None = None,
    team_ids: list[int] | None = None,
) -> None:
    """Refresh these series and their aggregates once the current transaction commits."""
    from measures.tasks_charts import refresh_snapshots

    kwargs = {
        "organization_id": organization_id,
        "measure_ids": sorted(set(measure_ids)) if measure_ids is not None else None,
        "team_ids": sorted(set(team_ids)) if team_ids is not None else None,
    }

    def send() -> None:
        refresh_snapshots.delay(**kwargs)

    transaction.on_commit(send, robust=True)


def series_changed(
    *,
    organization_id: int,
    measure_ids: list[int] | None = None,
    team_ids: list[int] | None = None,
) -> None:
    """What every write that changes a chart's inputs calls: stale now, refreshed on commit."""
    mark_stale(measure_ids=measure_ids, team_ids=team_ids)
    queue_refresh(organization_id=organization_id, measure_ids=measure_ids, team_ids=team_ids)


# What a PDSA cycle's annotation on a chart shows (its start day, title and decision) and
# the fields whose change can move them.
ANNOTATED_CYCLE_FIELDS = frozenset({"title", "decision", "started_on", "status", "measures"})
# The collaborative's settings that its charts are computed from: the default rule set, and
# the dates that bound the series' months.
COLLABORATIVE_CHART_INPUTS = frozenset({"run_chart_rules", "start_date", "end_date"})


def cycle_changed(
    cycle: Any,
    *,
    fields: Any = None,
    earlier_measure_ids: list[int] | tuple[int, ...] = (),
) -> None:
    """A PDSA cycle was created, changed or is about to be deleted: the team's series of
    the measures it names (and of ``earlier_measure_ids``, the ones it named before) are
    stale now and refreshed on commit.

    ``fields``: the names of the changed fields (a change of none that the annotation
    shows changes no chart); None for a created or deleted cycle, which changes charts
    only once it has started (a cycle still planned is not drawn).
    """
    if fields is None:
        if cycle.started_on is None:
            return
    elif not ANNOTATED_CYCLE_FIELDS & set(fields):
        return
    measure_ids = set(earlier_measure_ids)
    if cycle.pk is not None:
        measure_ids.update(cycle.measures.values_list("pk", flat=True))
    if not measure_ids:
        return
    series_changed(
        organization_id=cycle.organization_id,
        measure_ids=sorted(measure_ids),
        team_ids=[cycle.team_id],
    )


def collaborative_changed(collaborative: Collaborative, *, fields: Any = None) -> None:
    """Something every chart of the collaborative draws changed (a learning session, its
    rule set or dates): its kept snapshots are stale now and refreshed on commit.

    ``fields``: the names of the collaborative's changed settings (only
    ``COLLABORATIVE_CHART_INPUTS`` matter); None when a learning session changed.
    """
    if fields is not None and not COLLABORATIVE_CHART_INPUTS & set(fields):
        return
    measure_ids = sorted(
        set(
            ChartSnapshot.objects.filter(collaborative_id=collaborative.pk).values_list(
                "measure_id", flat=True
            )
        )
    )
    if not measure_ids:
        return
    series_changed(organization_id=collaborative.organization_id, measure_ids=measure_ids)


def refresh(
    *,
    measure_ids: list[int] | None = None,
    team_ids: list[int] | None = None,
    verify: bool = False,
) -> dict[str, int]:
    """Recompute the named series (stale, missing or changed) and their aggregates, in the
    active organization scope (the Celery task's body). With neither ids: the measures
    with a stale snapshot, or with ``verify`` every series of every current collaborative
    (whatever a lost refresh or a write outside the services left behind). Returns counts
    for the log."""
    from collaboratives.models import Collaborative
    from teams.models import Team, TeamStatus

    measures = Measure.objects.select_related("collaborative")
    if measure_ids is not None:
        measures = measures.filter(pk__in=measure_ids)
    elif team_ids is not None:
        collaborative_ids = Team.objects.filter(pk__in=team_ids).values("collaborative_id")
        measures = measures.filter(collaborative_id__in=collaborative_ids)
    elif verify:
        measures = measures.filter(
            archived_at__isnull=True, collaborative__archived_at__isnull=True
        )
    else:
        measures = measures.filter(chart_snapshots__is_current=False).distinct()
    by_collaborative: dict[int, list[Measure]] = defaultdict(list)
    for measure in measures:
        by_collaborative[measure.collaborative_id].append(measure)
    counts = {"series": 0, "aggregates": 0}
    for collaborative_id, collaborative_measures in by_collaborative.items():
        collaborative = Collaborative.objects.get(pk=collaborative_id)
        teams = Team.objects.filter(collaborative=collaborative).exclude(
            status=TeamStatus.APPLICANT
        )
        if team_ids is not None:
            teams = teams.filter(pk__in=team_ids)
        ids = list(teams.values_list("pk", flat=True))
        with transaction.atomic():
            snapshots = compute_snapshots(collaborative, ids, collaborative_measures)
        counts["series"] += len(snapshots)
        for measure in collaborative_measures:
            if measure.team_id is None:
                compute_aggregate(collaborative, measure)
                counts["aggregates"] += 1
    return counts
