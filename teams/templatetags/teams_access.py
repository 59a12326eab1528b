"""Template filters that ask ``CollaborativeAccess`` (collaboratives/permissions.py) about a team.

``{% if access|can_manage_roster:team %}`` shows a button exactly when the
view behind it would let the caller in: both ask the same predicate.
"""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def can_view_team(access: Any, team: Any) -> bool:
    return access is not None and team is not None and access.can_view_team(team)


@register.filter
def can_manage_roster(access: Any, team: Any) -> bool:
    return access is not None and team is not None and access.can_manage_roster(team)


@register.filter
def can_see_role_contacts(access: Any, role: str) -> bool:
    return access is not None and access.can_see_role_contacts(role)


@register.filter
def can_edit_report(access: Any, team: Any) -> bool:
    return access is not None and team is not None and access.can_edit_report(team)
