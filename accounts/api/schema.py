"""OpenAPI descriptions drf-spectacular cannot work out alone.

``accounts.api.urls`` imports this module, so the extension is registered
before any schema is generated (by the view or ``manage.py spectacular``).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        scheme = build_bearer_security_scheme_object(
            header_name="Authorization", token_prefix="Bearer"
        )
        scheme["description"] = (
            "A personal API token, made on your organization's token page. It acts as "
            "you, inside the one organization it was made for."
        )
        return scheme
