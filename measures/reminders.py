"""Report reminders and the weekly digest: planned by a sweep, each sent exactly once.

The sweep (``reminders_sweep``) runs every 15 minutes (Celery beat) or from cron
(``manage.py send_reminders``). For every active collaborative it works out
which reminders are due *now*, creates one ``Reminder`` row per (report, kind,
e-mail, occurrence) with ``get_or_create`` (the unique constraint makes a second
or concurrent sweep find the same row) and queues one send per row.

The sender (``reminder_send``) *claims* its row with a conditional UPDATE and
only the caller that changed exactly one row sends; it records the outcome
afterwards (style.md 3.5, healthchecks ``sendalerts``). A second sweep, a
duplicate task, a retry after success: none of them can claim a sent row, so
nothing goes out twice. A worker that died mid-send leaves its claim behind;
after ``STALE_CLAIM`` the claim may be taken again (at that point we prefer a
rare duplicate to a reminder that is never sent).

When each reminder is due, in the organization's time zone, for a report on
month M due on day D of month M+1 (``measures.deadlines``), sent from
``SEND_HOUR`` in the morning:

- BEFORE_DUE: from D - ``reminder_days_before`` until D;
- DUE: on D itself;
- OVERDUE n (1..``overdue_reminder_count``): from D + 1 + 7(n - 1) days, for a week;
- ESCALATION: from D + ``escalation_after_days``, for a week, to the team's
  senior leader(s) and the collaborative's faculty and chairs.

Each window is bounded, so a sweep that was down for a while sends the reminder
that fits today, not a burst of stale ones.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from collections.abc import Iterable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from bsc.emails import absolute_url, send_templated_email
from measures import deadlines
from measures.models import (
    DeliveryStatus,
    DigestDelivery,
    MonthlyReport,
    Reminder,
    ReminderKind,
    ReportStatus,
)

logger = logging.getLogger(__name__)

SEND_HOUR = 8
# Longer than the task time limit: a claim this old belongs to a worker that died.
STALE_CLAIM = dt.timedelta(minutes=15)
# A failed row is tried again (by the task's retries or a later sweep) at most this often.
MAX_ATTEMPTS = 6
TRANSPORT_ERRORS: tuple[type[BaseException], ...] = (
    smtplib.SMTPException,
    ConnectionError,
    TimeoutError,
)
DONE_STATUSES = (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED)
TEAM_KINDS = (ReminderKind.BEFORE_DUE, ReminderKind.DUE, ReminderKind.OVERDUE)


# --- Planning: plain functions of the collaborative's settings and the clock ----------


@dataclass(frozen=True)
class DueReminder:
    kind: str
    occurrence: int


def _at(day: dt.date, tz: ZoneInfo, hour: int = SEND_HOUR) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=tz)


def reminder_windows(
    *,
    month: dt.date,
    due_day: int,
    days_before: int,
    overdue_count: int,
    escalation_after_days: int,
    time_zone: str,
) -> list[tuple[DueReminder, dt.datetime, dt.datetime]]:
    """Every reminder of one report month with the window [start, end) it may go out in."""
    tz = ZoneInfo(time_zone)
    due = deadlines.due_date(month, due_day)
    windows = []
    if days_before:
        windows.append(
            (
                DueReminder(ReminderKind.BEFORE_DUE, 0),
                _at(due - dt.timedelta(days=days_before), tz),
                _at(due, tz),
            )
        )
    windows.append(
        (
            DueReminder(ReminderKind.DUE, 0),
            _at(due, tz),
            deadlines.deadline(month, due_day, time_zone),
        )
    )
    for n in range(1, overdue_count + 1):
        start = due + dt.timedelta(days=1 + 7 * (n - 1))
        windows.append(
            (
                DueReminder(ReminderKind.OVERDUE, n),
                _at(start, tz),
                _at(start + dt.timedelta(days=7), tz),
            )
        )
    escalation = due + dt.timedelta(days=max(escalation_after_days, 1))
    windows.append(
        (
            DueReminder(ReminderKind.ESCALATION, 0),
            _at(escalation, tz),
            _at(escalation + dt.timedelta(days=7), tz),
        )
    )
    return windows


def reminders_due(
    collaborative, *, month: dt.date, time_zone: str, now: dt.datetime
) -> list[DueReminder]:
    """The reminders of ``collaborative``'s report on ``month`` that are due at ``now``."""
    windows = reminder_windows(
        month=month,
        due_day=collaborative.report_due_day,
        days_before=collaborative.reminder_days_before,
        overdue_count=collaborative.overdue_reminder_count,
        escalation_after_days=collaborative.escalation_after_days,
        time_zone=time_zone,
    )
    return [reminder for reminder, start, end in windows if start <= now < end]


def digest_week_start(*, now: dt.datetime, time_zone: str) -> dt.date | None:
    """The Monday the digest for ``now`` belongs to, or None when no digest is due now."""
    local = now.astimezone(ZoneInfo(time_zone))
    if local.weekday() != 0 or local.hour < SEND_HOUR:
        return None
    return local.date()


# --- Recipients ------------------------------------------------------------------------


@dataclass(frozen=True)
class Recipient:
    email: str
    user_id: int | None
    name: str


def _unique(recipients: Iterable[Recipient]) -> list[Recipient]:
    seen: dict[str, Recipient] = {}
    for recipient in recipients:
        key = recipient.email.strip().lower()
        if key and key not in seen:
            seen[key] = Recipient(key, recipient.user_id, recipient.name)
    return sorted(seen.values(), key=lambda r: r.email)


def team_leads(team, roles: Iterable[str]) -> list[Recipient]:
    from teams.models import TeamMember

    members = (
        TeamMember.objects.filter(team=team, roles__role__in=list(roles))
        .exclude(email="")
        .distinct()
    )
    return _unique(Recipient(m.email, m.user_id, m.full_name) for m in members)


def collaborative_leaders(collaborative, roles: Iterable[str]) -> list[Recipient]:
    from collaboratives.models import CollaborativeRole

    rows = CollaborativeRole.objects.filter(
        collaborative=collaborative, role__in=list(roles), user__is_active=True
    ).select_related("user")
    return _unique(Recipient(r.user.email, r.user_id, r.user.full_name) for r in rows)


def recipients_for(kind: str, team, collaborative) -> list[Recipient]:
    from collaboratives.models import LeadershipRole
    from teams.roles import LEAD_ROLES, TeamRole

    if kind == ReminderKind.ESCALATION:
        return _unique(
            [
                *team_leads(team, [TeamRole.SENIOR_LEADER]),
                *collaborative_leaders(
                    collaborative, [LeadershipRole.FACULTY, LeadershipRole.CHAIR]
                ),
            ]
        )
    return team_leads(team, LEAD_ROLES)


# --- The sweep -------------------------------------------------------------------------


@dataclass
class SweepResult:
    reminder_ids: list[int] = field(default_factory=list)
    digest_ids: list[int] = field(default_factory=list)
    # organization id of each row, for tenant tasks
    organizations: dict[tuple[str, int], int] = field(default_factory=dict)


def _claimable() -> Q:
    """Rows a sender may claim: new, failed with attempts left, or a dead worker's claim."""
    return (
        Q(status=DeliveryStatus.PENDING)
        | Q(status=DeliveryStatus.FAILED, attempts__lt=MAX_ATTEMPTS)
        | Q(status=DeliveryStatus.SENDING, claimed_at__lt=timezone.now() - STALE_CLAIM)
    )


def _get_or_create(model, *, lookup: dict, defaults: dict):
    """``get_or_create`` that survives a concurrent sweep creating the same row first."""
    try:
        with transaction.atomic():
            return model.objects.get_or_create(**lookup, defaults=defaults)[0]
    except IntegrityError:
        return model.objects.get(**lookup)


def _plan_collaborative(collaborative, *, now: dt.datetime, time_zone: str) -> list[Reminder]:
    from teams.models import Team, TeamStatus

    local_today = now.astimezone(ZoneInfo(time_zone)).date()
    months = [
        month
        for month in deadlines.report_months(collaborative.start_date, collaborative.end_date)
        # Only months whose first reminder may have started and whose last window may be open.
        if deadlines.due_date(month, collaborative.report_due_day)
        - dt.timedelta(days=collaborative.reminder_days_before)
        <= local_today
    ]
    due_by_month = {
        month: due
        for month in months
        if (due := reminders_due(collaborative, month=month, time_zone=time_zone, now=now))
    }
    if not due_by_month:
        return []
    rows: list[Reminder] = []
    teams = list(Team.objects.filter(collaborative=collaborative, status=TeamStatus.ACTIVE))
    for team in teams:
        for month, due in due_by_month.items():
            existing = MonthlyReport.objects.filter(team=team, month=month).first()
            if existing is not None and existing.status in DONE_STATUSES:
                continue
            for reminder in due:
                recipients = recipients_for(reminder.kind, team, collaborative)
                if not recipients:
                    continue
                report = existing or _get_or_create(
                    MonthlyReport,
                    lookup={"team": team, "month": month},
                    defaults={
                        "organization_id": team.organization_id,
                        "collaborative": collaborative,
                    },
                )
                existing = report
                for recipient in recipients:
                    rows.append(
                        _get_or_create(
                            Reminder,
                            lookup={
                                "report": report,
                                "kind": reminder.kind,
                                "email": recipient.email,
                                "occurrence": reminder.occurrence,
                            },
                            defaults={
                                "organization_id": team.organization_id,
                                "team": team,
                                "recipient_id": recipient.user_id,
                                "due_at": now,
                            },
                        )
                    )
    return rows


def _plan_digests(collaborative, *, now: dt.datetime, time_zone: str) -> list[DigestDelivery]:
    from collaboratives.models import CollaborativeRole, LeadershipRole

    week_start = digest_week_start(now=now, time_zone=time_zone)
    if week_start is None:
        return []
    user_ids = (
        CollaborativeRole.objects.filter(
            collaborative=collaborative,
            role__in=[LeadershipRole.FACULTY, LeadershipRole.CHAIR, LeadershipRole.STAFF],
            user__is_active=True,
            user__receive_digests=True,
        )
        .values_list("user_id", flat=True)
        .distinct()
    )
    return [
        _get_or_create(
            DigestDelivery,
            lookup={
                "collaborative": collaborative,
                "recipient_id": user_id,
                "week_start": week_start,
            },
            defaults={"organization_id": collaborative.organization_id},
        )
        for user_id in sorted(set(user_ids))
    ]


def reminders_sweep(*, now: dt.datetime | None = None, queue: bool = True) -> SweepResult:
    """Plan every due reminder and digest of every organization; queue one send per row.

    ``queue=False`` only plans; the caller sends (``send_reminders`` does, in-process).
    """
    from accounts.models import Organization
    from collaboratives.models import Collaborative, Status

    now = now or timezone.now()
    result = SweepResult()
    with scopes_disabled():
        organizations = list(Organization.objects.all())
    for organization in organizations:
        with scope(organization=organization):
            collaboratives = Collaborative.objects.filter(
                organization=organization, status=Status.ACTIVE, archived_at__isnull=True
            )
            for collaborative in collaboratives:
                reminders = _plan_collaborative(
                    collaborative, now=now, time_zone=organization.time_zone
                )
                digests = _plan_digests(collaborative, now=now, time_zone=organization.time_zone)
                ready = Q(pk__in=[r.pk for r in reminders]) & _claimable()
                for pk in Reminder.objects.filter(ready).values_list("pk", flat=True):
                    result.reminder_ids.append(pk)
                    result.organizations[("reminder", pk)] = organization.pk
                ready = Q(pk__in=[d.pk for d in digests]) & _claimable()
                for pk in DigestDelivery.objects.filter(ready).values_list("pk", flat=True):
                    result.digest_ids.append(pk)
                    result.organizations[("digest", pk)] = organization.pk
    if queue:
        from measures.tasks_reminders import digest_send_task, reminder_send_task

        for pk in result.reminder_ids:
            reminder_send_task.delay_on_commit(
                reminder_id=pk, organization_id=result.organizations[("reminder", pk)]
            )
        for pk in result.digest_ids:
            digest_send_task.delay_on_commit(
                digest_id=pk, organization_id=result.organizations[("digest", pk)]
            )
    return result


# --- Sending: claim, send, record ------------------------------------------------------


def report_url(report: MonthlyReport) -> str:
    """The report's own page (where the team enters and submits it), absolute, for e-mails."""
    kwargs = {
        "org": report.organization.slug,
        "collab": report.collaborative.slug,
        "team": report.team_id,
        "month": f"{report.month:%Y-%m}",
    }
    return absolute_url(reverse("report_edit", kwargs=kwargs))


def _claim(model, pk: int) -> bool:
    from django.db.models import F

    # The claim is stamped with the real clock (not the sweep's ``now``, which a
    # test or a catch-up run may set in the past): staleness is about workers.
    changed = (
        model.objects.filter(pk=pk)
        .filter(_claimable())
        .update(
            status=DeliveryStatus.SENDING, attempts=F("attempts") + 1, claimed_at=timezone.now()
        )
    )
    return changed == 1


def _record(model, pk: int, **fields) -> None:
    model.objects.filter(pk=pk, status=DeliveryStatus.SENDING).update(**fields)


def reminder_send(*, reminder_id: int, now: dt.datetime | None = None) -> str:
    """Send one reminder if this caller claims it. Returns the row's outcome for the caller.

    Transport errors are recorded (failed, ``last_error``) and raised again so the
    task retries; the retry claims the failed row and sends it once.
    """
    now = now or timezone.now()
    if not _claim(Reminder, reminder_id):
        return "not_claimed"
    reminder = Reminder.objects.select_related(
        "report__collaborative", "report__organization", "team", "recipient"
    ).get(pk=reminder_id)
    report = reminder.report
    if report.status in DONE_STATUSES:
        _record(Reminder, reminder_id, status=DeliveryStatus.SKIPPED)
        return DeliveryStatus.SKIPPED
    organization = report.organization
    collaborative = report.collaborative
    tz = organization.tzinfo
    context = {
        "reminder": reminder,
        "report": report,
        "team": reminder.team,
        "collaborative": collaborative,
        "organization": organization,
        "name": reminder.recipient.full_name if reminder.recipient else "",
        "month": report.month,
        "due_date": deadlines.due_date(report.month, collaborative.report_due_day),
        "days_late": max(
            (
                now.astimezone(tz).date()
                - deadlines.due_date(report.month, collaborative.report_due_day)
            ).days,
            0,
        ),
        "link": report_url(report),
        "is_team_lead": reminder.kind != ReminderKind.ESCALATION
        or not _is_collaborative_leader(collaborative, reminder.email),
    }
    try:
        send_templated_email(
            f"reminder-{reminder.kind.replace('_', '-')}", [reminder.email], context
        )
    except TRANSPORT_ERRORS as error:
        _record(Reminder, reminder_id, status=DeliveryStatus.FAILED, last_error=_describe(error))
        raise
    _record(Reminder, reminder_id, status=DeliveryStatus.SENT, sent_at=timezone.now())
    return DeliveryStatus.SENT


def _is_collaborative_leader(collaborative, email: str) -> bool:
    from collaboratives.models import CollaborativeRole

    return CollaborativeRole.objects.filter(
        collaborative=collaborative, user__email__iexact=email
    ).exists()


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:2000]


@dataclass(frozen=True)
class DigestContent:
    received: list[MonthlyReport]
    late: list[tuple[object, dt.date, str]]  # (team, month, status label)


def digest_content(collaborative, *, week_start: dt.date, time_zone: str) -> DigestContent:
    """What came in during the week before ``week_start`` and which reports are late now."""
    from teams.models import Team, TeamStatus

    tz = ZoneInfo(time_zone)
    start = dt.datetime.combine(week_start - dt.timedelta(days=7), dt.time(0), tzinfo=tz)
    end = dt.datetime.combine(week_start, dt.time(0), tzinfo=tz)
    received = list(
        MonthlyReport.objects.filter(
            collaborative=collaborative, submitted_at__gte=start, submitted_at__lt=end
        )
        .select_related("team")
        .order_by("team__name", "month")
    )
    late_months = [
        month
        for month in deadlines.report_months(collaborative.start_date, collaborative.end_date)
        if deadlines.deadline(month, collaborative.report_due_day, time_zone) <= end
    ]
    teams = list(Team.objects.filter(collaborative=collaborative, status=TeamStatus.ACTIVE))
    reports = {
        (r.team_id, r.month): r
        for r in MonthlyReport.objects.filter(collaborative=collaborative, month__in=late_months)
    }
    late = []
    for team in teams:
        for month in late_months:
            report = reports.get((team.pk, month))
            if report is None:
                late.append((team, month, ReportStatus.NOT_STARTED.label))
            elif report.status not in DONE_STATUSES:
                late.append((team, month, report.get_status_display()))
    return DigestContent(received=received, late=late)


def digest_send(*, digest_id: int, now: dt.datetime | None = None) -> str:
    """Send one weekly digest if this caller claims it (same pattern as ``reminder_send``)."""
    now = now or timezone.now()
    if not _claim(DigestDelivery, digest_id):
        return "not_claimed"
    digest = DigestDelivery.objects.select_related("collaborative__organization", "recipient").get(
        pk=digest_id
    )
    recipient = digest.recipient
    # The opt-out is read again at send time: someone who turned digests off after
    # the sweep planned this one does not get it.
    if not recipient.receive_digests or not recipient.is_active:
        _record(DigestDelivery, digest_id, status=DeliveryStatus.SKIPPED)
        return DeliveryStatus.SKIPPED
    collaborative = digest.collaborative
    organization = collaborative.organization
    content = digest_content(
        collaborative, week_start=digest.week_start, time_zone=organization.time_zone
    )
    context = {
        "digest": digest,
        "collaborative": collaborative,
        "organization": organization,
        "name": recipient.full_name,
        "received": content.received,
        "late": content.late,
        "week_from": digest.week_start - dt.timedelta(days=7),
        "week_to": digest.week_start - dt.timedelta(days=1),
        "link": absolute_url(_collaborative_path(organization.slug, collaborative.slug)),
        "profile_link": absolute_url(_profile_path()),
    }
    try:
        send_templated_email("digest", [recipient.email], context)
    except TRANSPORT_ERRORS as error:
        _record(
            DigestDelivery, digest_id, status=DeliveryStatus.FAILED, last_error=_describe(error)
        )
        raise
    _record(DigestDelivery, digest_id, status=DeliveryStatus.SENT, sent_at=timezone.now())
    return DeliveryStatus.SENT


def _collaborative_path(org: str, collab: str) -> str:
    return reverse("collaborative_home", kwargs={"org": org, "collab": collab})


def _profile_path() -> str:
    return reverse("profile")
