"""Invitation links: a signed value naming the invitation and its nonce.

Nothing secret is stored. A link stops working when the invitation is accepted,
withdrawn, replaced by a re-invite or past ``expires_at``; each case has its own
page, so the person who clicked knows what to do next.
"""

from __future__ import annotations

from django.core import signing
from django_scopes import scopes_disabled

from accounts.models import Invitation

SALT = "accounts.invitation"


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps({"i": invitation.pk, "n": invitation.nonce}, salt=SALT, compress=True)


def invitation_from_token(token: str) -> Invitation | None:
    """The invitation a link names, whatever its state, or None for a forged or mangled link."""
    try:
        payload = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict):
        return None
    # The link is the only credential here: the visitor may not belong to any organization yet.
    with scopes_disabled():
        return (
            Invitation.objects.select_related("organization", "invited_by")
            .filter(pk=payload.get("i"), nonce=payload.get("n"))
            .first()
        )
