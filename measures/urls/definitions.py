"""Routes: filled in by this area's views."""

from __future__ import annotations

urlpatterns: list = []
