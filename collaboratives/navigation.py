"""The sub-navigation of a collaborative: one entry per area, shown on every collaborative page.

Each area appends one ``(label, url_name, required_permission)`` entry to
``AREAS``. The URL name is reversed with the ``org`` and ``collab`` kwargs
only; an entry whose name does not reverse (its area is not built yet, or
its route needs more kwargs) is left out instead of breaking the page, and an
entry whose permission the caller lacks is left out too. ``None`` as the
permission means every member of the organization (who may all view a
collaborative).

The overview comes first and the collaborative's own leadership and settings
pages come last (``TRAILING``), whatever the areas append in between.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from django.urls import NoReverseMatch, reverse

from bsc import tenancy
from collaboratives.permissions import (
    CONFIGURE_COLLABORATIVE,
    REVIEW_REPORTS,
    VIEW_APPLICATIONS,
    VIEW_COLLABORATIVE,
)


class Area(NamedTuple):
    label: str
    url_name: str
    required_permission: str | None


# Other areas: append your entry, e.g.
#   Area("Calendar", "calendar", VIEW_COLLABORATIVE),
# or a plain tuple ("Calendar", "calendar", VIEW_COLLABORATIVE).
AREAS: list[Area | tuple[str, str, str | None]] = [
    Area("Overview", "collaborative_home", VIEW_COLLABORATIVE),
    Area("Calendar", "calendar", VIEW_COLLABORATIVE),
    Area("Learning sessions", "learning_session_list", VIEW_COLLABORATIVE),
    Area("Calls", "call_list", VIEW_COLLABORATIVE),
    Area("Change package", "change_package", VIEW_COLLABORATIVE),
    Area("Pre-work", "assignment_list", VIEW_COLLABORATIVE),
    Area("Teams", "team_list", VIEW_COLLABORATIVE),
    Area("Affinity groups", "affinity_groups", VIEW_COLLABORATIVE),
    Area("Applications", "application_review", VIEW_APPLICATIONS),
    Area("Apply", "application_apply", VIEW_COLLABORATIVE),
    Area("Measures", "measure_list", VIEW_COLLABORATIVE),
    Area("Completeness", "completeness", REVIEW_REPORTS),
    Area("Run charts", "chart_board", REVIEW_REPORTS),
    Area("PDSA", "pdsa_home", VIEW_COLLABORATIVE),
    Area("Spread map", "pdsa_spread_map", REVIEW_REPORTS),
    Area("Feed", "feed", VIEW_COLLABORATIVE),
    Area("Resources", "resource_list", VIEW_COLLABORATIVE),
    Area("Progress", "progress_overview", VIEW_COLLABORATIVE),
    Area("Report", "collaborative_report", REVIEW_REPORTS),
]

TRAILING: list[Area | tuple[str, str, str | None]] = [
    Area("Leadership", "collaborative_leadership", VIEW_COLLABORATIVE),
    Area("Settings", "collaborative_settings", CONFIGURE_COLLABORATIVE),
]


@dataclass(frozen=True)
class NavLink:
    label: str
    url_name: str
    url: str
    is_active: bool = False


def _reverse(url_name: str, organization_slug: str, collaborative_slug: str) -> str | None:
    try:
        return reverse(
            url_name,
            kwargs={
                tenancy.ORG_URL_KWARG: organization_slug,
                tenancy.COLLAB_URL_KWARG: collaborative_slug,
            },
        )
    except NoReverseMatch:
        return None


def area_links(
    *, organization_slug: str, collaborative_slug: str, perms: frozenset[str] | set[str]
) -> list[tuple[str, str, str]]:
    """``(label, url_name, url)`` of every area the caller may open, in display order.

    A URL name listed twice shows once, at its first place.
    """
    links: list[tuple[str, str, str]] = []
    seen: set[str] = set()
    for entry in [*AREAS, *TRAILING]:
        label, url_name, permission = Area(*entry)
        if url_name in seen or (permission is not None and permission not in perms):
            continue
        url = _reverse(url_name, organization_slug, collaborative_slug)
        if url is None:
            continue
        seen.add(url_name)
        links.append((label, url_name, url))
    return links


def nav_links(
    *,
    organization_slug: str,
    collaborative_slug: str,
    perms: frozenset[str] | set[str],
    current_path: str,
    current_url_name: str | None = None,
) -> list[NavLink]:
    """The area links with the current one marked.

    The current area is the one whose URL is the longest prefix of the page's
    path, so a learning session's detail page marks "Learning sessions"; the
    overview (the collaborative's own address, a prefix of every page) is
    current only on itself.
    """
    links = area_links(
        organization_slug=organization_slug, collaborative_slug=collaborative_slug, perms=perms
    )
    home = _reverse("collaborative_home", organization_slug, collaborative_slug)
    active_url: str | None = None
    for _label, url_name, url in links:
        if url_name == current_url_name:
            active_url = url
            break
        if url == home:
            continue
        if current_path.startswith(url) and (active_url is None or len(url) > len(active_url)):
            active_url = url
    if active_url is None and current_path == home:
        active_url = home
    return [
        NavLink(label=label, url_name=url_name, url=url, is_active=url == active_url)
        for label, url_name, url in links
    ]
