"""E-mails about monthly reports, sent by workers. Thin: load by id, check the state, send.

A task re-reads the report and sends nothing if it is no longer in the state
the e-mail announces (a report reopened before the worker ran gets no
"accepted" mail), so a late worker never contradicts the site.
"""

from __future__ import annotations

import smtplib

from celery import shared_task
from django.urls import reverse

from bsc.emails import absolute_url, send_templated_email
from bsc.tasks import TenantTask

TRANSPORT_ERRORS = (smtplib.SMTPException, ConnectionError, TimeoutError)


def lead_emails(team_id: int) -> list[str]:
    """The e-mail addresses of a team's senior and day-to-day leaders, without duplicates."""
    from teams.models import TeamMember
    from teams.roles import LEAD_ROLES

    members = (
        TeamMember.objects.filter(team_id=team_id, roles__role__in=LEAD_ROLES)
        .select_related("user")
        .distinct()
    )
    emails: list[str] = []
    for member in members:
        email = member.user.email if member.user_id else member.email
        if email and email not in emails:
            emails.append(email)
    return emails


@shared_task(base=TenantTask, autoretry_for=TRANSPORT_ERRORS, retry_backoff=True, max_retries=5)
def send_report_reviewed_email(*, organization_id: int, report_id: int) -> None:
    """Tell the team's leads that faculty returned their report (with feedback) or accepted it."""
    from measures.models import MonthlyReport, ReportStatus

    report = (
        MonthlyReport.objects.select_related("team", "collaborative__organization", "reviewed_by")
        .filter(pk=report_id)
        .first()
    )
    templates = {
        ReportStatus.RETURNED: "report-returned",
        ReportStatus.ACCEPTED: "report-accepted",
    }
    if report is None or report.status not in templates:
        return
    recipients = lead_emails(report.team_id)
    if not recipients:
        return
    collaborative = report.collaborative
    organization = collaborative.organization
    link = absolute_url(
        reverse(
            "report_edit",
            kwargs={
                "org": organization.slug,
                "collab": collaborative.slug,
                "team": report.team_id,
                "month": f"{report.month:%Y-%m}",
            },
        )
    )
    send_templated_email(
        templates[report.status],
        recipients,
        {
            "report": report,
            "team": report.team,
            "collaborative": collaborative,
            "organization": organization,
            "reviewer": report.reviewed_by,
            "link": link,
        },
    )
