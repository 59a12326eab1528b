"""Small display helpers for the accounts templates."""

from __future__ import annotations

from datetime import timedelta

from django import template

from bsc.audit import AuditEntry

register = template.Library()


@register.filter
def duration(value: timedelta | None) -> str:
    """``timedelta(minutes=15)`` -> "15 minutes"; for the lockout page."""
    if not isinstance(value, timedelta):
        return ""
    minutes = max(round(value.total_seconds() / 60), 1)
    if minutes % 60 == 0:
        hours = minutes // 60
        return f"{hours} hour" if hours == 1 else f"{hours} hours"
    return f"{minutes} minute" if minutes == 1 else f"{minutes} minutes"


@register.filter
def actor_label(entry: AuditEntry) -> str:
    """Who did it: a person, a person through an API token, or the system itself."""
    if entry.actor is None:
        return "System"
    name = entry.actor.display_name
    if entry.actor_token is not None:
        return f"{name} (API token “{entry.actor_token.name}”)"
    return name
