"""Personas and the service switches.

Personas, after healthchecks: ``alice`` is admin of org A, ``bob`` a member of
org A, ``carol`` admin of org B (the outsider). Fixtures run with scopes
disabled (pretix's hook) while the code under test stays scoped; a test that
queries tenant data itself says so with ``scopes_disabled()``.

Tests marked ``postgres`` or ``redis`` need the real service and are skipped,
with the reason, when ``DATABASE_URL``/``REDIS_URL`` are unset. CI sets
``BSC_FORBID_SKIPS=1``: then any skipped test fails the run.
"""

from __future__ import annotations

import os

import pytest
from django.conf import settings
from django_scopes import scopes_disabled

from accounts.models import Role
from tests.factories import DEFAULT_PASSWORD, MembershipFactory, OrganizationFactory, UserFactory

# The browser fixtures (``browser``, ``page``) for every folder's browser tests.
pytest_plugins = ["tests.browser"]


@pytest.hookimpl(hookwrapper=True)
def pytest_fixture_setup(fixturedef, request):
    with scopes_disabled():
        yield


def pytest_collection_modifyitems(config, items):
    uses_postgres = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL=postgres://...")
    skip_redis = pytest.mark.skip(
        reason="needs Redis and a Celery worker: set REDIS_URL=redis://..."
    )
    for item in items:
        if "postgres" in item.keywords and not uses_postgres:
            item.add_marker(skip_pg)
        if "redis" in item.keywords and not os.environ.get("REDIS_URL"):
            item.add_marker(skip_redis)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    skipped = terminalreporter.stats.get("skipped", [])
    if os.environ.get("BSC_FORBID_SKIPS") == "1" and skipped:
        terminalreporter.write_line(
            f"BSC_FORBID_SKIPS=1: {len(skipped)} test(s) were skipped; CI must run them all.",
            red=True,
        )


def pytest_sessionfinish(session, exitstatus):
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is None or os.environ.get("BSC_FORBID_SKIPS") != "1":
        return
    if reporter.stats.get("skipped") and session.exitstatus == 0:
        session.exitstatus = 1


@pytest.fixture
def password():
    return DEFAULT_PASSWORD


@pytest.fixture
def org_a(db):
    return OrganizationFactory(name="Northern Network", slug="org-a")


@pytest.fixture
def org_b(db):
    return OrganizationFactory(name="Southern Network", slug="org-b")


@pytest.fixture
def alice(org_a):
    user = UserFactory(email="alice@example.org", full_name="Alice Admin")
    MembershipFactory(user=user, organization=org_a, role=Role.ADMIN)
    return user


@pytest.fixture
def bob(org_a):
    user = UserFactory(email="bob@example.org", full_name="Bob Member")
    MembershipFactory(user=user, organization=org_a, role=Role.MEMBER)
    return user


@pytest.fixture
def carol(org_b):
    user = UserFactory(email="carol@example.org", full_name="Carol Outsider")
    MembershipFactory(user=user, organization=org_b, role=Role.ADMIN)
    return user


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client


@pytest.fixture
def bob_client(client, bob):
    client.force_login(bob)
    return client


@pytest.fixture
def carol_client(client, carol):
    client.force_login(carol)
    return client


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()
