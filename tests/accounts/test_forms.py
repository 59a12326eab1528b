"""The accounts forms on their own: labels, validation, and the queued reset e-mail."""

from __future__ import annotations

import pytest
from django.core import mail

from accounts.forms import (
    AuditFilterForm,
    EmailAuthenticationForm,
    InvitationSignupForm,
    InviteForm,
    MemberRoleForm,
    OrganizationSettingsForm,
    QueuedPasswordResetForm,
    TokenCreateForm,
)
from accounts.models import Role
from tests.factories import InvitationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_it_labels_the_sign_in_field_as_email_but_keeps_its_name():
    form = EmailAuthenticationForm()

    assert "username" in form.fields
    assert form.fields["username"].label == "E-mail address"
    assert form.fields["username"].widget.input_type == "email"


def test_it_queues_one_reset_email_per_matching_active_user(
    django_capture_on_commit_callbacks,
):
    UserFactory(email="someone@example.org")
    form = QueuedPasswordResetForm({"email": "SOMEONE@example.org"})
    assert form.is_valid()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        form.save(domain_override="ignored", request=None)

    assert len(callbacks) == 1
    assert [message.to for message in mail.outbox] == [["someone@example.org"]]


def test_it_never_sends_reset_mail_inline():
    with pytest.raises(NotImplementedError):
        QueuedPasswordResetForm().send_mail("subject", "body", {}, "from", "to")


def test_it_accepts_a_good_signup():
    invitation = InvitationFactory(email="new@example.org")
    form = InvitationSignupForm(
        {
            "full_name": "New Person",
            "password1": "plenty long phrase",
            "password2": "plenty long phrase",
        },
        invitation=invitation,
    )

    assert form.is_valid(), form.errors


def test_it_runs_the_password_validators_on_signup():
    invitation = InvitationFactory(email="new@example.org")
    form = InvitationSignupForm(
        {"full_name": "New Person", "password1": "password", "password2": "password"},
        invitation=invitation,
    )

    assert not form.is_valid()
    assert any("too common" in error for error in form.errors["password1"])


def test_it_requires_matching_passwords_on_signup():
    invitation = InvitationFactory(email="new@example.org")
    form = InvitationSignupForm(
        {"full_name": "New", "password1": "plenty long phrase", "password2": "plenty long phrase!"},
        invitation=invitation,
    )

    assert not form.is_valid()
    assert form.errors["password2"] == ["The two passwords are different."]


def test_it_offers_the_two_roles_for_invitations():
    form = InviteForm()

    assert [value for value, _label in form.fields["role"].choices] == [Role.ADMIN, Role.MEMBER]
    assert form.fields["role"].initial == Role.MEMBER


def test_it_posts_the_invite_form_to_the_given_address():
    assert InviteForm(action="/orgs/x/members/invite/").helper.form_action == (
        "/orgs/x/members/invite/"
    )


def test_it_rejects_an_unknown_role():
    assert not MemberRoleForm({"role": "owner"}).is_valid()


def test_it_requires_a_token_name():
    assert not TokenCreateForm({"name": "  "}).is_valid()


def test_it_offers_the_known_time_zones():
    form = OrganizationSettingsForm({"name": "Network", "time_zone": "Europe/Berlin"})

    assert form.is_valid(), form.errors
    assert ("America/New_York", "America/New York") in form.fields["time_zone"].choices
    assert not OrganizationSettingsForm({"name": "Network", "time_zone": "Nowhere"}).is_valid()


def test_it_filters_the_audit_log_by_known_areas_only():
    assert AuditFilterForm({"action": "bsc.token"}).is_valid()
    assert not AuditFilterForm({"action": "bsc.secret"}).is_valid()
