"""Grants: what an invitation gives on acceptance besides the membership.

An invitation to join a team's roster, to serve as faculty or to apply to a
collaborative is an ordinary organization invitation carrying grants such as
``{"kind": "team_member", "member_id": 12}``. Apps register a handler per kind
(in their ``AppConfig.ready``); ``invitation_accept`` applies every grant in the
same transaction as the membership, inside the organization's scope.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from bsc.exceptions import DomainError

if TYPE_CHECKING:
    from accounts.models import Invitation, User

GrantHandler = Callable[..., None]
# ``describe(**grant)`` -> what the grant gives, as a phrase for the invitee, or None.
GrantDescriber = Callable[..., "str | None"]
_HANDLERS: dict[str, GrantHandler] = {}
_DESCRIBERS: dict[str, GrantDescriber] = {}


def register(kind: str, handler: GrantHandler, *, describe: GrantDescriber | None = None) -> None:
    _HANDLERS[kind] = handler
    if describe is not None:
        _DESCRIBERS[kind] = describe


def describe_all(invitation: Invitation) -> list[str]:
    """What accepting gives besides the membership, one phrase per grant, for the e-mail
    and the invitation page (e.g. "a place on the roster of “Riverside” in ...").

    A grant whose kind has no describer, or whose object has gone, says nothing.
    """
    from django_scopes import scope

    phrases: list[str] = []
    with scope(organization=invitation.organization_id):
        for grant in invitation.grants:
            data = dict(grant)
            describer = _DESCRIBERS.get(data.pop("kind", None))
            phrase = describer(**data) if describer is not None else None
            if phrase and phrase not in phrases:
                phrases.append(phrase)
    return phrases


def validate(grants: list[dict[str, Any]]) -> None:
    for grant in grants:
        if not isinstance(grant, dict) or grant.get("kind") not in _HANDLERS:
            raise DomainError(f"Unknown invitation grant: {grant!r}.")


def apply_all(*, invitation: Invitation, user: User) -> None:
    """Run each grant's handler as ``handler(invitation=..., user=..., **grant)``."""
    for grant in invitation.grants:
        data = dict(grant)
        kind = data.pop("kind")
        _HANDLERS[kind](invitation=invitation, user=user, **data)
