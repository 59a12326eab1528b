"""Every write to teams and their rosters.

Each service is keyword-only, runs in one transaction, checks the business
rules (raising ``DomainError`` with the field at fault, so nothing is saved
half-changed) and writes its audit entry. Pages and the API call these same
functions; who may call them is decided before, in ``collaboratives.permissions``.

Roster members are linked to an account by e-mail address: a member of the
organization with that address is linked at once; anyone else can be invited
to the platform with an organization invitation carrying the grant
``{"kind": "team_member", "member_id": ...}``, which links the roster entry
when they accept (``apply_team_member_grant``, registered in ``TeamsConfig``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

from accounts.models import ApiToken, Invitation, Membership, Role, User
from accounts.services import invitation_create, invitation_revoke
from bsc.audit import log_action
from bsc.exceptions import ConflictError, DomainError
from collaboratives.models import Collaborative
from collaboratives.services.core import ensure_not_archived
from teams.models import Team, TeamMember, TeamMemberRole, TeamStatus
from teams.roles import TeamRole

TEAM_MEMBER_GRANT = "team_member"

Actor = User | ApiToken | None

TEAM_FIELDS = ("name", "site_name", "is_member_site", "status")
MEMBER_FIELDS = ("full_name", "email", "phone", "job_title")


# --- Shared checks ------------------------------------------------------------


def _ensure_writable(collaborative: Collaborative) -> None:
    # An archived collaborative is read-only until staff restore it (409 in the API).
    ensure_not_archived(collaborative)


def _clean(instance: models.Model, *, exclude: Iterable[str] = ()) -> None:
    """The model's own field checks (lengths, choices, e-mail format) as a ``DomainError``."""
    try:
        instance.full_clean(
            exclude=list(exclude), validate_unique=False, validate_constraints=False
        )
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise DomainError(messages[0], field=None if field == "__all__" else field) from error


def normalize_email(email: str) -> str:
    return User.objects.normalize_email((email or "").strip()).lower()


def _clean_roles(roles: Iterable[str]) -> list[str]:
    chosen: list[str] = []
    for role in roles or []:
        if role not in TeamRole.values:
            raise DomainError(f"“{role}” is not a team role.", field="roles")
        if role not in chosen:
            chosen.append(role)
    if not chosen:
        raise DomainError("Choose at least one role for this member.", field="roles")
    # In the order the roles are listed everywhere else.
    return sorted(chosen, key=TeamRole.values.index)


def _organization_user(organization_id: int, email: str) -> User | None:
    """The member of the organization who signs in with ``email``, if any."""
    if not email:
        return None
    membership = (
        Membership.objects.select_related("user")
        .filter(organization_id=organization_id, user__email__iexact=email, user__is_active=True)
        .first()
    )
    return membership.user if membership else None


# --- Teams --------------------------------------------------------------------


def _ensure_unique_name(collaborative: Collaborative, name: str, exclude_pk: int | None) -> None:
    others = Team.objects.filter(collaborative=collaborative, name__iexact=name)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    if others.exists():
        raise DomainError(f"A team named “{name}” is already in this collaborative.", field="name")


def _save_team(team: Team, **kwargs: Any) -> None:
    try:
        with transaction.atomic():
            team.save(**kwargs)
    except IntegrityError as error:
        # Two requests naming a team alike at the same moment: the constraint decides.
        raise DomainError(
            f"A team named “{team.name}” is already in this collaborative.", field="name"
        ) from error


@transaction.atomic
def team_create(
    *,
    collaborative: Collaborative,
    name: str,
    site_name: str = "",
    is_member_site: bool = True,
    status: str = TeamStatus.ACTIVE,
    actor: Actor,
) -> Team:
    _ensure_writable(collaborative)
    name = (name or "").strip()
    if not name:
        raise DomainError("Give the team a name.", field="name")
    team = Team(
        organization_id=collaborative.organization_id,
        collaborative=collaborative,
        name=name,
        site_name=(site_name or "").strip(),
        is_member_site=is_member_site,
        status=status,
    )
    _clean(team, exclude=["organization", "collaborative"])
    _ensure_unique_name(collaborative, name, None)
    _save_team(team)
    log_action(
        organization=collaborative.organization,
        actor=actor,
        action="bsc.team.created",
        target=team,
        data={"name": team.name, "collaborative": collaborative.slug, "status": team.status},
    )
    return team


@transaction.atomic
def team_update(*, team: Team, actor: Actor, **values: Any) -> Team:
    """Change any of ``name``, ``site_name``, ``is_member_site`` and ``status``.

    Setting the status to withdrawn is how a team leaves; it can be made
    active again the same way.
    """
    unknown = set(values) - set(TEAM_FIELDS)
    if unknown:
        raise TypeError(f"team_update() got unexpected fields: {sorted(unknown)}")
    _ensure_writable(team.collaborative)
    if "name" in values:
        values["name"] = (values["name"] or "").strip()
        if not values["name"]:
            raise DomainError("Give the team a name.", field="name")
    if "site_name" in values:
        values["site_name"] = (values["site_name"] or "").strip()
    old = {key: getattr(team, key) for key in values}
    changes = {key: [old[key], new] for key, new in values.items() if old[key] != new}
    if not changes:
        return team
    for key, new in values.items():
        setattr(team, key, new)
    try:
        _clean(team, exclude=["organization", "collaborative"])
        if "name" in changes:
            _ensure_unique_name(team.collaborative, team.name, team.pk)
    except DomainError:
        for key, value in old.items():
            setattr(team, key, value)
        raise
    _save_team(team, update_fields=list(changes))
    withdrawn = changes.get("status", [None, None])[1] == TeamStatus.WITHDRAWN
    log_action(
        organization=team.organization,
        actor=actor,
        action="bsc.team.withdrawn" if withdrawn and len(changes) == 1 else "bsc.team.changed",
        target=team,
        data={"name": team.name, "changes": changes},
    )
    return team


def team_withdraw(*, team: Team, actor: Actor) -> Team:
    """A team leaves the collaborative. The row, its roster and its history stay."""
    if team.status == TeamStatus.WITHDRAWN:
        return team
    return team_update(team=team, status=TeamStatus.WITHDRAWN, actor=actor)


# --- Roster -------------------------------------------------------------------


def _ensure_not_on_roster(team: Team, email: str, exclude_pk: int | None) -> None:
    if not email:
        return
    others = TeamMember.objects.filter(team=team, email__iexact=email)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    if others.exists():
        raise DomainError(f"{email} is already on this team's roster.", field="email")


def _save_member(member: TeamMember, **kwargs: Any) -> None:
    try:
        with transaction.atomic():
            member.save(**kwargs)
    except IntegrityError as error:
        raise DomainError(
            f"{member.email} is already on this team's roster.", field="email"
        ) from error


def _member_data(member: TeamMember, roles: list[str]) -> dict[str, Any]:
    return {
        "team": member.team.name,
        "full_name": member.full_name,
        "email": member.email,
        "roles": roles,
    }


@transaction.atomic
def team_member_add(
    *,
    team: Team,
    full_name: str,
    email: str = "",
    phone: str = "",
    job_title: str = "",
    roles: Iterable[str],
    actor: Actor,
) -> TeamMember:
    """Put someone on the roster. A member of the organization with this e-mail is linked."""
    _ensure_writable(team.collaborative)
    member = TeamMember(
        organization_id=team.organization_id,
        team=team,
        full_name=(full_name or "").strip(),
        email=normalize_email(email),
        phone=(phone or "").strip(),
        job_title=(job_title or "").strip(),
    )
    if not member.full_name:
        raise DomainError("Give the member's full name.", field="full_name")
    _clean(member, exclude=["organization", "team", "user"])
    chosen = _clean_roles(roles)
    _ensure_not_on_roster(team, member.email, None)
    member.user = _organization_user(team.organization_id, member.email)
    _save_member(member)
    TeamMemberRole.objects.bulk_create(
        TeamMemberRole(organization_id=team.organization_id, member=member, role=role)
        for role in chosen
    )
    log_action(
        organization=team.organization,
        actor=actor,
        action="bsc.team.member_added",
        target=member,
        data={**_member_data(member, chosen), "linked": member.user_id is not None},
    )
    return member


@transaction.atomic
def team_member_update(
    *, member: TeamMember, actor: Actor, roles: Iterable[str] | None = None, **values: Any
) -> TeamMember:
    """Change any of ``full_name``, ``email``, ``phone``, ``job_title`` and ``roles``.

    A new e-mail address re-links the entry: to the organization's member with
    that address, or to no account; invitations sent to the old address for
    this entry are withdrawn.
    """
    unknown = set(values) - set(MEMBER_FIELDS)
    if unknown:
        raise TypeError(f"team_member_update() got unexpected fields: {sorted(unknown)}")
    team = member.team
    _ensure_writable(team.collaborative)
    if "email" in values:
        values["email"] = normalize_email(values["email"])
    for key in ("full_name", "phone", "job_title"):
        if key in values:
            values[key] = (values[key] or "").strip()
    if "full_name" in values and not values["full_name"]:
        raise DomainError("Give the member's full name.", field="full_name")
    old_roles = list(member.roles.values_list("role", flat=True))
    new_roles = _clean_roles(roles) if roles is not None else old_roles

    old = {key: getattr(member, key) for key in values}
    changes: dict[str, list[Any]] = {
        key: [old[key], new] for key, new in values.items() if old[key] != new
    }
    if set(new_roles) != set(old_roles):
        changes["roles"] = [sorted(old_roles, key=TeamRole.values.index), new_roles]
    if not changes:
        return member

    for key, new in values.items():
        setattr(member, key, new)
    try:
        _clean(member, exclude=["organization", "team", "user"])
        if "email" in changes:
            _ensure_not_on_roster(team, member.email, member.pk)
    except DomainError:
        for key, value in old.items():
            setattr(member, key, value)
        raise
    update_fields = [key for key in changes if key != "roles"]
    if "email" in changes:
        _withdraw_team_invitations(member, email=old["email"], actor=actor)
        member.user = _organization_user(team.organization_id, member.email)
        update_fields.append("user")
    if update_fields:
        _save_member(member, update_fields=update_fields)
    if "roles" in changes:
        member.roles.exclude(role__in=new_roles).delete()
        TeamMemberRole.objects.bulk_create(
            TeamMemberRole(organization_id=member.organization_id, member=member, role=role)
            for role in new_roles
            if role not in old_roles
        )
    log_action(
        organization=team.organization,
        actor=actor,
        action="bsc.team.member_changed",
        target=member,
        data={**_member_data(member, new_roles), "changes": changes},
    )
    return member


@transaction.atomic
def team_member_remove(*, member: TeamMember, actor: Actor) -> None:
    """Take someone off the roster; a pending invitation for this entry is withdrawn."""
    team = member.team
    _ensure_writable(team.collaborative)
    roles = list(member.roles.values_list("role", flat=True))
    _withdraw_team_invitations(member, email=member.email, actor=actor)
    log_action(
        organization=team.organization,
        actor=actor,
        action="bsc.team.member_removed",
        target=member,
        data=_member_data(member, sorted(roles, key=TeamRole.values.index)),
    )
    member.delete()


# --- Accounts: linking and invitations -----------------------------------------


def team_member_grant(member: TeamMember) -> dict[str, Any]:
    return {"kind": TEAM_MEMBER_GRANT, "member_id": member.pk}


def _withdraw_team_invitations(member: TeamMember, *, email: str, actor: Actor) -> None:
    """Pending invitations to ``email`` stop offering this roster place.

    An invitation that offers nothing else is withdrawn (its link dies); one
    that also carries other grants (say, a faculty role) keeps those.
    """
    if not email:
        return
    grant = team_member_grant(member)
    pending = Invitation.objects.select_for_update().pending().filter(email__iexact=email)
    for invitation in pending:
        if grant not in invitation.grants:
            continue
        rest = [other for other in invitation.grants if other != grant]
        if rest:
            invitation.grants = rest
            invitation.save(update_fields=["grants"])
        else:
            invitation_revoke(invitation=invitation, actor=actor)


def _link(member: TeamMember, user: User, actor: Actor) -> None:
    member.user = user
    member.save(update_fields=["user"])
    log_action(
        organization=member.organization,
        actor=actor,
        action="bsc.team.member_linked",
        target=member,
        data={"team": member.team.name, "full_name": member.full_name, "email": user.email},
    )


@transaction.atomic
def team_member_invite(*, member: TeamMember, actor: Actor) -> Invitation | None:
    """Give a roster member access to the platform.

    If the e-mail address belongs to a member of the organization, their
    account is linked at once and ``None`` is returned. Otherwise an
    invitation to the organization (as a member) is sent, carrying the grant
    that links this roster entry when it is accepted, and returned.
    """
    team = member.team
    _ensure_writable(team.collaborative)
    if member.user_id is not None:
        raise ConflictError(f"{member.full_name} already has an account on this roster.")
    if not member.email:
        raise DomainError(
            f"Add an e-mail address for {member.full_name} first: the invitation goes there.",
            field="email",
        )
    user = _organization_user(member.organization_id, member.email)
    if user is not None:
        _link(member, user, actor)
        return None
    invitation = invitation_create(
        organization=team.organization,
        email=member.email,
        role=Role.MEMBER,
        actor=actor,
        grants=[team_member_grant(member)],
    )
    log_action(
        organization=team.organization,
        actor=actor,
        action="bsc.team.member_invited",
        target=member,
        data={"team": team.name, "full_name": member.full_name, "email": member.email},
    )
    return invitation


def apply_team_member_grant(*, invitation: Invitation, user: User, member_id: int) -> None:
    """On accepting an invitation: link the roster entry to the new member's account.

    Runs inside ``invitation_accept``'s transaction and scope. A roster entry
    that has gone, changed its e-mail address or been linked to someone else
    meanwhile is left alone: the person still joins the organization.
    """
    member = (
        TeamMember.objects.select_for_update()
        .select_related("team")
        .filter(pk=member_id, organization_id=invitation.organization_id)
        .first()
    )
    if member is None or member.user_id is not None:
        return
    if member.email.lower() != user.email.lower():
        return
    _link(member, user, user)


def describe_team_member_grant(*, member_id: int) -> str | None:
    """What the grant offers, for the invitation e-mail and page; None once the entry is gone."""
    from teams.composition import role_words

    member = (
        TeamMember.objects.select_related("team__collaborative")
        .prefetch_related("roles")
        .filter(pk=member_id)
        .first()
    )
    if member is None:
        return None
    held = {row.role for row in member.roles.all()}
    roles = [role_words(role) for role in TeamRole.values if role in held]
    as_roles = ""
    if roles:
        listed = roles[0] if len(roles) == 1 else f"{', '.join(roles[:-1])} and {roles[-1]}"
        as_roles = f" as {listed}"
    team = member.team
    return f"a place{as_roles} on the roster of “{team.name}” in {team.collaborative.name}"
