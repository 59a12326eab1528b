"""Personal API token authentication: ``Authorization: Bearer <token>``."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

from django.utils import timezone
from django_scopes import scopes_disabled
from rest_framework import authentication, exceptions

from accounts.models import ApiToken, User

TOKEN_PREFIX = "bsc_"
KEYWORDS = {"bearer", "token"}
# Recording every use would write on every request; a minute's precision is enough.
LAST_USED_PRECISION = timedelta(minutes=1)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request: Any) -> tuple[User, ApiToken] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].decode(errors="replace").lower() not in KEYWORDS:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                "Send the token as 'Authorization: Bearer <token>'."
            )
        raw = header[1].decode(errors="replace")
        # The token's own organization is checked against the URL afterwards.
        with scopes_disabled():
            token = (
                ApiToken.objects.select_related("user", "organization")
                .filter(token_hash=hash_token(raw), revoked_at__isnull=True)
                .first()
            )
            if token is None or not token.user.is_active:
                raise exceptions.AuthenticationFailed("The token is not valid or was revoked.")
            now = timezone.now()
            if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
                ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
                token.last_used_at = now
        return token.user, token

    def authenticate_header(self, request: Any) -> str:
        return 'Bearer realm="api"'
