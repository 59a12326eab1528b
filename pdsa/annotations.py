"""PDSA cycles as annotations on run charts: the date a test started, its title, its decision.

A cycle is drawn on the chart of every measure it names, at the day it
started (the Do), from the moment it started; a cycle still only planned has
nothing to show yet. ``cycle_annotations_bulk`` serves a dashboard of many
teams and measures in one query.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.urls import reverse

from pdsa.models import PDSACycle

if TYPE_CHECKING:
    from measures.models import Measure
    from teams.models import Team

TITLE_LENGTH = 60


def _short(title: str) -> str:
    return title if len(title) <= TITLE_LENGTH else title[: TITLE_LENGTH - 1].rstrip() + "…"


def cycle_url(org_slug: str, collab_slug: str, team_id: int, cycle_id: int) -> str:
    return reverse(
        "pdsa_detail",
        kwargs={"org": org_slug, "collab": collab_slug, "team": team_id, "cycle": cycle_id},
    )


def _rows(team_ids: Iterable[int], measure_ids: Iterable[int], start: dt.date, end: dt.date):
    # One query: the link table joined to its cycle, the organization and the collaborative
    # (for the slugs of the cycle's address). The team filter keeps it inside one tenant.
    through = PDSACycle.measures.through
    return (
        through.objects.filter(
            pdsacycle__team_id__in=list(team_ids),
            measure_id__in=list(measure_ids),
            pdsacycle__started_on__isnull=False,
            pdsacycle__started_on__gte=start,
            pdsacycle__started_on__lte=end,
        )
        .order_by("pdsacycle__started_on", "pdsacycle_id")
        .values_list(
            "measure_id",
            "pdsacycle_id",
            "pdsacycle__team_id",
            "pdsacycle__title",
            "pdsacycle__decision",
            "pdsacycle__started_on",
            "pdsacycle__organization__slug",
            "pdsacycle__collaborative__slug",
        )
    )


def _annotation(row: tuple[Any, ...]) -> dict[str, Any]:
    _measure_id, cycle_id, team_id, title, decision, started_on, org_slug, collab_slug = row
    return {
        "date": started_on,
        "title": _short(title),
        "decision": decision or "",
        "url": cycle_url(org_slug, collab_slug, team_id, cycle_id),
    }


def cycle_annotations(
    team: Team, measure: Measure, start: dt.date, end: dt.date
) -> list[dict[str, Any]]:
    """The team's cycles linked to ``measure`` that started between ``start`` and ``end``
    (both included), oldest first: ``{"date", "title", "decision", "url"}`` each."""
    return [_annotation(row) for row in _rows([team.pk], [measure.pk], start, end)]


def cycle_annotations_bulk(
    team_ids: Iterable[int], measure_ids: Iterable[int], start: dt.date, end: dt.date
) -> dict[tuple[int, int], list[dict[str, Any]]]:
    """``cycle_annotations`` for every (team id, measure id) pair in one query.

    Pairs without cycles are left out of the dict.
    """
    result: dict[tuple[int, int], list[dict[str, Any]]] = {}
    for row in _rows(team_ids, measure_ids, start, end):
        result.setdefault((row[2], row[0]), []).append(_annotation(row))
    return result
