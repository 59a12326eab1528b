"""The API permission matrix of report completeness (pretix style).

Every route of ``measures/api/completeness_urls.py`` x method x persona ->
status. Staff (alice) and faculty (fay) read; a member on no roster (bob) and
a team's own day-to-day leader (dana) may not; the outsider (carol) gets 404.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from measures.api import completeness_urls
from tests.api_routes import api_endpoints
from tests.factories import CollaborativeFactory, TeamFactory
from tests.measures.completeness_support import (  # noqa: F401 - fixtures by name
    api_as_fixture,
    collab_fixture,
    dana_fixture,
    fay_fixture,
    riverside_fixture,
)

pytestmark = pytest.mark.django_db

PERSONAS = ("alice", "bob", "dana", "fay", "carol", "anonymous")
FACULTY_READ = (200, 403, 403, 200, 404, 401)

MATRIX = [
    ("api:completeness-list", "get", FACULTY_READ),
    ("api:completeness-list", "post", (405, 403, 403, 405, 404, 401)),
]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("name", "method", "expected"), MATRIX)
def test_permission_matrix(api_as, collab, riverside, dana, fay, name, method, expected, persona):
    url = reverse(name, kwargs={"org": "org-a", "collab": "tf-cbt"})

    response = getattr(api_as(persona), method)(url, {}, format="json")

    assert response.status_code == expected[PERSONAS.index(persona)], response.content


def test_the_matrix_covers_every_route_of_the_completeness_api():
    routed = set(api_endpoints(completeness_urls.urlpatterns))

    assert routed <= {(name, method) for name, method, _ in MATRIX}
    assert {(name, method) for name, method, _ in MATRIX if method == "get"} == routed


def test_org_bs_collaborative_is_not_found_under_org_a(api_as, alice, org_b):
    CollaborativeFactory(organization=org_b, slug="b-only")

    url = reverse("api:completeness-list", kwargs={"org": "org-a", "collab": "b-only"})

    assert api_as("alice").get(url).status_code == 404


def test_org_bs_teams_never_show_in_org_as_collaborative_of_the_same_slug(
    api_as, alice, collab, riverside, org_b
):
    TeamFactory(
        collaborative=CollaborativeFactory(organization=org_b, slug="tf-cbt"), name="Org B team"
    )

    url = reverse("api:completeness-list", kwargs={"org": "org-a", "collab": "tf-cbt"})
    names = [team["name"] for team in api_as("alice").get(url).json()["teams"]]

    assert names == ["Riverside"]
