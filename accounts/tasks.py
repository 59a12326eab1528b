"""E-mails about accounts, sent by workers. Thin: load by id, build the message, send."""

from __future__ import annotations

import smtplib

from celery import shared_task
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts import grants
from accounts.invitations import invitation_token
from accounts.models import Invitation, User
from bsc.emails import absolute_url, send_templated_email
from bsc.tasks import TenantTask

TRANSPORT_ERRORS = (smtplib.SMTPException, ConnectionError, TimeoutError)


@shared_task(base=TenantTask, autoretry_for=TRANSPORT_ERRORS, retry_backoff=True, max_retries=5)
def send_invitation_email(*, organization_id: int, invitation_id: int) -> None:
    invitation = (
        Invitation.objects.select_related("organization", "invited_by")
        .filter(pk=invitation_id)
        .first()
    )
    # A replaced, withdrawn or accepted invitation must not reach the inbox late.
    if invitation is None or invitation.status != Invitation.Status.PENDING:
        return
    link = absolute_url(reverse("invitation_accept", args=[invitation_token(invitation)]))
    send_templated_email(
        "invitation",
        [invitation.email],
        {
            "invitation": invitation,
            "organization": invitation.organization,
            "link": link,
            "offers": grants.describe_all(invitation),
        },
    )
    Invitation.objects.filter(pk=invitation.pk).update(sent_at=timezone.now())


@shared_task(autoretry_for=TRANSPORT_ERRORS, retry_backoff=True, max_retries=5)
def send_password_reset_email(*, user_id: int) -> None:
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.has_usable_password():
        return
    # The token is derived from the user's current state, so the worker can make it.
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    link = absolute_url(reverse("password_reset_confirm", args=[uid, token]))
    send_templated_email("password-reset", [user.email], {"user": user, "link": link})
