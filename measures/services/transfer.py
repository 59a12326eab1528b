"""Values in and out of spreadsheets: the CSV template, the import, and the CSV/Excel export.

The import is all or nothing. Every row is read and checked first (unknown
measure code, month outside the collaborative, bad number, the value rules of
``measures.validation``, a locked month, an accepted report); if any row is
wrong, nothing is written and every problem is reported with its row number
(the spreadsheet's own: the header is row 1) and field. Otherwise all rows are
written in one transaction: missing monthly reports are created as drafts,
each changed value gets a ``ValueChange`` with source "import", each report
touched gets a new ``version``, and one audit entry counts what changed.
Importing the same file twice changes nothing the second time.

The export respects the collaborative's data sharing: faculty and staff see
every team by name; other members see their own team and, as the
collaborative allows, the other teams by name, as "Team A", "Team B"… (in
order of team id, so the letters stay put), or not at all.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from bsc.audit import log_action, person_of
from bsc.exceptions import DomainError
from collaboratives.models import Collaborative
from collaboratives.models.core import DataSharing
from collaboratives.permissions import VIEW_ALL_TEAMS, CollaborativeAccess
from collaboratives.services.core import ensure_not_archived
from measures import deadlines
from measures.charting import series_changed
from measures.models import Measure, MetricValue, MonthlyReport, ValueChange
from measures.models.reports import ReportStatus
from measures.selectors.definitions import measures_for_team
from measures.validation import check_value, rate_or_value
from teams.models import Team, TeamStatus

COLUMNS = [
    "month",
    "measure_code",
    "numerator",
    "denominator",
    "value",
    "not_available",
    "reason",
    "comment",
]
REQUIRED_COLUMNS = ("month", "measure_code")
TRUE_WORDS = {"yes", "y", "true", "1", "x"}
FALSE_WORDS = {"", "no", "n", "false", "0"}
MONTH_PATTERN = re.compile(r"^(\d{4})-(\d{1,2})$")
MAX_NUMBER = Decimal("9999999999")  # the value fields hold 14 digits, 4 after the point
MAX_ROWS = 5000
MAX_BYTES = 2 * 1024 * 1024


# --- Months -------------------------------------------------------------------------------


def parse_month(text: str) -> dt.date | None:
    """``2026-03`` -> 1 March 2026; None for anything else."""
    match = MONTH_PATTERN.match((text or "").strip())
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12:
        return None
    return dt.date(year, month, 1)


def collaborative_months(collaborative: Collaborative) -> list[dt.date]:
    return deadlines.report_months(collaborative.start_date, collaborative.end_date)


def month_range(
    collaborative: Collaborative, month_from: str | None, month_to: str | None
) -> list[dt.date]:
    """The months from ``month_from`` to ``month_to`` (``YYYY-MM``, both included) that fall
    in the collaborative; each end defaults to the collaborative's first or last month."""
    months = collaborative_months(collaborative)
    start = parse_month(month_from) if month_from else months[0]
    if start is None:
        raise DomainError("Give the first month as YYYY-MM, e.g. 2026-01.", field="from")
    end = parse_month(month_to) if month_to else months[-1]
    if end is None:
        raise DomainError("Give the last month as YYYY-MM, e.g. 2026-06.", field="to")
    if end < start:
        raise DomainError("The last month comes before the first.", field="to")
    chosen = [month for month in months if start <= month <= end]
    if not chosen:
        raise DomainError(
            f"The collaborative runs from {months[0]:%B %Y} to {months[-1]:%B %Y}; "
            "choose months in between.",
            field="from",
        )
    return chosen


# --- Numbers ------------------------------------------------------------------------------


def decimal_text(number: Decimal | None) -> str | None:
    """A value as plain text without trailing zeros: 3.5000 -> "3.5", 10.0000 -> "10"."""
    if number is None:
        return None
    text = format(Decimal(number), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def snapshot(
    numerator: Decimal | None,
    denominator: Decimal | None,
    value: Decimal | None,
    not_available: bool,
    reason: str,
    comment: str,
) -> dict[str, Any]:
    return {
        "numerator": decimal_text(numerator),
        "denominator": decimal_text(denominator),
        "value": decimal_text(value),
        "not_available": bool(not_available),
        "not_available_reason": reason,
        "comment": comment,
    }


def value_snapshot(value: MetricValue | None) -> dict[str, Any]:
    if value is None:
        return {}
    return snapshot(
        value.numerator,
        value.denominator,
        value.value,
        value.not_available,
        value.not_available_reason,
        value.comment,
    )


# --- Template -----------------------------------------------------------------------------


def template_csv(*, team: Team, months: list[dt.date]) -> str:
    """One row per month and measure the team reports, filled with the values it has."""
    measures = list(measures_for_team(team))
    existing = {
        (value.month, value.measure_id): value
        for value in MetricValue.objects.filter(team=team, month__in=months, measure__in=measures)
    }
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for month in months:
        for measure in measures:
            value = existing.get((month, measure.pk))
            writer.writerow(
                [
                    f"{month:%Y-%m}",
                    measure.code,
                    decimal_text(value.numerator) or "" if value else "",
                    decimal_text(value.denominator) or "" if value else "",
                    decimal_text(value.value) or "" if value else "",
                    ("yes" if value.not_available else "") if value else "",
                    value.not_available_reason if value else "",
                    value.comment if value else "",
                ]
            )
    return out.getvalue()


# --- Import -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    row: int
    field: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "field": self.field, "message": self.message}


class ImportErrors(DomainError):
    """The file was refused; nothing was written. ``errors`` lists every problem."""

    def __init__(self, errors: list[RowError]):
        count = len(errors)
        super().__init__(
            f"Nothing was imported: {count} problem{'s' if count != 1 else ''} in the file. "
            "Correct the rows listed and upload it again.",
            field="file",
        )
        self.errors = errors


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    reports_created: int = 0
    months: list[str] = field(default_factory=list)


@dataclass
class _Row:
    number: int
    month: dt.date
    measure: Measure
    numerator: Decimal | None
    denominator: Decimal | None
    value: Decimal | None
    not_available: bool
    reason: str
    comment: str

    @property
    def is_blank(self) -> bool:
        return (
            self.numerator is None
            and self.denominator is None
            and self.value is None
            and not self.not_available
            and not self.comment
        )


def _read_csv(content: bytes | str) -> list[dict[str, str]] | list[RowError]:
    if isinstance(content, bytes):
        if len(content) > MAX_BYTES:
            return [RowError(1, "file", "The file is larger than 2 MB; split it by months.")]
        try:
            content = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                content = content.decode("cp1252")
            except UnicodeDecodeError:
                return [RowError(1, "file", "Save the file as CSV (UTF-8) and upload it again.")]
    content = content.lstrip("\ufeff")
    sample = content[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(content), delimiter=delimiter)
    try:
        lines = list(reader)
    except csv.Error as error:
        return [RowError(reader.line_num or 1, "file", f"The file is not valid CSV: {error}.")]
    if not lines:
        return [RowError(1, "file", "The file is empty.")]
    header = [name.strip().lower() for name in lines[0]]
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        return [
            RowError(
                1,
                "header",
                f"The first row must name the columns ({', '.join(COLUMNS)}); "
                f"missing: {', '.join(missing)}.",
            )
        ]
    if len(lines) - 1 > MAX_ROWS:
        return [RowError(1, "file", f"The file has more than {MAX_ROWS} rows; split it.")]
    rows = []
    for line in lines[1:]:
        cells = {name: (line[i].strip() if i < len(line) else "") for i, name in enumerate(header)}
        rows.append(cells)
    return rows


def _number(text: str, name: str, number: int, errors: list[RowError]) -> Decimal | None:
    text = (text or "").strip().replace(" ", "")
    if not text:
        return None
    if "," in text and "." not in text:
        text = text.replace(",", ".")  # a decimal comma, as spreadsheets in many countries save
    try:
        parsed = Decimal(text)
    except InvalidOperation:
        errors.append(RowError(number, name, f"“{text}” is not a number."))
        return None
    if not parsed.is_finite():
        errors.append(RowError(number, name, f"“{text}” is not a number."))
        return None
    if abs(parsed) > MAX_NUMBER:
        errors.append(RowError(number, name, "The number is too large."))
        return None
    if parsed != parsed.quantize(Decimal("0.0001")):
        errors.append(RowError(number, name, "Use at most four digits after the point."))
        return None
    return parsed


def _locked_message(month: dt.date) -> str:
    return (
        f"{month:%B %Y} is locked: its due date has long passed. Ask the collaborative's staff "
        "to unlock it for your team."
    )


def _accepted_message(month: dt.date) -> str:
    return f"The report for {month:%B %Y} is already accepted; ask faculty to reopen it first."


def _check_rows(
    team: Team, raw_rows: list[dict[str, str]], now: dt.datetime
) -> tuple[list[_Row], list[RowError], dict[dt.date, MonthlyReport]]:
    collaborative = team.collaborative
    months = set(collaborative_months(collaborative))
    measures = {measure.code.lower(): measure for measure in measures_for_team(team)}
    reports = {report.month: report for report in MonthlyReport.objects.filter(team=team)}
    errors: list[RowError] = []
    rows: list[_Row] = []
    seen: dict[tuple[dt.date, int], int] = {}
    time_zone = collaborative.organization.time_zone
    for index, cells in enumerate(raw_rows, start=2):
        if not any(cells.values()):
            continue
        row_errors: list[RowError] = []
        month_text = cells.get("month", "")
        month = parse_month(month_text)
        if month is None:
            row_errors.append(RowError(index, "month", "Give the month as YYYY-MM, e.g. 2026-03."))
        elif month not in months:
            row_errors.append(
                RowError(
                    index,
                    "month",
                    f"{month:%B %Y} is outside the collaborative, which runs from "
                    f"{min(months):%B %Y} to {max(months):%B %Y}.",
                )
            )
        code = cells.get("measure_code", "").strip().lower()
        measure = measures.get(code)
        if measure is None:
            row_errors.append(
                RowError(
                    index,
                    "measure_code",
                    f"“{code}” is not a measure this team reports."
                    if code
                    else "Give the measure's short code.",
                )
            )
        numerator = _number(cells.get("numerator", ""), "numerator", index, row_errors)
        denominator = _number(cells.get("denominator", ""), "denominator", index, row_errors)
        value = _number(cells.get("value", ""), "value", index, row_errors)
        flag = cells.get("not_available", "").strip().lower()
        if flag not in TRUE_WORDS | FALSE_WORDS:
            row_errors.append(
                RowError(index, "not_available", "Write “yes” or leave the cell empty.")
            )
        not_available = flag in TRUE_WORDS
        reason = cells.get("reason", "").strip()[:300]
        comment = cells.get("comment", "").strip()[:500]
        if measure is not None and month is not None and month in months:
            key = (month, measure.pk)
            if key in seen:
                row_errors.append(
                    RowError(
                        index,
                        "measure_code",
                        f"Row {seen[key]} already gives {measure.code} for {month:%Y-%m}.",
                    )
                )
            seen[key] = index
            report = reports.get(month)
            if report is not None and report.status == ReportStatus.ACCEPTED:
                row_errors.append(RowError(index, "month", _accepted_message(month)))
            elif deadlines.is_locked(
                month,
                collaborative.report_due_day,
                time_zone,
                collaborative.report_lock_after_days,
                at=now,
                unlocked_until=report.unlocked_until if report else None,
            ):
                row_errors.append(RowError(index, "month", _locked_message(month)))
        if measure is not None and not row_errors:
            for field_name, message in check_value(
                measure, numerator, denominator, value, not_available, reason
            ):
                row_errors.append(RowError(index, field_name, message))
        if row_errors:
            errors.extend(row_errors)
            continue
        rows.append(
            _Row(
                number=index,
                month=month,
                measure=measure,
                numerator=numerator,
                denominator=denominator,
                value=value,
                not_available=not_available,
                reason=reason if not_available else "",
                comment=comment,
            )
        )
    return rows, errors, reports


@transaction.atomic
def values_import(
    *, team: Team, content: bytes | str, actor: Any, now: dt.datetime | None = None
) -> ImportResult:
    """Check every row of an uploaded CSV, then write them all, or refuse the lot."""
    collaborative = team.collaborative
    ensure_not_archived(collaborative)
    if team.status == TeamStatus.WITHDRAWN:
        raise DomainError("This team has withdrawn; its values can no longer change.")
    now = now or timezone.now()
    raw = _read_csv(content)
    if raw and isinstance(raw[0], RowError):
        raise ImportErrors(raw)  # type: ignore[arg-type]
    rows, errors, reports = _check_rows(team, raw, now)  # type: ignore[arg-type]
    if errors:
        raise ImportErrors(errors)
    result = ImportResult(rows=len(rows))
    if not rows:
        raise ImportErrors([RowError(2, "file", "The file has no rows with values.")])

    person = person_of(actor)
    by_month: dict[dt.date, list[_Row]] = defaultdict(list)
    for row in rows:
        by_month[row.month].append(row)
    existing = {
        (value.month, value.measure_id): value
        for value in MetricValue.objects.select_for_update().filter(
            team=team, month__in=list(by_month)
        )
    }
    changed_months = []
    for month, month_rows in sorted(by_month.items()):
        writes = []
        for row in month_rows:
            value = existing.get((month, row.measure.pk))
            new = snapshot(
                row.numerator,
                row.denominator,
                row.value,
                row.not_available,
                row.reason,
                row.comment,
            )
            old = value_snapshot(value)
            if (value is None and row.is_blank) or old == new:
                result.unchanged += 1
                continue
            writes.append((row, value, old, new))
        if not writes:
            continue
        report = reports.get(month)
        if report is None:
            report = MonthlyReport.objects.create(
                organization_id=team.organization_id,
                collaborative=collaborative,
                team=team,
                month=month,
                status=ReportStatus.DRAFT,
            )
            result.reports_created += 1
        for row, value, old, new in writes:
            if value is None:
                value = MetricValue(
                    organization_id=team.organization_id,
                    report=report,
                    team=team,
                    measure=row.measure,
                    month=month,
                )
                result.created += 1
            else:
                result.changed += 1
            value.numerator = row.numerator
            value.denominator = row.denominator
            value.value = row.value
            value.not_available = row.not_available
            value.not_available_reason = row.reason
            value.comment = row.comment
            value.updated_by = person
            value.save()
            ValueChange.objects.create(
                organization_id=team.organization_id,
                value=value,
                changed_by=person,
                old=old,
                new=new,
                source="import",
            )
        status = report.status
        if status in (ReportStatus.NOT_STARTED, ReportStatus.RETURNED):
            status = ReportStatus.DRAFT
        MonthlyReport.objects.filter(pk=report.pk).update(
            version=F("version") + 1, status=status, updated_at=timezone.now()
        )
        changed_months.append(f"{month:%Y-%m}")
    result.months = changed_months
    if changed_months:
        series_changed(organization_id=team.organization_id, team_ids=[team.pk])
        log_action(
            organization=collaborative.organization,
            actor=actor,
            action="bsc.values.imported",
            target=team,
            data={
                "team": team.name,
                "rows": result.rows,
                "created": result.created,
                "changed": result.changed,
                "unchanged": result.unchanged,
                "reports_created": result.reports_created,
                "months": changed_months,
            },
        )
    return result


# --- Export -------------------------------------------------------------------------------

EXPORT_COLUMNS = [
    "team",
    "month",
    "measure_code",
    "measure",
    "numerator",
    "denominator",
    "value",
    "result",
    "not_available",
    "reason",
    "comment",
    "report_status",
]


def team_letter(position: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: a stable pseudonym from a team's place in id order."""
    letters = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def export_team_labels(collaborative: Collaborative, access: CollaborativeAccess) -> dict[int, str]:
    """Team id -> the name the caller sees it under; teams they may not see are left out."""
    teams = list(
        Team.objects.filter(collaborative=collaborative)
        .exclude(status=TeamStatus.APPLICANT)
        .order_by("pk")
        .values_list("pk", "name")
    )
    if access.has(VIEW_ALL_TEAMS):
        return dict(teams)
    own = access.team_ids
    sharing = collaborative.data_sharing
    labels = {}
    for position, (pk, name) in enumerate(teams):
        if pk in own or sharing == DataSharing.NAMED:
            labels[pk] = name
        elif sharing == DataSharing.ANONYMIZED:
            labels[pk] = f"Team {team_letter(position)}"
    return labels


def export_rows(
    *, collaborative: Collaborative, access: CollaborativeAccess, team: Team | None = None
) -> list[list[Any]]:
    """The values the caller may see, one row each, ordered by team, month and measure.

    A team's own measures appear only for that team's members and for faculty and staff,
    and an anonymized team's comments and reasons are left out (they often name people).
    """
    labels = export_team_labels(collaborative, access)
    if team is not None:
        labels = {pk: label for pk, label in labels.items() if pk == team.pk}
    named = {
        pk
        for pk in labels
        if access.has(VIEW_ALL_TEAMS)
        or pk in access.team_ids
        or collaborative.data_sharing == DataSharing.NAMED
    }
    values = (
        MetricValue.objects.filter(report__collaborative=collaborative, team_id__in=list(labels))
        .filter(Q(measure__team__isnull=True) | Q(measure__team_id=F("team_id")))
        .select_related("measure", "report")
        .order_by(
            "team_id",
            "month",
            F("measure__team_id").asc(nulls_first=True),
            "measure__order",
            "measure_id",
        )
    )
    if not access.has(VIEW_ALL_TEAMS):
        values = values.filter(
            Q(measure__team__isnull=True) | Q(measure__team_id__in=list(access.team_ids))
        )
    rows = []
    for value in values:
        measure = value.measure
        result = rate_or_value(measure, value.numerator, value.denominator, value.value)
        open_text = value.team_id in named
        rows.append(
            [
                labels[value.team_id],
                f"{value.month:%Y-%m}",
                measure.code,
                measure.name,
                _number_out(value.numerator),
                _number_out(value.denominator),
                _number_out(value.value),
                _number_out(result.quantize(Decimal("0.01")) if result is not None else None),
                "yes" if value.not_available else "",
                value.not_available_reason if open_text else "",
                value.comment if open_text else "",
                value.report.get_status_display(),
            ]
        )
    rows.sort(key=lambda row: (row[0], row[1]))
    return rows


def _number_out(number: Decimal | None) -> Any:
    if number is None:
        return None
    text = decimal_text(number)
    return int(text) if text and "." not in text else float(text)


def export_csv(rows: list[list[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    for row in rows:
        writer.writerow(["" if cell is None else _safe_cell(cell) for cell in row])
    return out.getvalue()


def export_xlsx(rows: list[list[Any]], *, title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook(write_only=False)
    sheet = workbook.active
    sheet.title = "Values"
    sheet.append(EXPORT_COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_safe_cell(cell) for cell in row])
    sheet.freeze_panes = "A2"
    workbook.properties.title = title[:255]
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _safe_cell(cell: Any) -> Any:
    """Text that a spreadsheet would run as a formula is kept as text."""
    if isinstance(cell, str) and cell[:1] in ("=", "+", "-", "@"):
        return "'" + cell
    return cell
