"""Forms of the team pages. They check the input's shape; ``teams.services.teams`` writes.

Plain forms rather than ModelForms: a ModelForm changes its instance while
validating, and the service must see the old values to record the change.
"""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms

from bsc.exceptions import DomainError
from teams.models import TeamStatus
from teams.roles import TeamRole


class SecondarySubmit(Submit):
    field_classes = "btn btn-outline-primary"


def _helper(submit_label: str) -> FormHelper:
    helper = FormHelper()
    helper.form_method = "post"
    helper.add_input(Submit("submit", submit_label))
    return helper


class DomainErrorFormMixin:
    """Show a service's ``DomainError`` on the field it names, or above the form."""

    def add_domain_error(self, error: DomainError) -> None:
        field = error.field if error.field in self.fields else None  # type: ignore[attr-defined]
        self.add_error(field, error.message)  # type: ignore[attr-defined]


class TeamForm(DomainErrorFormMixin, forms.Form):
    name = forms.CharField(label="Team name", max_length=200)
    site_name = forms.CharField(
        label="Site or organization name",
        max_length=200,
        required=False,
        help_text="The agency or clinic the team comes from.",
    )
    is_member_site = forms.BooleanField(
        label="Member site of the sponsor",
        required=False,
        initial=True,
        help_text="Leave unticked for a non-member organization joining as a partner.",
    )
    status = forms.ChoiceField(
        label="Status",
        choices=TeamStatus.choices,
        initial=TeamStatus.ACTIVE,
        help_text="Applicant while selection is open; withdrawn once the team leaves.",
    )

    def __init__(self, *args: Any, submit_label: str = "Save team", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["autocomplete"] = "off"
        self.fields["site_name"].widget.attrs["autocomplete"] = "organization"
        self.helper = _helper(submit_label)


class TeamMemberForm(DomainErrorFormMixin, forms.Form):
    full_name = forms.CharField(label="Full name", max_length=150)
    email = forms.EmailField(
        label="E-mail address",
        required=False,
        help_text="Used to link their account, or to invite them to the platform.",
    )
    phone = forms.CharField(label="Phone", max_length=40, required=False)
    job_title = forms.CharField(label="Job title", max_length=150, required=False)
    roles = forms.MultipleChoiceField(
        label="Team roles",
        choices=TeamRole.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Choose every role this person has on the team.",
        error_messages={"required": "Choose at least one role for this member."},
    )

    def __init__(
        self, *args: Any, submit_label: str = "Save member", adding: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["full_name"].widget.attrs["autocomplete"] = "off"
        self.fields["email"].widget.attrs["autocomplete"] = "off"
        self.fields["phone"].widget = forms.TextInput(attrs={"type": "tel", "autocomplete": "off"})
        self.fields["job_title"].widget.attrs["autocomplete"] = "off"
        self.helper = _helper(submit_label)
        if adding:
            # Entering a whole roster is quicker without a trip back to the team page each time.
            self.fields["invite"] = forms.BooleanField(
                label="Invite them to the platform",
                required=False,
                help_text=(
                    "If they have no account here yet, we e-mail them an invitation to join. "
                    "Someone who already belongs to the organization is linked at once, "
                    "without an e-mail."
                ),
            )
            self.helper.add_input(SecondarySubmit("add_another", "Add and add another"))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("invite") and not cleaned.get("email") and "email" not in self.errors:
            self.add_error("email", "Add an e-mail address to send the invitation to.")
        return cleaned
