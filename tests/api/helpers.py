"""Small helpers for the API tests: URLs and values as the API writes them."""

from __future__ import annotations

from datetime import datetime

from django.urls import reverse

BASE = "http://testserver"


def iso(value: datetime | None) -> str | None:
    """A datetime as DRF renders it (UTC, ``Z`` suffix)."""
    if value is None:
        return None
    text = value.isoformat()
    return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text


def api_url(name: str, **kwargs: object) -> str:
    """The path of an API endpoint, e.g. ``api_url("member-list", org="org-a")``."""
    return reverse(f"api:{name}", kwargs=kwargs or None)


def absolute(path: str) -> str:
    """An absolute URL as the API links to it from a test request."""
    return BASE + path
