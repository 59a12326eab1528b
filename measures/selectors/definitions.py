"""Reading measure definitions, with the visibility rule of team custom measures.

Every member reads a collaborative's measures. A team's own custom measure
(``Measure.team`` set) is seen only by that team and by those who see every
team (``VIEW_ALL_TEAMS``: faculty, chairs, staff). Pages, the API, the
template download and the export all read through these functions.
"""

from __future__ import annotations

from django.db.models import F, Q, QuerySet

from collaboratives.models import Collaborative
from collaboratives.permissions import CollaborativeAccess
from measures.models import Measure, TeamGoal
from teams.models import Team


def visible_measures(
    collaborative: Collaborative,
    access: CollaborativeAccess,
    *,
    include_archived: bool = False,
    team: Team | None = None,
) -> QuerySet[Measure]:
    """Measures the caller may see; with ``team``, the collaborative's plus that team's own."""
    measures = Measure.objects.filter(collaborative=collaborative).select_related("team")
    viewable = access.viewable_team_ids()
    if team is not None:
        measures = measures.filter(Q(team__isnull=True) | Q(team=team))
    if viewable is not None:
        measures = measures.filter(Q(team__isnull=True) | Q(team_id__in=viewable))
    if not include_archived:
        measures = measures.filter(archived_at__isnull=True)
    return measures.order_by(
        F("team__name").asc(nulls_first=True), F("team_id").asc(nulls_first=True), "order", "id"
    )


def measures_for_team(team: Team) -> QuerySet[Measure]:
    """What ``team`` reports on: the collaborative's current measures and its own."""
    return (
        Measure.objects.filter(collaborative_id=team.collaborative_id, archived_at__isnull=True)
        .filter(Q(team__isnull=True) | Q(team=team))
        .order_by(F("team_id").asc(nulls_first=True), "order", "id")
    )


def team_goals_of(measure: Measure) -> QuerySet[TeamGoal]:
    return TeamGoal.objects.filter(measure=measure).select_related("team").order_by("team__name")
