"""Every factory builds a saved row whose organization matches its parents'."""

from __future__ import annotations

import factory
import pytest
from django_scopes import scopes_disabled

from tests import factories

FACTORIES = [
    value
    for value in vars(factories).values()
    if isinstance(value, type)
    and issubclass(value, factory.django.DjangoModelFactory)
    and value is not factory.django.DjangoModelFactory
]
PARENTS = [
    "collaborative",
    "team",
    "session",
    "window",
    "application",
    "assignment",
    "call",
    "measure",
    "report",
    "value",
]


@pytest.mark.django_db
@pytest.mark.parametrize("model_factory", FACTORIES, ids=lambda f: f.__name__)
def test_each_factory_keeps_the_organization_consistent(model_factory):
    with scopes_disabled():
        obj = model_factory()
        assert obj.pk is not None
        for parent in PARENTS:
            related = getattr(obj, parent, None) if hasattr(obj, f"{parent}_id") else None
            if related is not None:
                assert obj.organization_id == related.organization_id, parent
