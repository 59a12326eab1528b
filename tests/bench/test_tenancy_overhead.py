"""How much the tenancy middleware adds to a request under ``/orgs/<org>/``.

The middleware runs twice per measured request shape, with a view that does
nothing, so the numbers are the middleware alone: URL resolution, the
organization and membership look-ups, and entering the scope. A path outside
the tenant prefixes is the baseline (it returns after a prefix check).

Run with ``make bench``; results are printed and written to
``test-results/bench-tenancy.json``. Timings are reported, never asserted: they
depend on the machine. The query count is asserted, since it does not.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from bsc.middleware import TenantMiddleware
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory

pytestmark = [pytest.mark.bench, pytest.mark.django_db]

ROUNDS = 15
CALLS_PER_ROUND = 200
RESULTS = Path(__file__).resolve().parents[2] / "test-results" / "bench-tenancy.json"


def _empty_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("")


def _per_call_microseconds(call: Callable[[], object]) -> list[float]:
    for _ in range(CALLS_PER_ROUND):  # warm-up: URL resolver caches, connection
        call()
    rounds = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        for _ in range(CALLS_PER_ROUND):
            call()
        rounds.append((time.perf_counter() - start) / CALLS_PER_ROUND * 1e6)
    return rounds


def test_tenancy_middleware_overhead():
    organization = OrganizationFactory(slug="bench")
    user = UserFactory(email="bench@example.org")
    MembershipFactory(organization=organization, user=user, role=Role.ADMIN)
    middleware = TenantMiddleware(_empty_view)
    factory = RequestFactory()

    def request_to(path: str) -> Callable[[], HttpResponse]:
        def call() -> HttpResponse:
            request = factory.get(path)
            request.user = user
            return middleware(request)

        return call

    tenant, plain = request_to("/orgs/bench/"), request_to("/accounts/profile/")
    assert tenant().status_code == 200

    with CaptureQueriesContext(connection) as queries:
        tenant()
    # 1. the organization by slug, 2. the caller's membership of it.
    assert len(queries) == 2, [q["sql"] for q in queries]

    tenant_us = _per_call_microseconds(tenant)
    plain_us = _per_call_microseconds(plain)
    result = {
        "database": connection.vendor,
        "rounds": ROUNDS,
        "calls_per_round": CALLS_PER_ROUND,
        "tenant_path_median_us": round(statistics.median(tenant_us), 1),
        "plain_path_median_us": round(statistics.median(plain_us), 1),
        "overhead_median_us": round(statistics.median(tenant_us) - statistics.median(plain_us), 1),
        "tenant_path_stdev_us": round(statistics.stdev(tenant_us), 1),
        "queries_per_tenant_request": len(queries),
    }
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print()
    print(f"Tenancy middleware on {result['database']}, median of {ROUNDS} rounds:")
    print(f"  /orgs/<org>/ request   {result['tenant_path_median_us']:>8} µs")
    print(f"  plain request          {result['plain_path_median_us']:>8} µs")
    print(f"  overhead               {result['overhead_median_us']:>8} µs, 2 queries")
    print(f"  written to {RESULTS}")
