"""Writes of spread plans: one per team, written by its leads, with its history in the
audit log (old and new answer of every question changed)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction

from bsc.audit import log_action, person_of
from bsc.exceptions import ConflictError, DomainError
from collaboratives.services.core import ensure_not_archived
from teams.models import SpreadPlan

if TYPE_CHECKING:
    from teams.models import Team

TEXT_FIELDS = ("what", "to_whom", "expected_improvement", "learning_transfer")
FIELDS = (*TEXT_FIELDS, "target_date")
MAX_TEXT = 5000


class StaleSpreadPlanError(ConflictError):
    def __init__(self, plan: SpreadPlan):
        super().__init__(
            "Someone else saved this spread plan after you opened it. Nothing of yours was "
            "saved: read their version and make your changes again."
        )
        self.plan = plan


def spread_plan_for(team: Team) -> SpreadPlan:
    """The team's plan, or an empty unsaved one (version 0) if nobody wrote it yet."""
    plan = SpreadPlan.objects.filter(team=team).select_related("updated_by").first()
    if plan is None:
        plan = SpreadPlan(
            organization_id=team.organization_id,
            collaborative_id=team.collaborative_id,
            team=team,
            version=0,
        )
    plan.team = team
    return plan


def _clean_date(raw: Any) -> dt.date | None:
    if raw is None or raw == "":
        return None
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    try:
        return dt.date.fromisoformat(str(raw).strip())
    except ValueError:
        raise DomainError("Give the date as YYYY-MM-DD.", field="target_date") from None


def _snapshot(plan: SpreadPlan) -> dict[str, Any]:
    snapshot: dict[str, Any] = {name: getattr(plan, name) for name in TEXT_FIELDS}
    snapshot["target_date"] = plan.target_date.isoformat() if plan.target_date else None
    return snapshot


def spread_plan_save(
    *,
    team: Team,
    actor: Any,
    data: dict[str, Any],
    expected_version: int | None,
    source: str = "web",
) -> SpreadPlan:
    """Write the answers given in ``data`` (the others keep their saved value).

    ``expected_version`` is the version read (0 for a plan not written yet); a
    stale one raises ``StaleSpreadPlanError``.
    """
    ensure_not_archived(team.collaborative)
    values: dict[str, Any] = {}
    for name in TEXT_FIELDS:
        if name in data and data[name] is not None:
            text = str(data[name]).strip()
            if len(text) > MAX_TEXT:
                raise DomainError(f"Keep this under {MAX_TEXT} characters.", field=name)
            values[name] = text
    if "target_date" in data:
        values["target_date"] = _clean_date(data["target_date"])
        start = team.collaborative.start_date
        if values["target_date"] is not None and values["target_date"] < start:
            raise DomainError(
                f"Choose a date after the collaborative started ({start:%-d %B %Y}).",
                field="target_date",
            )
    with transaction.atomic():
        plan = SpreadPlan.objects.select_for_update().filter(team=team).first()
        if plan is None:
            if expected_version:
                raise StaleSpreadPlanError(spread_plan_for(team))
            plan = SpreadPlan(
                organization_id=team.organization_id,
                collaborative_id=team.collaborative_id,
                team=team,
                version=0,
            )
        elif expected_version is not None and expected_version != plan.version:
            plan.team = team
            raise StaleSpreadPlanError(plan)
        plan.team = team
        old = _snapshot(plan) if plan.pk else None
        for name, value in values.items():
            setattr(plan, name, value)
        new = _snapshot(plan)
        if old is not None and old == new:
            return plan
        plan.updated_by = person_of(actor)
        plan.version += 1
        try:
            with transaction.atomic():
                plan.save()
        except IntegrityError:
            raise StaleSpreadPlanError(spread_plan_for(team)) from None
        changed = sorted(key for key in new if old is None or old[key] != new[key])
        log_action(
            organization=plan.organization,
            actor=actor,
            action="bsc.spread_plan.created" if old is None else "bsc.spread_plan.changed",
            target=plan,
            data={
                "team": team.name,
                "fields": changed,
                "old": {key: old[key] for key in changed} if old else {},
                "new": {key: new[key] for key in changed},
                "source": source,
            },
        )
        return plan


def spread_plan_history(plan: SpreadPlan, *, limit: int = 50) -> list:
    """The plan's audit entries, newest first (one query)."""
    if plan.pk is None:
        return []
    from django.contrib.contenttypes.models import ContentType

    from bsc.audit import AuditEntry

    return list(
        AuditEntry.objects.filter(
            organization_id=plan.organization_id,
            target_type=ContentType.objects.get_for_model(SpreadPlan),
            target_id=str(plan.pk),
        ).select_related("actor")[:limit]
    )
