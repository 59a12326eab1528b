"""``{% collaborative_nav %}``: the sub-navigation of a collaborative (see its navigation.py)."""

from __future__ import annotations

from typing import Any

from django import template

from collaboratives.navigation import nav_links

register = template.Library()


@register.inclusion_tag("collaboratives/_nav_links.html", takes_context=True)
def collaborative_nav(context: template.Context) -> dict[str, Any]:
    request = context.get("request")
    organization = getattr(request, "organization", None)
    collaborative = getattr(request, "collaborative", None)
    if request is None or organization is None or collaborative is None:
        return {"links": []}
    match = getattr(request, "resolver_match", None)
    return {
        "links": nav_links(
            organization_slug=organization.slug,
            collaborative_slug=collaborative.slug,
            perms=getattr(request, "perms", frozenset()),
            current_path=request.path,
            current_url_name=match.url_name if match else None,
        ),
        "collaborative": collaborative,
    }
