"""E-mails about applications, sent by workers. Thin: load by id, check the state, send.

Each task re-reads the application and sends nothing if its state no longer
matches what the e-mail says (an application withdrawn before the receipt
went out gets no receipt), so a late worker never contradicts the site.
"""

from __future__ import annotations

import smtplib

from celery import shared_task
from django.urls import NoReverseMatch, reverse

from bsc.emails import absolute_url, send_templated_email
from bsc.tasks import TenantTask

TRANSPORT_ERRORS = (smtplib.SMTPException, ConnectionError, TimeoutError)


def collaborative_url(organization_slug: str, collaborative_slug: str) -> str:
    """The collaborative's home page, or its apply page while no home page is routed."""
    kwargs = {"org": organization_slug, "collab": collaborative_slug}
    try:
        return absolute_url(reverse("collaborative_home", kwargs=kwargs))
    except NoReverseMatch:
        return absolute_url(reverse("application_apply", kwargs=kwargs))


def apply_url(organization_slug: str, collaborative_slug: str) -> str:
    return absolute_url(
        reverse(
            "application_apply", kwargs={"org": organization_slug, "collab": collaborative_slug}
        )
    )


def _application(application_id: int):  # type: ignore[no-untyped-def]
    from teams.models import Application

    return (
        Application.objects.select_related(
            "collaborative__organization", "applicant", "decided_by", "team"
        )
        .filter(pk=application_id)
        .first()
    )


@shared_task(base=TenantTask, autoretry_for=TRANSPORT_ERRORS, retry_backoff=True, max_retries=5)
def send_application_received_email(*, organization_id: int, application_id: int) -> None:
    """The applicant's receipt: what was submitted and what happens next."""
    from teams.models import ApplicationStatus

    application = _application(application_id)
    if (
        application is None
        or application.applicant is None
        or application.status != ApplicationStatus.SUBMITTED
    ):
        return
    collaborative = application.collaborative
    organization = collaborative.organization
    send_templated_email(
        "application-received",
        [application.applicant.email],
        {
            "application": application,
            "collaborative": collaborative,
            "organization": organization,
            "members": list(application.proposed_members.all()),
            "link": apply_url(organization.slug, collaborative.slug),
        },
    )


@shared_task(base=TenantTask, autoretry_for=TRANSPORT_ERRORS, retry_backoff=True, max_retries=5)
def send_application_decision_email(*, organization_id: int, application_id: int) -> None:
    """Tell the applicant that their team was accepted (or declined), with staff's note."""
    from teams.models import ApplicationStatus

    application = _application(application_id)
    if application is None or application.applicant is None:
        return
    templates = {
        ApplicationStatus.ACCEPTED: "application-accepted",
        ApplicationStatus.DECLINED: "application-declined",
    }
    template = templates.get(application.status)
    if template is None:
        return
    collaborative = application.collaborative
    organization = collaborative.organization
    send_templated_email(
        template,
        [application.applicant.email],
        {
            "application": application,
            "collaborative": collaborative,
            "organization": organization,
            "link": collaborative_url(organization.slug, collaborative.slug),
        },
    )


@shared_task(base=TenantTask, autoretry_for=TRANSPORT_ERRORS, retry_backoff=True, max_retries=5)
def send_application_invite_email(
    *,
    organization_id: int,
    collaborative_id: int,
    email: str,
    inviter_id: int | None = None,
    needs_to_join: bool = False,
) -> None:
    """Invite someone to apply: the apply link, when the window closes, and how to join first."""
    from accounts.models import User
    from collaboratives.models import Collaborative
    from teams.models import ApplicationWindow

    collaborative = (
        Collaborative.objects.select_related("organization").filter(pk=collaborative_id).first()
    )
    if collaborative is None or collaborative.archived_at is not None:
        return
    window = ApplicationWindow.objects.filter(collaborative=collaborative).first()
    if window is None:
        return
    organization = collaborative.organization
    inviter = User.objects.filter(pk=inviter_id).first() if inviter_id else None
    send_templated_email(
        "application-invite",
        [email],
        {
            "collaborative": collaborative,
            "organization": organization,
            "window": window,
            "inviter": inviter,
            "needs_to_join": needs_to_join,
            "link": apply_url(organization.slug, collaborative.slug),
        },
    )


# --- Progress assessments ------------------------------------------------------------------


def team_lead_accounts(team_id: int) -> list[str]:
    """E-mail addresses of the team's senior and day-to-day leaders who have an account (the
    e-mail links to a page behind sign-in), without duplicates."""
    from teams.models import TeamMember
    from teams.roles import LEAD_ROLES

    members = (
        TeamMember.objects.filter(
            team_id=team_id, roles__role__in=LEAD_ROLES, user__isnull=False, user__is_active=True
        )
        .select_related("user")
        .order_by("pk")
        .distinct()
    )
    emails: list[str] = []
    for member in members:
        email = member.user.email
        if email and email.lower() not in {known.lower() for known in emails}:
            emails.append(email)
    return emails


@shared_task(base=TenantTask, autoretry_for=TRANSPORT_ERRORS, retry_backoff=True, max_retries=5)
def send_assessment_shared_email(*, organization_id: int, assessment_id: int, version: int) -> None:
    """Tell the team's leads that faculty shared a score (or changed a shared one) with them.

    Sent once per version shared: the row is locked and ``notified_version`` moves on only
    when the e-mail went out, so a retried or duplicate task sends nothing twice. A late task
    sends what the team sees now; nothing when faculty took the score back meanwhile.
    """
    from django.db import transaction

    from teams.models import AssessmentKind, ProgressAssessment
    from teams.selectors.assessments import scale_levels, score_text

    with transaction.atomic():
        assessment = ProgressAssessment.objects.select_for_update().filter(pk=assessment_id).first()
        if (
            assessment is None
            or assessment.kind != AssessmentKind.FACULTY
            or not assessment.shared_with_team
            or (assessment.notified_version or 0) >= version
        ):
            return
        team = assessment.team
        collaborative = team.collaborative
        organization = collaborative.organization
        if collaborative.archived_at is not None:
            return
        recipients = team_lead_accounts(team.pk)
        if recipients:
            level = next(
                (level for level in scale_levels(collaborative) if level.score == assessment.score),
                None,
            )
            month = f"{assessment.month:%Y-%m}"
            path = reverse(
                "team_assessments",
                kwargs={"org": organization.slug, "collab": collaborative.slug, "team": team.pk},
            )
            send_templated_email(
                "assessment-shared",
                recipients,
                {
                    "assessment": assessment,
                    "score": score_text(assessment.score),
                    "level": level,
                    "changed": assessment.notified_version is not None,
                    "team": team,
                    "collaborative": collaborative,
                    "organization": organization,
                    "assessor": assessment.assessed_by,
                    "link": absolute_url(f"{path}?month={month}#month-{month}"),
                },
            )
        ProgressAssessment.objects.filter(pk=assessment.pk).update(
            notified_version=assessment.version
        )
