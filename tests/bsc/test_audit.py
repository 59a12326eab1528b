"""The audit log is append-only and scoped to its organization."""

from __future__ import annotations

import pytest
from django_scopes import scope
from django_scopes.exceptions import ScopeError

from bsc.audit import AppendOnlyError, AuditEntry, log_action
from tests.factories import ApiTokenFactory, AuditEntryFactory


@pytest.mark.django_db
def test_it_refuses_to_delete_an_entry(org_a):
    entry = AuditEntryFactory(organization=org_a)
    with pytest.raises(AppendOnlyError):
        entry.delete()


@pytest.mark.django_db
def test_it_refuses_to_change_an_entry(org_a):
    entry = AuditEntryFactory(organization=org_a)
    entry.action = "something.else"
    with pytest.raises(AppendOnlyError):
        entry.save()


@pytest.mark.django_db
def test_it_refuses_bulk_deletes_and_updates(org_a):
    AuditEntryFactory(organization=org_a)
    with scope(organization=org_a):
        with pytest.raises(AppendOnlyError):
            AuditEntry.objects.all().delete()
        with pytest.raises(AppendOnlyError):
            AuditEntry.objects.all().update(action="x")


@pytest.mark.django_db
def test_it_raises_when_read_without_a_tenant_scope(org_a):
    AuditEntryFactory(organization=org_a)
    with pytest.raises(ScopeError):
        list(AuditEntry.objects.all())


@pytest.mark.django_db
def test_it_shows_only_the_active_organizations_entries(org_a, org_b):
    mine = AuditEntryFactory(organization=org_a)
    AuditEntryFactory(organization=org_b)
    with scope(organization=org_a):
        assert list(AuditEntry.objects.all()) == [mine]


@pytest.mark.django_db
def test_it_records_the_token_and_its_user_as_actor(org_a, alice):
    token = ApiTokenFactory(organization=org_a, user=alice)
    with scope(organization=org_a):
        entry = log_action(
            organization=org_a, actor=token, action="bsc.token.created", target=token
        )
    assert entry.actor == alice
    assert entry.actor_token == token
    assert entry.target_repr == str(token)


@pytest.mark.django_db
def test_it_describes_an_entry_in_plain_language(org_a):
    entry = AuditEntryFactory(
        organization=org_a,
        action="bsc.member.invited",
        data={"email": "x@example.org", "role": "member"},
    )
    assert entry.description == "invited x@example.org as member"
