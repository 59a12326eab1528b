"""Plain-language sentences for audit actions, shown on the audit log page."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bsc.audit import AuditEntry

MESSAGES: dict[str, str] = {
    "bsc.organization.created": "created the organization",
    "bsc.organization.changed": "changed the organization's settings",
    "bsc.member.invited": "invited {email} as {role}",
    "bsc.member.reinvited": "sent a new invitation to {email}",
    "bsc.invitation.revoked": "withdrew the invitation of {email}",
    "bsc.member.joined": "joined as {role}",
    "bsc.member.added": "added {email} as {role}",
    "bsc.member.role_changed": "changed the role of {email} from {old} to {new}",
    "bsc.member.removed": "removed {email}",
    "bsc.token.created": "created the API token “{name}”",
    "bsc.token.revoked": "revoked the API token “{name}”",
}


def describe(entry: AuditEntry) -> str:
    template = MESSAGES.get(entry.action)
    if template is None:
        return entry.action
    try:
        return template.format(**entry.data)
    except (KeyError, IndexError):
        return entry.action
