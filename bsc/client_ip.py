"""The visitor's address, for the sign-in lockout.

Behind a reverse proxy ``REMOTE_ADDR`` is the proxy for everyone, and a lockout
keyed on it would lock an e-mail address out for every visitor at once. With
``TRUSTED_PROXY_COUNT=N`` the address is read from ``X-Forwarded-For``: each
trusted proxy appends the address it saw, so the N-th entry from the right is
the one our nearest trusted proxy received. Entries further left are whatever
the client chose to send and are never trusted.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    remote = request.META.get("REMOTE_ADDR")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in header.split(",") if hop.strip()]
    if len(hops) < count:
        # The proxy chain is shorter than configured: the header cannot be trusted.
        return remote
    return hops[-count]
