"""Writes of monthly reports: saving values and narrative, and the review states.

States: not started -> draft (first save) -> submitted -> returned for revision
-> draft / submitted again -> accepted. A submitted report may still be edited
(every change is kept in ``ValueChange``) and is then submitted again; an
accepted report is read-only until faculty reopen it. A locked month refuses
every change until staff unlock the team's report for some days.

Saves are optimistic: the caller passes the ``version`` it read; a report that
has moved on since answers ``StaleReportError`` and nothing is written.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from bsc.audit import log_action, person_of
from bsc.exceptions import ConflictError, DomainError
from collaboratives.services.core import ensure_not_archived
from measures.charting import series_changed
from measures.models import (
    Measure,
    MetricValue,
    MonthlyReport,
    ReportEvent,
    ReportStatus,
    ValueChange,
)
from measures.selectors import reports as selectors

if TYPE_CHECKING:
    from teams.models import Team

NARRATIVE_FIELDS = ("tested", "learned", "help_needed", "next_steps")
VALUE_FIELDS = (
    "numerator",
    "denominator",
    "value",
    "not_available",
    "not_available_reason",
    "comment",
)
MAX_UNLOCK_DAYS = 90
LOCKED_MESSAGE = (
    "This month is locked: its deadline passed some time ago. Ask the collaborative's "
    "staff to unlock your team's report if you need to change it."
)
ACCEPTED_MESSAGE = (
    "This report has been accepted and is read-only. Faculty can reopen it if it must change."
)


class ReportErrors(DomainError):
    """Several fields at fault at once: ``errors`` maps a field name to its messages."""

    def __init__(self, message: str, errors: dict[str, list[str]]):
        super().__init__(message)
        self.errors = errors


class StaleReportError(ConflictError):
    """Someone saved the report after the caller read it. ``report`` is the current one."""

    def __init__(self, report: MonthlyReport):
        super().__init__(
            "Someone else saved this report after you opened it. Nothing of yours was "
            "saved: check their changes below and enter yours again."
        )
        self.report = report


@dataclass
class SaveResult:
    report: MonthlyReport
    changed: bool
    # measure code -> warning sentence for a value far outside the team's own history
    warnings: dict[str, str] = field(default_factory=dict)


# --- Reading and creating ---------------------------------------------------------


def report_get_or_create(*, team: Team, month: dt.date) -> MonthlyReport:
    """The team's report on ``month``, created on first use (never for months outside the
    collaborative's run)."""
    collaborative = team.collaborative
    if not selectors.is_report_month(collaborative, month):
        raise DomainError(
            f"{collaborative.name} has no report for {month:%B %Y}.", field="month", status=404
        )
    report = MonthlyReport.objects.filter(team=team, month=month).first()
    if report is None:
        try:
            with transaction.atomic():
                report = MonthlyReport.objects.create(
                    organization_id=team.organization_id,
                    collaborative=collaborative,
                    team=team,
                    month=month,
                )
        except IntegrityError:
            # Someone else opened the month at the same moment.
            report = MonthlyReport.objects.get(team=team, month=month)
    report.team = team
    report.collaborative = collaborative
    return report


# --- Values ----------------------------------------------------------------------


def _decimal(raw: Any, field_name: str, errors: dict[str, list[str]], key: str) -> Decimal | None:
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool):
        errors.setdefault(key, []).append(f"Enter a number for {field_name}.")
        return None
    try:
        number = Decimal(str(raw).strip())
    except InvalidOperation:
        errors.setdefault(key, []).append(f"Enter a number for {field_name}.")
        return None
    if not number.is_finite() or abs(number) >= Decimal("1e10"):
        errors.setdefault(key, []).append(f"Enter a smaller number for {field_name}.")
        return None
    return number


def clean_value_input(measure: Measure, raw: dict[str, Any]) -> tuple[dict[str, Any], list]:
    """Turn raw input for one measure into a value dict; return it with ``[(field, message)]``."""
    from measures.validation import check_value

    errors: dict[str, list[str]] = {}
    numerator = _decimal(raw.get("numerator"), "the numerator", errors, "numerator")
    denominator = _decimal(raw.get("denominator"), "the denominator", errors, "denominator")
    value = _decimal(raw.get("value"), "the value", errors, "value")
    not_available = bool(raw.get("not_available") or False)
    reason = str(raw.get("not_available_reason") or "").strip()
    comment = str(raw.get("comment") or "").strip()
    if len(reason) > 300:
        errors.setdefault("not_available_reason", []).append("Keep the reason under 300 letters.")
    if len(comment) > 500:
        errors.setdefault("comment", []).append("Keep the comment under 500 letters.")
    if measure.is_ratio:
        value = None
    else:
        numerator = denominator = None
    if not_available:
        numerator = denominator = value = None
    cleaned = {
        "numerator": numerator,
        "denominator": denominator,
        "value": value,
        "not_available": not_available,
        "not_available_reason": reason if not_available else "",
        "comment": comment,
    }
    problems = [(key, message) for key, messages in errors.items() for message in messages]
    if not errors:
        problems += [
            ("not_available_reason" if key == "reason" else key, message)
            for key, message in check_value(
                measure, numerator, denominator, value, not_available, reason
            )
        ]
    return cleaned, problems


def _snapshot_of(cleaned: dict[str, Any]) -> dict[str, Any]:
    snapshot = dict(cleaned)
    for key in ("numerator", "denominator", "value"):
        snapshot[key] = selectors._decimal_text(snapshot[key])
    return snapshot


def _is_empty(cleaned: dict[str, Any]) -> bool:
    return (
        cleaned["numerator"] is None
        and cleaned["denominator"] is None
        and cleaned["value"] is None
        and not cleaned["not_available"]
        and not cleaned["comment"]
    )


def value_warnings(report: MonthlyReport, cleaned: dict[Measure, dict[str, Any]]) -> dict[str, str]:
    """Warnings for values far outside the team's own history (they never block)."""
    from measures.validation import rate_or_value, unusual_value_warning

    entered = {
        measure: values
        for measure, values in cleaned.items()
        if not values["not_available"] and not _is_empty(values)
    }
    if not entered:
        return {}
    history = selectors.value_history(
        report.team, [measure.pk for measure in entered], report.month
    )
    warnings = {}
    for measure, values in entered.items():
        points = [
            rate_or_value(measure, point.numerator, point.denominator, point.value)
            for point in history.get(measure.pk, [])
        ]
        new = rate_or_value(measure, values["numerator"], values["denominator"], values["value"])
        warning = unusual_value_warning(measure, new, points)
        if warning:
            warnings[measure.code] = warning
    return warnings


def pending_warnings(report: MonthlyReport, values: dict[str, dict[str, Any]]) -> dict[str, str]:
    """Warnings for the entered values that differ from the saved ones, before saving.

    Values with errors are left out: the save reports those.
    """
    measures = {measure.code: measure for measure in selectors.measures_for_team(report.team)}
    saved = {
        value.measure_id: selectors.value_snapshot(value)
        for value in MetricValue.objects.filter(report=report)
    }
    changed: dict[Measure, dict[str, Any]] = {}
    for code, raw in values.items():
        measure = measures.get(code)
        if measure is None:
            continue
        cleaned, problems = clean_value_input(measure, raw)
        if problems or _snapshot_of(cleaned) == saved.get(measure.pk, {}):
            continue
        changed[measure] = cleaned
    return value_warnings(report, changed)


def _ensure_changeable(report: MonthlyReport) -> None:
    ensure_not_archived(report.collaborative)
    if report.status == ReportStatus.ACCEPTED:
        raise ConflictError(ACCEPTED_MESSAGE)
    if selectors.report_is_locked(report):
        raise ConflictError(LOCKED_MESSAGE)


def _locked_current(report: MonthlyReport) -> MonthlyReport:
    current = MonthlyReport.objects.select_for_update().get(pk=report.pk)
    current.team = report.team
    current.collaborative = report.collaborative
    return current


def report_save(
    *,
    report: MonthlyReport,
    version: int | None,
    values: dict[str, dict[str, Any]] | None = None,
    narrative: dict[str, str] | None = None,
    actor: Any,
    source: str = "form",
) -> SaveResult:
    """Save values (by measure code) and narrative; a draft may be incomplete.

    ``version`` is the version the caller read (None: the bulk import, which
    upserts whatever is there). Values that did not change write nothing: no
    history, no new version, so repeating a request is harmless.
    """
    values = values or {}
    narrative = narrative or {}
    with transaction.atomic():
        current = _locked_current(report)
        if version is not None and current.version != version:
            raise StaleReportError(current)
        _ensure_changeable(current)
        measures = {measure.code: measure for measure in selectors.measures_for_team(report.team)}
        errors: dict[str, list[str]] = {}
        cleaned: dict[Measure, dict[str, Any]] = {}
        for code, raw in values.items():
            measure = measures.get(code)
            if measure is None:
                errors.setdefault(code, []).append("This team does not report this measure.")
                continue
            values_in, problems = clean_value_input(measure, raw)
            for field_name, message in problems:
                errors.setdefault(f"{code}.{field_name}", []).append(message)
            cleaned[measure] = values_in
        unknown = set(narrative) - set(NARRATIVE_FIELDS)
        for name in sorted(unknown):
            errors.setdefault(name, []).append("Not a part of the report's narrative.")
        if errors:
            raise ReportErrors("Some values need fixing; nothing was saved.", errors)

        existing = {
            value.measure_id: value
            for value in MetricValue.objects.filter(
                report=current, measure_id__in=[m.pk for m in cleaned]
            )
        }
        person = person_of(actor)
        value_writes = []
        for measure, values_in in cleaned.items():
            value = existing.get(measure.pk)
            old = selectors.value_snapshot(value)
            new = _snapshot_of(values_in)
            if value is None and _is_empty(values_in):
                continue
            if old == new:
                continue
            value_writes.append((measure, value, old, new, values_in))
        narrative_changes = {
            name: text.strip()
            for name, text in narrative.items()
            if text is not None and getattr(current, name) != text.strip()
        }
        if not value_writes and not narrative_changes:
            return SaveResult(report=current, changed=False, warnings={})

        now = timezone.now()
        for measure, value, old, new, values_in in value_writes:
            if value is None:
                value = MetricValue(
                    organization_id=current.organization_id,
                    report=current,
                    team_id=current.team_id,
                    measure=measure,
                    month=current.month,
                )
            for key, item in values_in.items():
                setattr(value, key, item)
            value.updated_by = person
            value.save()
            ValueChange.objects.create(
                organization_id=current.organization_id,
                value=value,
                changed_by=person,
                old=old,
                new=new,
                source=source,
            )
        if value_writes:
            series_changed(
                organization_id=current.organization_id,
                measure_ids=[measure.pk for measure, *_ in value_writes],
                team_ids=[current.team_id],
            )
        for name, text in narrative_changes.items():
            setattr(current, name, text)
        status = current.status
        if status in (ReportStatus.NOT_STARTED, ReportStatus.RETURNED):
            status = ReportStatus.DRAFT
        # The conditional update is the guard against a writer who got past the check above
        # in the same instant (SQLite has no row locks).
        updated = MonthlyReport.objects.filter(pk=current.pk, version=current.version).update(
            version=F("version") + 1,
            status=status,
            updated_at=now,
            **narrative_changes,
        )
        if not updated:
            raise StaleReportError(MonthlyReport.objects.get(pk=current.pk))
        current.refresh_from_db()
        current.team = report.team
        current.collaborative = report.collaborative
        log_action(
            organization=current.organization,
            actor=actor,
            action="bsc.report.saved",
            target=current,
            data={
                "month": f"{current.month:%Y-%m}",
                "team": current.team.name,
                "measures": [measure.code for measure, *_ in value_writes],
                "narrative": sorted(narrative_changes),
                "source": source,
                "version": current.version,
            },
        )
    warnings = value_warnings(current, {m: v for m, _, _, _, v in value_writes})
    return SaveResult(report=current, changed=True, warnings=warnings)


def missing_required(report: MonthlyReport) -> dict[str, list[str]]:
    """Required measures without a value (or "not available" with a reason), by code."""
    values = {value.measure_id: value for value in MetricValue.objects.filter(report=report)}
    missing: dict[str, list[str]] = {}
    for measure in selectors.measures_for_team(report.team):
        if not measure.is_required:
            continue
        value = values.get(measure.pk)
        if value is not None and value.not_available and value.not_available_reason:
            continue
        if value is not None and measure.is_ratio:
            if value.numerator is not None and value.denominator is not None:
                continue
        elif value is not None and value.value is not None:
            continue
        missing[measure.code] = [
            f"{measure.name} is required: enter it, or tick “not available” and say why."
        ]
    return missing


# --- States ----------------------------------------------------------------------


def _event(report: MonthlyReport, kind: str, actor: Any, note: str = "") -> ReportEvent:
    return ReportEvent.objects.create(
        organization_id=report.organization_id,
        report=report,
        kind=kind,
        actor=person_of(actor),
        note=note,
    )


def _transition(
    report: MonthlyReport, *, status: str, now: dt.datetime | None = None, **fields: Any
) -> MonthlyReport:
    """Move ``report`` (locked by the caller) to ``status``, bumping its version."""
    updated = MonthlyReport.objects.filter(pk=report.pk, version=report.version).update(
        version=F("version") + 1, status=status, updated_at=now or timezone.now(), **fields
    )
    if not updated:
        raise StaleReportError(MonthlyReport.objects.get(pk=report.pk))
    team, collaborative = report.team, report.collaborative
    report.refresh_from_db()
    report.team, report.collaborative = team, collaborative
    return report


def _audit(report: MonthlyReport, actor: Any, verb: str, **data: Any) -> None:
    log_action(
        organization=report.organization,
        actor=actor,
        action=f"bsc.report.{verb}",
        target=report,
        data={"month": f"{report.month:%Y-%m}", "team": report.team.name, **data},
    )


def report_submit(
    *, report: MonthlyReport, actor: Any, version: int | None = None
) -> MonthlyReport:
    """Hand the report to faculty. Every required measure needs a value or a reason."""
    with transaction.atomic():
        current = _locked_current(report)
        if version is not None and current.version != version:
            raise StaleReportError(current)
        _ensure_changeable(current)
        missing = missing_required(current)
        if missing:
            raise ReportErrors(
                "Some required measures have no value yet: enter them, or mark them "
                "“not available” with a reason, then submit.",
                missing,
            )
        if current.status == ReportStatus.SUBMITTED and not changed_since_submission(current):
            raise ConflictError("This report is already submitted and has not changed since.")
        resubmitted = current.status in (ReportStatus.SUBMITTED, ReportStatus.RETURNED)
        now = timezone.now()
        current = _transition(
            current,
            status=ReportStatus.SUBMITTED,
            now=now,
            submitted_at=now,
            submitted_by=person_of(actor),
        )
        _event(current, ReportEvent.Kind.SUBMITTED, actor)
        _audit(current, actor, "submitted", resubmitted=resubmitted)
    return current


def changed_since_submission(report: MonthlyReport) -> bool:
    """Whether the team saved the report after its last submission (it must resubmit)."""
    if report.submitted_at is None:
        return False
    return report.updated_at > report.submitted_at


def report_return(
    *, report: MonthlyReport, feedback: str, actor: Any, version: int | None = None
) -> MonthlyReport:
    """Faculty send a submitted report back with feedback the team sees (and gets by e-mail)."""
    feedback = (feedback or "").strip()
    if not feedback:
        raise DomainError("Tell the team what to revise.", field="feedback")
    return _review(
        report,
        actor=actor,
        version=version,
        feedback=feedback,
        status=ReportStatus.RETURNED,
        event=ReportEvent.Kind.RETURNED,
        refusal="Only a submitted report can be returned for revision.",
    )


def report_accept(
    *, report: MonthlyReport, actor: Any, feedback: str = "", version: int | None = None
) -> MonthlyReport:
    """Faculty accept a submitted report; optional feedback; the team's leads are told."""
    return _review(
        report,
        actor=actor,
        version=version,
        feedback=(feedback or "").strip(),
        status=ReportStatus.ACCEPTED,
        event=ReportEvent.Kind.ACCEPTED,
        refusal="Only a submitted report can be accepted.",
    )


def _review(
    report: MonthlyReport,
    *,
    actor: Any,
    version: int | None,
    feedback: str,
    status: str,
    event: str,
    refusal: str,
) -> MonthlyReport:
    """Return or accept a submitted report: event, audit entry and the e-mail to the team."""
    from measures.tasks import send_report_reviewed_email

    with transaction.atomic():
        current = _locked_current(report)
        if version is not None and current.version != version:
            raise StaleReportError(current)
        ensure_not_archived(current.collaborative)
        if current.status != ReportStatus.SUBMITTED:
            raise ConflictError(refusal)
        current = _transition(
            current,
            status=status,
            feedback=feedback,
            reviewed_at=timezone.now(),
            reviewed_by=person_of(actor),
        )
        _event(current, event, actor, feedback)
        _audit(current, actor, "returned" if status == ReportStatus.RETURNED else "accepted")
        send_report_reviewed_email.delay_on_commit(
            organization_id=current.organization_id, report_id=current.pk
        )
    return current


def report_reopen(*, report: MonthlyReport, actor: Any, note: str = "") -> MonthlyReport:
    """Faculty reopen an accepted report so the team can change it again (it becomes a draft)."""
    with transaction.atomic():
        current = _locked_current(report)
        ensure_not_archived(current.collaborative)
        if current.status != ReportStatus.ACCEPTED:
            raise ConflictError("Only an accepted report can be reopened.")
        current = _transition(current, status=ReportStatus.DRAFT)
        _event(current, ReportEvent.Kind.REOPENED, actor, (note or "").strip())
        _audit(current, actor, "reopened")
    return current


def report_unlock(*, report: MonthlyReport, days: Any, actor: Any) -> MonthlyReport:
    """Staff let a team change a locked month for ``days`` days."""
    try:
        days = int(days)
    except (TypeError, ValueError):
        raise DomainError("Enter a number of days.", field="days") from None
    if not 1 <= days <= MAX_UNLOCK_DAYS:
        raise DomainError(f"Unlock for 1 to {MAX_UNLOCK_DAYS} days.", field="days")
    with transaction.atomic():
        current = _locked_current(report)
        ensure_not_archived(current.collaborative)
        until = timezone.now() + dt.timedelta(days=days)
        current = _transition(current, status=current.status, unlocked_until=until)
        _event(current, ReportEvent.Kind.UNLOCKED, actor, f"Unlocked for {days} days.")
        _audit(current, actor, "unlocked", days=days)
    return current
