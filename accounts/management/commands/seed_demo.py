"""``manage.py seed_demo``: the demo data that ``make run`` serves.

Running it again changes nothing: every step looks its rows up first and only
creates what is missing, through the same services the web pages use, so each
row it does create gets its audit entry and a rerun writes none.

One small function per area. Later areas (collaboratives, teams, measures,
PDSA cycles) add a ``seed_<area>`` function and call it from ``Command.handle``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django_scopes import scope

from accounts.models import Membership, Organization, Role, User
from accounts.services import membership_add, organization_create

DEMO_PASSWORD = "demo-password"


@dataclass(frozen=True)
class DemoOrganization:
    slug: str
    name: str
    time_zone: str


@dataclass(frozen=True)
class DemoUser:
    email: str
    full_name: str
    # (organization slug, role) pairs.
    memberships: tuple[tuple[str, str], ...]
    # What this sign-in shows; users without one are demo extras, not printed.
    shows: str = ""


ORGANIZATIONS: tuple[DemoOrganization, ...] = (
    DemoOrganization(slug="demo", name="Demo Health Network", time_zone="America/New_York"),
    DemoOrganization(
        slug="riverside", name="Riverside Regional Collaborative", time_zone="America/Chicago"
    ),
)

USERS: tuple[DemoUser, ...] = (
    DemoUser(
        email="admin@demo.example",
        full_name="Avery Admin",
        memberships=(("demo", Role.ADMIN), ("riverside", Role.MEMBER)),
        shows="BSC staff: organization admin, staff of the collaboratives",
    ),
    DemoUser(
        email="chair@demo.example",
        full_name="Charlie Chair",
        memberships=(("demo", Role.MEMBER),),
        shows="Chair of the national collaborative",
    ),
    DemoUser(
        email="faculty@demo.example",
        full_name="Frances Faculty",
        memberships=(("demo", Role.MEMBER),),
        shows="Faculty of both collaboratives",
    ),
    DemoUser(
        email="lead@demo.example",
        full_name="Lee Lead",
        memberships=(("demo", Role.MEMBER),),
        shows="Day-to-day leader of the Harbor team",
    ),
    DemoUser(
        email="member@demo.example",
        full_name="Morgan Member",
        memberships=(("demo", Role.MEMBER),),
        shows="Member of the organization, on no team",
    ),
    DemoUser(
        email="faculty2@demo.example",
        full_name="Dana Okafor",
        memberships=(("demo", Role.MEMBER),),
    ),
    DemoUser(
        email="faculty3@demo.example",
        full_name="Sam Haddad",
        memberships=(("demo", Role.MEMBER),),
    ),
)

Report = Callable[[str], None]


def seed_organizations(report: Report) -> dict[str, Organization]:
    organizations: dict[str, Organization] = {}
    for demo in ORGANIZATIONS:
        organization = Organization.objects.filter(slug=demo.slug).first()
        if organization is None:
            organization = organization_create(
                name=demo.name, slug=demo.slug, time_zone=demo.time_zone, actor=None
            )
            report(f"Created organization {demo.name} (/orgs/{demo.slug}/)")
        organizations[demo.slug] = organization
    return organizations


def seed_users(report: Report) -> dict[str, User]:
    users: dict[str, User] = {}
    for demo in USERS:
        user = User.objects.filter(email__iexact=demo.email).first()
        if user is None:
            # Users belong to no tenant, so there is no service or audit entry for this.
            user = User.objects.create_user(
                email=demo.email, password=DEMO_PASSWORD, full_name=demo.full_name
            )
            report(f"Created user {demo.email}")
        users[demo.email] = user
    return users


def seed_memberships(
    organizations: dict[str, Organization], users: dict[str, User], report: Report
) -> None:
    for demo in USERS:
        user = users[demo.email]
        for slug, role in demo.memberships:
            organization = organizations[slug]
            with scope(organization=organization):
                # A role someone changed by hand is left as it is.
                if Membership.objects.filter(organization=organization, user=user).exists():
                    continue
                membership_add(organization=organization, user=user, role=role, actor=None)
            report(f"Added {demo.email} to {organization.name} as {Role(role).label.lower()}")


def seed_demo_collaboratives(
    organizations: dict[str, Organization], users: dict[str, User], report: Report
) -> None:
    from collaboratives.demo import DemoPeople, seed_collaboratives
    from measures.demo import seed_measures
    from pdsa.demo import seed_pdsa
    from teams.demo_assessments import seed_assessments

    organization = organizations["demo"]
    people = DemoPeople(
        staff=users["admin@demo.example"],
        chair=users["chair@demo.example"],
        faculty=(
            users["faculty@demo.example"],
            users["faculty2@demo.example"],
            users["faculty3@demo.example"],
        ),
        team_lead=users["lead@demo.example"],
    )
    with scope(organization=organization):
        seed_collaboratives(organization, people, report)
        seed_measures(organization, people, report)
        seed_assessments(organization, people, report)
        seed_pdsa(organization, people, report)


def sign_in_table(organizations: dict[str, Organization]) -> str:
    rows = [("E-mail", "Password", "What you see")]
    for demo in USERS:
        if demo.shows:
            rows.append((demo.email, DEMO_PASSWORD, demo.shows))
    widths = [max(len(row[i]) for row in rows) for i in range(2)]
    lines = [f"  {row[0]:<{widths[0]}}  {row[1]:<{widths[1]}}  {row[2]}" for row in rows]
    lines.insert(1, f"  {'-' * widths[0]}  {'-' * widths[1]}  {'-' * len(rows[0][2])}")
    return "\n".join(lines)


class Command(BaseCommand):
    help = (
        "Create the demo organizations and sign-ins (password 'demo-password'). "
        "Safe to run again: existing rows are left alone."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Seed even with DEBUG off. The demo password is public: never on a real site.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "seed_demo creates accounts with a published password, so it runs only with "
                "DEBUG on (the make run default). Use --force if you really mean it."
            )
        created: list[str] = []

        def report(message: str) -> None:
            created.append(message)
            if options["verbosity"] >= 1:
                self.stdout.write(f"  {message}")

        # All or nothing: a failure half-way must not leave half a demo behind.
        with transaction.atomic():
            organizations = seed_organizations(report)
            users = seed_users(report)
            seed_memberships(organizations, users, report)
            seed_demo_collaboratives(organizations, users, report)

        if options["verbosity"] >= 1:
            if not created:
                self.stdout.write("The demo data is in place already; nothing to do.")
            self.stdout.write("")
            self.stdout.write(self.style.SUCCESS(f"Demo sign-ins at {settings.SITE_URL}/"))
            self.stdout.write(sign_in_table(organizations))
