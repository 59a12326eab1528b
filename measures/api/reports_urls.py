"""API routes: filled in by this area's viewsets."""

from __future__ import annotations

urlpatterns: list = []
