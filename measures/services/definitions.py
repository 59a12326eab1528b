"""Writing measure definitions and team goals: create, change, archive, restore, reorder.

A collaborative's measures are configured by its staff; a team's own custom
measures (``Measure.team`` set) by that team's leads. Who may call which
function is the views' and API's question (``CollaborativeAccess.can_manage_measures``);
the rules about the measure itself live here: a short code unique in the
collaborative, a rate with its "per N", a default chart that fits the shape.
A measure is archived, never deleted: its values stay.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from bsc.audit import log_action
from bsc.exceptions import DomainError
from collaboratives.models import Collaborative
from collaboratives.services.core import ensure_not_archived
from measures.charting import CHART_INPUTS, series_changed
from measures.models import Measure, TeamGoal
from measures.models.measures import (
    CONTROL_CHART_FOR_SHAPE,
    ChartType,
    Direction,
    MeasureShape,
    MeasureType,
)
from teams.models import Team

UP = "up"
DOWN = "down"

EDITABLE_FIELDS = (
    "name",
    "code",
    "measure_type",
    "shape",
    "unit",
    "rate_per",
    "definition",
    "guidance",
    "numerator_label",
    "denominator_label",
    "direction",
    "goal",
    "is_required",
    "default_chart",
)


def chart_choices(shape: str) -> list[str]:
    """The charts a measure of ``shape`` may default to: a run chart, or its control chart."""
    charts = [ChartType.RUN.value]
    control = CONTROL_CHART_FOR_SHAPE.get(shape)
    if control:
        charts.append(str(control))
    return charts


def _check(collaborative: Collaborative, data: dict[str, Any], measure: Measure | None) -> None:
    name = (data.get("name") or "").strip()
    if not name:
        raise DomainError("Give the measure a name.", field="name")
    data["name"] = name
    code = (data.get("code") or "").strip().lower()
    if not code:
        raise DomainError("Give the measure a short code, e.g. “wait-days”.", field="code")
    data["code"] = code
    taken = Measure.objects.filter(collaborative=collaborative, code=code)
    if measure is not None:
        taken = taken.exclude(pk=measure.pk)
    if taken.exists():
        raise DomainError(
            f"Another measure of this collaborative already has the code “{code}”.", field="code"
        )
    if data.get("measure_type") not in MeasureType.values:
        raise DomainError("Choose outcome, process or balancing.", field="measure_type")
    shape = data.get("shape")
    if shape not in MeasureShape.values:
        raise DomainError("Choose how the measure is counted.", field="shape")
    if data.get("direction") not in Direction.values:
        raise DomainError("Say whether higher or lower is better.", field="direction")
    if shape == MeasureShape.RATE:
        if not data.get("rate_per"):
            raise DomainError(
                "A rate needs its “per”: e.g. 1000 for a rate per 1,000 patient days.",
                field="rate_per",
            )
    else:
        data["rate_per"] = None
    if shape not in (MeasureShape.PERCENTAGE, MeasureShape.RATE):
        data["numerator_label"] = ""
        data["denominator_label"] = ""
    chart = data.get("default_chart") or ChartType.RUN
    if chart not in chart_choices(shape):
        fitting = ChartType(CONTROL_CHART_FOR_SHAPE[shape]).label
        raise DomainError(
            f"A {MeasureShape(shape).label.split(' (')[0].lower()} measure is shown on a run "
            f"chart or a {fitting}.",
            field="default_chart",
        )
    data["default_chart"] = chart
    goal = data.get("goal")
    if goal is not None and Decimal(goal) < 0:
        raise DomainError("A goal is zero or more.", field="goal")
    if measure is not None and measure.shape != shape and measure.values.exists():
        raise DomainError(
            "Teams have entered values for this measure, so how it is counted cannot change. "
            "Archive it and add a new measure instead.",
            field="shape",
        )


def _defaults(data: dict[str, Any]) -> dict[str, Any]:
    values = {
        "measure_type": MeasureType.PROCESS,
        "unit": "",
        "rate_per": None,
        "definition": "",
        "guidance": "",
        "numerator_label": "",
        "denominator_label": "",
        "direction": Direction.UP,
        "goal": None,
        "is_required": True,
        "default_chart": ChartType.RUN,
    }
    values.update({key: value for key, value in data.items() if key in EDITABLE_FIELDS})
    return values


@transaction.atomic
def measure_create(
    *, collaborative: Collaborative, team: Team | None = None, actor: Any, **fields: Any
) -> Measure:
    """A collaborative measure, or ``team``'s own custom measure; placed last."""
    ensure_not_archived(collaborative)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown measure fields: {sorted(unknown)}")
    if team is not None and team.collaborative_id != collaborative.pk:
        raise DomainError("That team is not in this collaborative.", field="team")
    data = _defaults(fields)
    _check(collaborative, data, None)
    last = Measure.objects.filter(collaborative=collaborative).aggregate(last=Max("order"))["last"]
    measure = Measure.objects.create(
        organization_id=collaborative.organization_id,
        collaborative=collaborative,
        team=team,
        order=0 if last is None else last + 1,
        **data,
    )
    log_action(
        organization=collaborative.organization,
        actor=actor,
        action="bsc.measure.created",
        target=measure,
        data={
            "name": measure.name,
            "code": measure.code,
            "team": team.name if team else "",
            "collaborative": collaborative.name,
        },
    )
    return measure


@transaction.atomic
def measure_update(*, measure: Measure, actor: Any, **fields: Any) -> Measure:
    """Change some fields of a measure; the rest stay as they are."""
    collaborative = measure.collaborative
    ensure_not_archived(collaborative)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown measure fields: {sorted(unknown)}")
    data = {name: getattr(measure, name) for name in EDITABLE_FIELDS}
    data.update(fields)
    _check(collaborative, data, measure)
    changed = [name for name in EDITABLE_FIELDS if getattr(measure, name) != data[name]]
    if not changed:
        return measure
    for name in changed:
        setattr(measure, name, data[name])
    measure.save(update_fields=changed)
    if set(changed) & CHART_INPUTS:
        series_changed(organization_id=measure.organization_id, measure_ids=[measure.pk])
    log_action(
        organization=collaborative.organization,
        actor=actor,
        action="bsc.measure.changed",
        target=measure,
        data={"name": measure.name, "fields": ", ".join(changed)},
    )
    return measure


@transaction.atomic
def measure_archive(*, measure: Measure, actor: Any) -> Measure:
    """Hide a measure from new reports; its values and charts stay. Archiving twice is a no-op."""
    ensure_not_archived(measure.collaborative)
    if measure.archived_at is not None:
        return measure
    measure.archived_at = timezone.now()
    measure.save(update_fields=["archived_at"])
    log_action(
        organization=measure.organization,
        actor=actor,
        action="bsc.measure.archived",
        target=measure,
        data={"name": measure.name},
    )
    return measure


@transaction.atomic
def measure_restore(*, measure: Measure, actor: Any) -> Measure:
    ensure_not_archived(measure.collaborative)
    if measure.archived_at is None:
        return measure
    measure.archived_at = None
    measure.save(update_fields=["archived_at"])
    log_action(
        organization=measure.organization,
        actor=actor,
        action="bsc.measure.restored",
        target=measure,
        data={"name": measure.name},
    )
    return measure


@transaction.atomic
def measure_move(*, measure: Measure, direction: str, actor: Any) -> Measure:
    """One place up or down among the measures listed with it (the collaborative's, or
    one team's own); at either end it stays where it is."""
    if direction not in (UP, DOWN):
        raise DomainError("Move up or down.", field="direction")
    ensure_not_archived(measure.collaborative)
    siblings = list(
        Measure.objects.select_for_update()
        .filter(collaborative_id=measure.collaborative_id, team_id=measure.team_id)
        .order_by("order", "id")
    )
    index = next(i for i, sibling in enumerate(siblings) if sibling.pk == measure.pk)
    target = index - 1 if direction == UP else index + 1
    if target < 0 or target >= len(siblings):
        return measure
    siblings.insert(target, siblings.pop(index))
    for position, sibling in enumerate(siblings):
        if sibling.order != position:
            sibling.order = position
            sibling.save(update_fields=["order"])
    measure.order = target
    log_action(
        organization=measure.organization,
        actor=actor,
        action="bsc.measure.moved",
        target=measure,
        data={"name": measure.name, "direction": direction, "position": target + 1},
    )
    return measure


@transaction.atomic
def team_goal_set(*, measure: Measure, team: Team, goal: Decimal, actor: Any) -> TeamGoal:
    """Set (add or change) ``team``'s own goal for a collaborative measure."""
    ensure_not_archived(measure.collaborative)
    if measure.team_id is not None:
        raise DomainError(
            "A team's own measure has its goal on the measure itself.", field="measure"
        )
    if team.collaborative_id != measure.collaborative_id:
        raise DomainError("That team is not in this collaborative.", field="team")
    if goal is None or Decimal(goal) < 0:
        raise DomainError("A goal is zero or more.", field="goal")
    team_goal, created = TeamGoal.objects.get_or_create(
        measure=measure,
        team=team,
        defaults={"organization_id": measure.organization_id, "goal": goal},
    )
    if not created:
        if team_goal.goal == Decimal(goal):
            return team_goal
        team_goal.goal = goal
        team_goal.save(update_fields=["goal"])
    series_changed(
        organization_id=measure.organization_id, measure_ids=[measure.pk], team_ids=[team.pk]
    )
    log_action(
        organization=measure.organization,
        actor=actor,
        action="bsc.measure.team_goal_set",
        target=measure,
        data={"name": measure.name, "team": team.name, "goal": str(goal)},
    )
    return team_goal


@transaction.atomic
def team_goal_delete(*, team_goal: TeamGoal, actor: Any) -> None:
    """The team follows the collaborative's goal again."""
    measure = team_goal.measure
    ensure_not_archived(measure.collaborative)
    team_name = team_goal.team.name
    team_goal.delete()
    series_changed(
        organization_id=measure.organization_id,
        measure_ids=[measure.pk],
        team_ids=[team_goal.team_id],
    )
    log_action(
        organization=measure.organization,
        actor=actor,
        action="bsc.measure.team_goal_removed",
        target=measure,
        data={"name": measure.name, "team": team_name},
    )
