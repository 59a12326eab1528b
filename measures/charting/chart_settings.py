"""How a series is charted: ``ChartSettings`` per team x measure.

Chart type, rule set, phases with labels, frozen baseline and excluded months with
a reason, validated per field against the series' months, saved with optimistic
locking (``StaleSettingsError``) and kept in the history (``ChartSettingsChange``).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from bsc.audit import log_action, person_of
from bsc.exceptions import ConflictError, DomainError
from measures.charting.freshness import series_changed
from measures.charting.series import _month, allowed_charts, series_for
from measures.models import ChartSettings, ChartSettingsChange, Measure, RuleSet, SpcChart

if TYPE_CHECKING:
    from teams.models import Team


MAX_LABEL = 100
MAX_REASON = 300


class StaleSettingsError(ConflictError):
    """Someone changed the chart settings after the caller read them."""

    def __init__(self, settings: ChartSettings):
        super().__init__(
            "Someone else changed this chart's settings after you opened them. Nothing of "
            "yours was saved: check their changes and make yours again."
        )
        self.settings = settings


class SettingsErrors(DomainError):
    """Several fields at fault: ``errors`` maps a field to its messages."""

    def __init__(self, message: str, errors: dict[str, list[str]]):
        super().__init__(message, field=next(iter(errors), None))
        self.errors = errors


SETTINGS_FIELDS = ("chart_type", "rule_set", "phase_breaks", "freeze_month", "exclusions")


def chart_settings_for(team: Team, measure: Measure) -> ChartSettings:
    """The saved settings of the series, or unsaved defaults (version 0)."""
    settings = ChartSettings.objects.filter(team=team, measure=measure).first()
    if settings is None:
        settings = ChartSettings(organization_id=team.organization_id, team=team, measure=measure)
    return settings


def settings_data(settings: ChartSettings) -> dict[str, Any]:
    """The settings as JSON-ready data (history rows, the API)."""
    return {
        "chart_type": settings.chart_type,
        "rule_set": settings.rule_set,
        "phase_breaks": list(settings.phase_breaks or []),
        "freeze_month": settings.freeze_month.isoformat() if settings.freeze_month else None,
        "exclusions": list(settings.exclusions or []),
    }


def _month_error(name: str) -> str:
    return f"Give the {name} as a month, YYYY-MM, e.g. 2026-03."


def _clean_settings(
    team: Team, measure: Measure, current: ChartSettings, data: dict[str, Any]
) -> dict[str, Any]:
    """Check ``data`` (any of SETTINGS_FIELDS) against the series; raise every error at once."""
    errors: dict[str, list[str]] = {}
    unknown = sorted(set(data) - set(SETTINGS_FIELDS))
    for name in unknown:
        errors.setdefault(name, []).append("Not a chart setting.")
    merged = settings_data(current)
    merged.update({key: value for key, value in data.items() if key in SETTINGS_FIELDS})
    months = series_for(team, measure, settings=ChartSettings()).months
    month_set = set(months)
    span = f"{months[0]:%B %Y} to {months[-1]:%B %Y}" if months else "no months yet (no values)"

    chart_type = merged.get("chart_type") or ""
    if not isinstance(chart_type, str) or (
        chart_type and chart_type not in allowed_charts(measure)
    ):
        names = ", ".join(SpcChart(chart).label for chart in allowed_charts(measure))
        errors.setdefault("chart_type", []).append(f"This measure is shown on one of: {names}.")
        chart_type = ""
    rule_set = merged.get("rule_set") or ""
    if not isinstance(rule_set, str) or (rule_set and rule_set not in RuleSet.values):
        errors.setdefault("rule_set", []).append("Choose the IHI rules or the Anhøj rules.")
        rule_set = ""

    breaks = merged.get("phase_breaks") or []
    clean_breaks: list[dict[str, str]] = []
    if not isinstance(breaks, list):
        errors.setdefault("phase_breaks", []).append(
            "Give the phase breaks as a list of {month, label}."
        )
        breaks = []
    seen: set[dt.date] = set()
    for index, item in enumerate(breaks, start=1):
        if not isinstance(item, dict):
            errors.setdefault("phase_breaks", []).append(
                f"Phase break {index}: give a month and a label."
            )
            continue
        month = _month(item.get("month"))
        label = item.get("label") or ""
        if month is None:
            errors.setdefault("phase_breaks", []).append(
                f"Phase break {index}: " + _month_error("month")
            )
            continue
        if month not in month_set:
            errors.setdefault("phase_breaks", []).append(
                f"Phase break {index}: {month:%B %Y} is outside the series ({span})."
            )
            continue
        if month == months[0]:
            errors.setdefault("phase_breaks", []).append(
                f"Phase break {index}: a new phase cannot start in the first month ({month:%B %Y})."
            )
            continue
        if month in seen:
            errors.setdefault("phase_breaks", []).append(
                f"Phase break {index}: {month:%B %Y} already starts a phase."
            )
            continue
        if not isinstance(label, str) or len(label.strip()) > MAX_LABEL:
            errors.setdefault("phase_breaks", []).append(
                f"Phase break {index}: give a label of at most {MAX_LABEL} letters."
            )
            continue
        seen.add(month)
        clean_breaks.append({"month": month.isoformat(), "label": label.strip()})
    clean_breaks.sort(key=lambda item: item["month"])

    freeze_raw = merged.get("freeze_month")
    freeze: dt.date | None = None
    if freeze_raw not in (None, ""):
        freeze = _month(freeze_raw)
        if freeze is None:
            errors.setdefault("freeze_month", []).append(_month_error("last baseline month"))
        elif freeze not in month_set:
            errors.setdefault("freeze_month", []).append(
                f"{freeze:%B %Y} is outside the series ({span})."
            )
            freeze = None
        elif breaks:
            errors.setdefault(
                "freeze_month" if "freeze_month" in data else "phase_breaks", []
            ).append(
                "A chart has either phases or a frozen baseline, not both: remove the "
                "phase breaks or the baseline."
            )

    exclusions = merged.get("exclusions") or []
    clean_exclusions: list[dict[str, str]] = []
    if not isinstance(exclusions, list):
        errors.setdefault("exclusions", []).append(
            "Give the excluded months as a list of {month, reason}."
        )
        exclusions = []
    excluded: set[dt.date] = set()
    for index, item in enumerate(exclusions, start=1):
        if not isinstance(item, dict):
            errors.setdefault("exclusions", []).append(
                f"Exclusion {index}: give a month and a reason."
            )
            continue
        month = _month(item.get("month"))
        reason = item.get("reason")
        if month is None:
            errors.setdefault("exclusions", []).append(
                f"Exclusion {index}: " + _month_error("month")
            )
            continue
        if month not in month_set:
            errors.setdefault("exclusions", []).append(
                f"Exclusion {index}: {month:%B %Y} is outside the series ({span})."
            )
            continue
        if month in excluded:
            errors.setdefault("exclusions", []).append(
                f"Exclusion {index}: {month:%B %Y} is already excluded."
            )
            continue
        if not isinstance(reason, str) or not reason.strip():
            errors.setdefault("exclusions", []).append(
                f"Exclusion {index}: say why {month:%B %Y} is left out."
            )
            continue
        if len(reason.strip()) > MAX_REASON:
            errors.setdefault("exclusions", []).append(
                f"Exclusion {index}: keep the reason under {MAX_REASON} letters."
            )
            continue
        excluded.add(month)
        clean_exclusions.append({"month": month.isoformat(), "reason": reason.strip()})
    clean_exclusions.sort(key=lambda item: item["month"])

    if errors:
        first = next(iter(errors.values()))[0]
        raise SettingsErrors(f"The chart settings were not saved: {first}", errors)
    return {
        "chart_type": chart_type,
        "rule_set": rule_set,
        "phase_breaks": clean_breaks,
        "freeze_month": freeze,
        "exclusions": clean_exclusions,
    }


def update_chart_settings(
    *,
    team: Team,
    measure: Measure,
    actor: Any,
    data: dict[str, Any],
    expected_version: int | None,
    source: str = "form",
) -> ChartSettings:
    """Change how the series is charted (only the keys in ``data``).

    ``expected_version`` is the version the caller read (0 for defaults never saved);
    a newer one answers ``StaleSettingsError``. Keeps a ``ChartSettingsChange`` and an
    audit entry, marks the series' snapshot stale and queues its refresh on commit.
    """
    from collaboratives.services.core import ensure_not_archived

    if measure.collaborative_id != team.collaborative_id or (
        measure.team_id is not None and measure.team_id != team.pk
    ):
        raise DomainError("This team does not report this measure.", field="measure", status=404)
    ensure_not_archived(team.collaborative)
    with transaction.atomic():
        current = (
            ChartSettings.objects.select_for_update().filter(team=team, measure=measure).first()
        )
        if current is None:
            current = ChartSettings(
                organization_id=team.organization_id, team=team, measure=measure
            )
        if expected_version is not None and current.version != expected_version:
            raise StaleSettingsError(current)
        cleaned = _clean_settings(team, measure, current, data)
        old = settings_data(current)
        for key, value in cleaned.items():
            setattr(current, key, value)
        new = settings_data(current)
        if old == new:
            return current
        person = person_of(actor)
        current.updated_by = person
        if current.pk is None:
            current.version = 1
            try:
                with transaction.atomic():
                    current.save()
            except IntegrityError:
                # Someone saved the first settings of this series at the same moment.
                raise StaleSettingsError(
                    ChartSettings.objects.get(team=team, measure=measure)
                ) from None
        else:
            updated = ChartSettings.objects.filter(pk=current.pk, version=current.version).update(
                version=current.version + 1,
                chart_type=current.chart_type,
                rule_set=current.rule_set,
                phase_breaks=current.phase_breaks,
                freeze_month=current.freeze_month,
                exclusions=current.exclusions,
                updated_by=person,
                updated_at=timezone.now(),
            )
            if not updated:
                raise StaleSettingsError(ChartSettings.objects.get(pk=current.pk))
            current.refresh_from_db()
        ChartSettingsChange.objects.create(
            organization_id=current.organization_id,
            settings=current,
            changed_by=person,
            old=old,
            new=new,
            source=source,
        )
        log_action(
            organization=team.organization,
            actor=actor,
            action="bsc.chart.settings_changed",
            target=current,
            data={
                "team": team.name,
                "measure": measure.name,
                "fields": ", ".join(key for key in new if old.get(key) != new.get(key)),
                "version": current.version,
                "source": source,
            },
        )
        series_changed(
            organization_id=team.organization_id, measure_ids=[measure.pk], team_ids=[team.pk]
        )
    return current


def settings_history(settings: ChartSettings) -> list[ChartSettingsChange]:
    if settings.pk is None:
        return []
    return list(ChartSettingsChange.objects.filter(settings=settings).select_related("changed_by"))
