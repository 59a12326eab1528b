"""The (route name, HTTP method) pairs an API URLconf serves, for the permission matrices.

Each area's matrix test compares this set with its own cases, so a new endpoint
without a row in the matrix fails the build.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.urls import URLPattern, URLResolver

IGNORED_METHODS = frozenset({"head", "options", "trace"})


def api_endpoints(patterns: list) -> Iterator[tuple[str, str]]:
    """Every ``("api:<name>", method)`` of ``patterns``: viewset actions and APIView methods."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from api_endpoints(pattern.url_patterns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            actions = getattr(pattern.callback, "actions", None)
            if actions is None:
                view = pattern.callback.view_class
                actions = {m: m for m in view.http_method_names if hasattr(view, m)}
            for method in set(actions) - IGNORED_METHODS:
                yield f"api:{pattern.name}", method
