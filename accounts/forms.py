"""Forms for the accounts pages. They validate input; ``accounts.services`` writes."""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm

from accounts.models import ApiToken, Invitation, Organization, Role, User, time_zone_choices
from accounts.selectors import AUDIT_AREAS
from accounts.tasks import send_password_reset_email


def _helper(submit_label: str, *, action: str = "") -> FormHelper:
    """A POST form with one submit button; ``action`` for forms shown on another view's page."""
    helper = FormHelper()
    helper.form_method = "post"
    helper.form_action = action
    helper.add_input(Submit("submit", submit_label))
    return helper


class EmailAuthenticationForm(AuthenticationForm):
    """Sign-in by e-mail address.

    The field keeps the name ``username``: django-axes counts failed attempts by it.
    """

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": (
            "That e-mail address and password do not match an account. "
            "Check both and try again; passwords are case-sensitive."
        ),
        "inactive": "This account has been switched off. Ask your organization's admin.",
    }

    def __init__(self, request: Any = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(request, *args, **kwargs)
        self.fields["username"] = forms.EmailField(
            label="E-mail address",
            max_length=254,
            widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
        )
        self.fields["password"].widget.attrs["autocomplete"] = "current-password"
        self.helper = _helper("Sign in")


class QueuedPasswordResetForm(PasswordResetForm):
    """Queue the reset e-mail for a worker instead of sending it inside the request.

    The page says the same thing whether or not the address has an account, so
    it cannot be used to find out who has one.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "E-mail address"
        self.helper = _helper("Send me a reset link")

    def save(self, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        for user in self.get_users(self.cleaned_data["email"]):
            # On commit: the worker must never run before the request's transaction ends.
            send_password_reset_email.delay_on_commit(user_id=user.pk)

    def send_mail(self, *args: Any, **kwargs: Any) -> None:
        raise NotImplementedError("Reset e-mails are sent by accounts.tasks, never inline.")


# Plain forms, not ModelForms, where a service writes: a ModelForm changes its
# instance while validating, so the service would no longer see the old values
# it records in the audit log.


class ProfileForm(forms.Form):
    full_name = forms.CharField(
        label="Full name",
        max_length=150,
        required=False,
        help_text="Shown to the other members of your organizations.",
    )
    receive_digests = forms.BooleanField(
        label="Send me the weekly digest",
        required=False,
        help_text="On Mondays, faculty, chairs and staff of a collaborative get a summary of "
        "the reports that came in and the ones that are late. Reminders about your team's "
        "own reports are always sent.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["full_name"].widget.attrs["autocomplete"] = "name"
        self.helper = _helper("Save profile")


class InvitationSignupForm(forms.Form):
    """A new account for an invited person. The e-mail address comes from the invitation."""

    full_name = forms.CharField(label="Full name", max_length=150)
    password1 = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label="Password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="Type the same password again, to catch typing mistakes.",
    )

    def __init__(self, *args: Any, invitation: Invitation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.invitation = invitation
        self.fields["full_name"].widget.attrs["autocomplete"] = "name"
        self.helper = _helper("Create account and join")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", "The two passwords are different.")
        elif password1:
            # Validators such as "too similar to your e-mail" need a user to compare with.
            candidate = User(email=self.invitation.email, full_name=cleaned.get("full_name", ""))
            try:
                password_validation.validate_password(password1, user=candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class InviteForm(forms.Form):
    email = forms.EmailField(
        label="E-mail address",
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    role = forms.ChoiceField(
        label="Role",
        choices=Role.choices,
        initial=Role.MEMBER,
        help_text="Admins can invite and remove members and change settings.",
    )

    def __init__(self, *args: Any, action: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper("Send invitation", action=action)


class MemberRoleForm(forms.Form):
    """One per row of the member table, so ``auto_id`` must be unique per member."""

    role = forms.ChoiceField(
        label="Role",
        choices=Role.choices,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label="Token name",
        max_length=ApiToken._meta.get_field("name").max_length,
        help_text="What the token is for, for example “Monthly export from our EHR”.",
    )

    def __init__(self, *args: Any, action: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["autocomplete"] = "off"
        self.helper = _helper("Create token", action=action)


class OrganizationSettingsForm(forms.Form):
    name = forms.CharField(
        label="Organization name", max_length=Organization._meta.get_field("name").max_length
    )
    time_zone = forms.ChoiceField(
        label="Time zone",
        help_text="Deadlines, reminders and the audit log follow this time zone.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Built per form: the zone list comes from the system's tz database.
        self.fields["time_zone"].choices = time_zone_choices()
        self.helper = _helper("Save settings")


class AuditFilterForm(forms.Form):
    """``?action=<prefix>`` narrows the log to one area, e.g. ``bsc.member``."""

    action = forms.ChoiceField(
        label="Show", required=False, widget=forms.Select(attrs={"class": "form-select"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", "All activity")] + [
            (key, label) for key, (label, _prefixes) in AUDIT_AREAS.items()
        ]
