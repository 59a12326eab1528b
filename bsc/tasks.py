"""Task base classes.

Tasks take primitive ids only. A tenant task names its organization with an
``organization_id`` keyword argument; the base class loads it (scopes off,
visibly) and runs the task body inside ``scope(organization=...)``, so the body
queries tenant data exactly as a request would.
"""

from __future__ import annotations

from typing import Any

from celery.contrib.django.task import DjangoTask
from django_scopes import scope, scopes_disabled


class TenantTask(DjangoTask):
    abstract = True

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        from accounts.models import Organization

        if "organization_id" not in kwargs:
            raise TypeError(f"{self.name} must be called with organization_id=...")
        with scopes_disabled():
            organization = Organization.objects.get(pk=kwargs["organization_id"])
        with scope(organization=organization):
            return super().__call__(*args, **kwargs)
