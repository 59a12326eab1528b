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
