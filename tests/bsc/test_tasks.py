"""Tenant tasks enter their organization's scope themselves."""

from __future__ import annotations

import pytest
from celery import shared_task

from accounts.models import Membership
from bsc.tasks import TenantTask


@shared_task(base=TenantTask)
def count_members(*, organization_id: int) -> int:
    return Membership.objects.count()


@pytest.mark.django_db
def test_a_tenant_task_sees_only_its_organizations_rows(org_a, org_b, alice, bob, carol):
    assert count_members.delay(organization_id=org_a.pk).get() == 2
    assert count_members.delay(organization_id=org_b.pk).get() == 1


def test_a_tenant_task_refuses_to_run_without_an_organization():
    with pytest.raises(TypeError, match="organization_id"):
        count_members.delay()
