"""``manage.py create_organization``: an operator sets up a new tenant and its first admin.

    manage.py create_organization --name "State Network" --slug state-network \\
        --admin-email lead@example.org [--time-zone America/New_York]

- If an account with that e-mail exists, it becomes the organization's admin at
  once; the person signs in as usual.
- Otherwise an invitation with the admin role is e-mailed to the address (queued
  to the workers, or sent on the spot without a broker). The person follows the
  link, sets a name and password, and is admin from then on. No account with an
  unknown password is created, and the operator never handles a password. The
  link is printed too, for installations whose e-mail is not set up yet.

Both the organization and the invitation go through ``accounts.services``, so
they get their audit entries; the actor is recorded as the system (``None``),
since an operator at the shell is not a user of the platform.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_email
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django_scopes import scope

from accounts.invitations import invitation_token
from accounts.models import Invitation, Organization, Role, User
from accounts.services import invitation_create, organization_create
from bsc.emails import absolute_url
from bsc.exceptions import DomainError


def _validation_message(error: ValidationError) -> str:
    if hasattr(error, "message_dict"):
        return "; ".join(
            f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items()
        )
    return " ".join(error.messages)


def invitation_link(invitation: Invitation) -> str | None:
    try:
        return absolute_url(reverse("invitation_accept", args=[invitation_token(invitation)]))
    except NoReverseMatch:
        return None


class Command(BaseCommand):
    help = (
        "Create an organization (a tenant) and make --admin-email its admin: an existing "
        "account is added directly, anyone else is e-mailed an admin invitation."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True, help="Display name, e.g. 'State Network'.")
        parser.add_argument(
            "--slug", required=True, help="Short name in web addresses, e.g. state-network."
        )
        parser.add_argument(
            "--admin-email", required=True, help="E-mail address of the first admin."
        )
        parser.add_argument(
            "--time-zone",
            default="UTC",
            help="Deadlines and reminders follow it, e.g. America/New_York (default UTC).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        email = User.objects.normalize_email(options["admin_email"]).strip().lower()
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"{options['admin_email']!r} is not an e-mail address.") from None
        if Organization.objects.filter(slug=options["slug"]).exists():
            raise CommandError(
                f"The slug {options['slug']!r} is already taken: choose another --slug."
            )

        user = User.objects.filter(email__iexact=email).first()
        invitation: Invitation | None = None
        try:
            # One transaction: a failed invitation leaves no organization without an admin.
            # The invitation e-mail is queued when it commits.
            with transaction.atomic():
                organization = organization_create(
                    name=options["name"],
                    slug=options["slug"],
                    time_zone=options["time_zone"],
                    admin=user,
                    actor=None,
                )
                if user is None:
                    with scope(organization=organization):
                        invitation = invitation_create(
                            organization=organization,
                            email=email,
                            role=Role.ADMIN,
                            # The operator is not a platform user: the system invites.
                            actor=None,  # type: ignore[arg-type]
                        )
        except DomainError as exc:
            raise CommandError(exc.message) from None
        except ValidationError as exc:
            raise CommandError(_validation_message(exc)) from None

        self.stdout.write(
            self.style.SUCCESS(
                f"Created organization {organization.name} (/orgs/{organization.slug}/, "
                f"time zone {organization.time_zone})."
            )
        )
        if invitation is None:
            self.stdout.write(f"{email} has an account already and is now its admin.")
            return
        self.stdout.write(f"Invited {email} as admin; the invitation e-mail is on its way.")
        link = invitation_link(invitation)
        if link:
            self.stdout.write(f"If e-mail is not set up yet, pass them this link instead: {link}")
