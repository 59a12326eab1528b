"""Every write to accounts data. Each service runs in a transaction and writes its audit entry."""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from accounts import grants as grants_module
from accounts.authentication import TOKEN_PREFIX, hash_token
from accounts.models import ApiToken, Invitation, Membership, Organization, Role, User
from accounts.tasks import send_invitation_email
from bsc.audit import log_action, person_of
from bsc.exceptions import ConflictError, DomainError

# --- Organizations ----------------------------------------------------------


@transaction.atomic
def organization_create(
    *, name: str, slug: str, time_zone: str = "UTC", admin: User | None = None, actor: User | None
) -> Organization:
    if Organization.objects.filter(slug=slug).exists():
        raise DomainError(f"The address name {slug!r} is already taken.", field="slug")
    organization = Organization(name=name, slug=slug, time_zone=time_zone)
    organization.full_clean()
    organization.save()
    with scope(organization=organization):
        log_action(
            organization=organization,
            actor=actor,
            action="bsc.organization.created",
            target=organization,
        )
        if admin is not None:
            membership_add(organization=organization, user=admin, role=Role.ADMIN, actor=actor)
    return organization


@transaction.atomic
def organization_update(
    *, organization: Organization, actor: User, name: str, time_zone: str
) -> Organization:
    old = {"name": organization.name, "time_zone": organization.time_zone}
    organization.name = name
    organization.time_zone = time_zone
    organization.full_clean()
    organization.save(update_fields=["name", "time_zone"])
    new = {"name": name, "time_zone": time_zone}
    changes = {key: [old[key], new[key]] for key in old if old[key] != new[key]}
    if changes:
        log_action(
            organization=organization,
            actor=actor,
            action="bsc.organization.changed",
            target=organization,
            data={"changes": changes},
        )
    return organization


# --- Memberships ------------------------------------------------------------


@transaction.atomic
def membership_add(
    *, organization: Organization, user: User, role: str, actor: User | None
) -> Membership:
    membership, created = Membership.objects.get_or_create(
        organization=organization, user=user, defaults={"role": role}
    )
    if created:
        log_action(
            organization=organization,
            actor=actor,
            action="bsc.member.added",
            target=membership,
            data={"email": user.email, "role": role},
        )
    return membership


def _ensure_another_admin(membership: Membership, message: str) -> None:
    others = (
        Membership.objects.select_for_update()
        .filter(organization_id=membership.organization_id, role=Role.ADMIN)
        .exclude(pk=membership.pk)
    )
    if not others.exists():
        raise ConflictError(message, field="role")


@transaction.atomic
def membership_change_role(*, membership: Membership, role: str, actor: User) -> Membership:
    if role not in Role.values:
        raise DomainError(f"{role!r} is not a role. Choose admin or member.", field="role")
    old = membership.role
    if old == role:
        return membership
    if old == Role.ADMIN:
        _ensure_another_admin(
            membership, "An organization needs at least one admin: make someone else admin first."
        )
    membership.role = role
    membership.save(update_fields=["role"])
    log_action(
        organization=membership.organization,
        actor=actor,
        action="bsc.member.role_changed",
        target=membership,
        data={"email": membership.user.email, "old": old, "new": role},
    )
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, actor: User) -> None:
    if membership.role == Role.ADMIN:
        _ensure_another_admin(
            membership, "An organization needs at least one admin: make someone else admin first."
        )
    # A removed member's tokens must stop working in this organization at once.
    ApiToken.objects.filter(user=membership.user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    log_action(
        organization=membership.organization,
        actor=actor,
        action="bsc.member.removed",
        target=membership,
        data={"email": membership.user.email},
    )
    membership.delete()


# --- Invitations ------------------------------------------------------------


@transaction.atomic
def invitation_create(
    *,
    organization: Organization,
    email: str,
    role: str,
    actor: User | ApiToken | None,
    grants: list[dict[str, Any]] | None = None,
) -> Invitation:
    """Invite ``email`` with ``role``. A pending invitation of the same address is replaced.

    ``grants`` (see ``accounts.grants``) are applied on acceptance; the new
    invitation keeps the grants of the one it replaces, so inviting someone to a
    team does not cancel their pending faculty invitation.
    """
    email = User.objects.normalize_email(email).strip().lower()
    if role not in Role.values:
        raise DomainError(f"{role!r} is not a role. Choose admin or member.", field="role")
    if Membership.objects.filter(user__email__iexact=email).exists():
        raise DomainError(f"{email} is already a member of {organization}.", field="email")
    grants_module.validate(grants or [])
    earlier = list(Invitation.objects.select_for_update().pending().filter(email__iexact=email))
    merged: list[dict[str, Any]] = []
    for grant in [g for old in earlier for g in old.grants] + list(grants or []):
        if grant not in merged:
            merged.append(grant)
    invitation = Invitation.objects.create(
        organization=organization,
        email=email,
        role=role,
        grants=merged,
        # Through the API the actor is a token; the invitation names the person behind it.
        invited_by=person_of(actor),
        expires_at=timezone.now() + settings.INVITATION_MAX_AGE,
    )
    now = timezone.now()
    for old in earlier:
        old.revoked_at = now
        old.replaced_by = invitation
        old.save(update_fields=["revoked_at", "replaced_by"])
    log_action(
        organization=organization,
        actor=actor,
        action="bsc.member.reinvited" if earlier else "bsc.member.invited",
        target=invitation,
        data={"email": email, "role": role},
    )
    send_invitation_email.delay_on_commit(
        organization_id=organization.pk, invitation_id=invitation.pk
    )
    return invitation


def invitation_resend(*, invitation: Invitation, actor: User) -> Invitation:
    """Send a fresh link (new expiry); the old link then says it was replaced."""
    return invitation_create(
        organization=invitation.organization,
        email=invitation.email,
        role=invitation.role,
        actor=actor,
        grants=invitation.grants,
    )


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, actor: User) -> Invitation:
    if invitation.status != Invitation.Status.PENDING:
        raise ConflictError("Only a pending invitation can be withdrawn.")
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    log_action(
        organization=invitation.organization,
        actor=actor,
        action="bsc.invitation.revoked",
        target=invitation,
        data={"email": invitation.email},
    )
    return invitation


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User) -> Membership:
    """Add ``user`` to the organization. The link is used up, even if they were already in."""
    organization = invitation.organization
    with scope(organization=organization):
        # Lock the row: two clicks on the same link must not both succeed.
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.status != Invitation.Status.PENDING:
            raise ConflictError("This invitation can no longer be used.")
        if locked.email.lower() != user.email.lower():
            raise DomainError(f"This invitation is for {locked.email}, not for {user.email}.")
        membership, created = Membership.objects.get_or_create(
            organization=organization, user=user, defaults={"role": locked.role}
        )
        locked.accepted_at = timezone.now()
        locked.accepted_by = user
        locked.save(update_fields=["accepted_at", "accepted_by"])
        grants_module.apply_all(invitation=locked, user=user)
        if created:
            log_action(
                organization=organization,
                actor=user,
                action="bsc.member.joined",
                target=membership,
                data={"email": user.email, "role": membership.role},
            )
    invitation.accepted_at, invitation.accepted_by = locked.accepted_at, user
    return membership


@transaction.atomic
def user_create_from_invitation(*, invitation: Invitation, full_name: str, password: str) -> User:
    with scopes_disabled():
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise ConflictError(
                f"An account for {invitation.email} exists already: sign in to accept.",
                field="email",
            )
    user = User.objects.create_user(email=invitation.email, password=password, full_name=full_name)
    invitation_accept(invitation=invitation, user=user)
    return user


# --- Profiles ---------------------------------------------------------------


def user_update_profile(*, user: User, full_name: str, receive_digests: bool | None = None) -> User:
    """``receive_digests`` turns the optional weekly digest on or off; None leaves it as it is."""
    user.full_name = full_name
    fields = ["full_name"]
    if receive_digests is not None:
        user.receive_digests = receive_digests
        fields.append("receive_digests")
    user.save(update_fields=fields)
    return user


# --- API tokens -------------------------------------------------------------


@transaction.atomic
def token_create(*, organization: Organization, user: User, name: str) -> tuple[ApiToken, str]:
    """Make a token and return it with its secret, which is never stored or shown again."""
    name = name.strip()
    if not name:
        raise DomainError("Give the token a name, so you can recognise it later.", field="name")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        organization=organization,
        user=user,
        name=name,
        prefix=raw[: len(TOKEN_PREFIX) + 6],
        token_hash=hash_token(raw),
    )
    log_action(
        organization=organization,
        actor=user,
        action="bsc.token.created",
        target=token,
        data={"name": name},
    )
    return token, raw


@transaction.atomic
def token_revoke(*, token: ApiToken, actor: User) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        log_action(
            organization=token.organization,
            actor=actor,
            action="bsc.token.revoked",
            target=token,
            data={"name": token.name},
        )
    return token
