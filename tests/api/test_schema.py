"""The API root, the OpenAPI schema and the Swagger UI docs."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse

from tests.api.helpers import absolute

pytestmark = pytest.mark.django_db

# Any absolute http(s) URL, or a protocol-relative one (//host/...).
EXTERNAL_URL = re.compile(r"""(?:https?:)?//[^\s"'<>]+""")


def test_the_root_links_to_the_top_level_endpoints(api_client):
    response = api_client.get(reverse("api:root"))
    assert response.status_code == 200
    assert response.json() == {
        "organizations": absolute("/api/v1/organizations/"),
        "schema": absolute("/api/v1/schema/"),
        "docs": absolute("/api/v1/docs/"),
    }


def test_the_schema_loads_as_openapi_3(api_client):
    response = api_client.get(reverse("api:schema"), {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/organizations/{org}/members/{id}/" in schema["paths"]


def test_the_schema_describes_bearer_token_authentication(api_client):
    schema = api_client.get(reverse("api:schema"), {"format": "json"}).json()
    token_scheme = schema["components"]["securitySchemes"]["tokenAuth"]
    assert (token_scheme["type"], token_scheme["scheme"]) == ("http", "bearer")


def test_the_docs_page_loads_only_local_static_assets(client):
    response = client.get(reverse("api:docs"))
    assert response.status_code == 200
    html = response.content.decode()
    assert EXTERNAL_URL.findall(html) == []
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assets = [src for src in sources if not src.startswith(reverse("api:docs"))]
    assert assets, "the page should load Swagger UI's files"
    for src in assets:
        assert src.startswith(settings.STATIC_URL), src
        # Served from our own static files (drf-spectacular-sidecar), so it must exist there.
        assert finders.find(src.removeprefix(settings.STATIC_URL)), src


def test_the_docs_script_is_served_separately_so_the_csp_needs_no_inline_scripts(client):
    html = client.get(reverse("api:docs")).content.decode()
    assert re.search(r"<script>\s*\S", html) is None
    script = client.get(reverse("api:docs"), {"script": ""})
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "/api/v1/schema/" in script.content.decode()
