"""Tenant isolation, proven for every URL that names an organization.

The URL patterns are discovered from the resolver, so every page and endpoint
a later issue adds under ``/orgs/<org>/`` or ``/api/v1/organizations/<org>/``
is covered here without anyone remembering to add it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django_scopes import scope, scopes_disabled
from django_scopes.exceptions import ScopeError

from accounts.models import Membership
from bsc.tenancy import API_PREFIX, ORG_URL_KWARG, UI_PREFIX
from tests.factories import ApiTokenFactory

METHODS = ["get", "post", "put", "patch", "delete"]
SAMPLE_VALUES = {"format": "json"}
ORG_SLUG = "org-a"


@dataclass(frozen=True)
class TenantUrl:
    name: str
    path: str

    def __str__(self) -> str:
        return self.name


def _walk(
    patterns: list, namespace: str | None = None, kwargs: tuple[str, ...] = ()
) -> Iterator[tuple[str, tuple[str, ...]]]:
    for pattern in patterns:
        names = kwargs + tuple(pattern.pattern.regex.groupindex)
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace
            ns = f"{namespace}:{inner}" if namespace and inner else (inner or namespace)
            yield from _walk(pattern.url_patterns, ns, names)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), names


def _tenant_urls(prefix: str) -> list[TenantUrl]:
    found: dict[str, TenantUrl] = {}
    for name, kwarg_names in _walk(get_resolver().url_patterns):
        if ORG_URL_KWARG not in kwarg_names:
            continue
        for fallback in ("1", "x"):
            values = {
                key: ORG_SLUG if key == ORG_URL_KWARG else SAMPLE_VALUES.get(key, fallback)
                for key in dict.fromkeys(kwarg_names)
            }
            try:
                path = reverse(name, kwargs=values)
            except NoReverseMatch:
                continue
            if path.startswith(prefix):
                found.setdefault(path, TenantUrl(name, path))
            break
    return sorted(found.values(), key=lambda url: url.path)


UI_URLS = _tenant_urls(UI_PREFIX)
API_URLS = _tenant_urls(API_PREFIX)


def test_the_walk_finds_the_organization_pages_and_endpoints():
    ui_names = {url.name for url in UI_URLS}
    api_names = {url.name for url in API_URLS}
    assert {"organization_home", "member_list", "token_list", "audit_log"} <= ui_names
    assert {"api:organization-detail", "api:member-list"} <= api_names


# One test per URL, trying every method: the behaviour is "this address is closed
# to outsiders", and one test per URL keeps the walk fast as the app grows.


def _refusals(
    send: Callable[[str, str], Any], url: TenantUrl, accept: Callable[[Any], bool]
) -> list[str]:
    wrong = []
    for method in METHODS:
        response = send(method, url.path)
        if not accept(response):
            wrong.append(f"{method.upper()} {url.path} -> {response.status_code}")
    return wrong


@pytest.mark.django_db
@pytest.mark.parametrize("url", UI_URLS, ids=str)
def test_a_member_of_another_organization_gets_404_on_every_page(client, org_a, alice, carol, url):
    client.force_login(carol)
    wrong = _refusals(
        lambda method, path: getattr(client, method)(path),
        url,
        lambda response: response.status_code == 404,
    )
    assert not wrong


@pytest.mark.django_db
@pytest.mark.parametrize("url", UI_URLS, ids=str)
def test_an_anonymous_visitor_is_sent_to_sign_in_from_every_page(client, org_a, url):
    sign_in = reverse("login") + "?next="
    wrong = _refusals(
        lambda method, path: getattr(client, method)(path),
        url,
        lambda response: response.status_code == 302 and response["Location"].startswith(sign_in),
    )
    assert not wrong


@pytest.mark.django_db
@pytest.mark.parametrize("url", API_URLS, ids=str)
def test_a_member_of_another_organization_gets_404_on_every_endpoint(
    api_client, org_a, alice, carol, url
):
    api_client.force_authenticate(carol)
    wrong = _refusals(
        lambda method, path: getattr(api_client, method)(path, {}, format="json"),
        url,
        lambda response: response.status_code == 404 and "detail" in response.json(),
    )
    assert not wrong


@pytest.mark.django_db
@pytest.mark.parametrize("url", API_URLS, ids=str)
def test_a_token_of_another_organization_gets_404_on_every_endpoint(
    api_client, org_a, org_b, alice, url
):
    # Alice belongs to org A, but this token was made for her membership of org B.
    Membership.objects.create(user=alice, organization=org_b, role="member")
    token = ApiTokenFactory(organization=org_b, user=alice)
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {token.raw}")
    wrong = _refusals(
        lambda method, path: getattr(api_client, method)(path, {}, format="json"),
        url,
        lambda response: response.status_code == 404,
    )
    assert not wrong


@pytest.mark.django_db
@pytest.mark.parametrize("url", API_URLS, ids=str)
def test_an_anonymous_caller_is_refused_on_every_endpoint(api_client, org_a, url):
    wrong = _refusals(
        lambda method, path: getattr(api_client, method)(path, {}, format="json"),
        url,
        lambda response: (
            response.status_code == 401 and response["WWW-Authenticate"].startswith("Bearer")
        ),
    )
    assert not wrong


@pytest.mark.django_db
def test_an_unknown_organization_looks_the_same_as_a_foreign_one(client, carol):
    client.force_login(carol)
    assert client.get("/orgs/no-such-org/").status_code == 404
    assert client.get("/orgs/org-a/").status_code == 404


@pytest.mark.django_db
def test_the_view_runs_inside_the_organizations_scope(client, alice, org_a, org_b, carol):
    # Membership is tenant-scoped: the page lists org A's members, never org B's.
    client.force_login(alice)
    response = client.get(reverse("member_list", kwargs={ORG_URL_KWARG: "org-a"}))
    assert response.status_code == 200
    assert alice.email in response.content.decode()
    assert carol.email not in response.content.decode()


@pytest.mark.django_db
def test_tenant_queries_outside_a_scope_raise(org_a, alice):
    with pytest.raises(ScopeError):
        list(Membership.objects.all())
    with scope(organization=org_a):
        assert Membership.objects.count() == 1
    with scopes_disabled():
        assert Membership.objects.count() == 1
