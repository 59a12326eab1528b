"""Forms of the application pages. They check the shape of the input; the services decide.

The apply form is built from the collaborative's window: one text field per
question and one 1-to-max radio group per readiness statement, beside the
team's details; the proposed roster is a formset of people.
"""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms

from teams.models import ApplicationWindow, TeamRole
from teams.services.applications import MAX_MAX_SCORE, MIN_MAX_SCORE

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def _helper(submit_label: str, *, action: str = "") -> FormHelper:
    helper = FormHelper()
    helper.form_method = "post"
    helper.form_action = action
    helper.add_input(Submit("submit", submit_label))
    return helper


class DateTimeLocalInput(forms.DateTimeInput):
    """The browser's date-and-time picker; read in the organization's time zone."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format=DATETIME_FORMAT)


class ApplicationWindowForm(forms.Form):
    opens_at = forms.DateTimeField(
        label="Applications open",
        widget=DateTimeLocalInput(),
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
    )
    closes_at = forms.DateTimeField(
        label="Applications close",
        widget=DateTimeLocalInput(),
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        help_text="Applications are refused from this moment on.",
    )
    instructions = forms.CharField(
        label="Instructions for applicants",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Shown at the top of the application form: who should apply and how teams "
        "are selected.",
    )

    def __init__(self, *args: Any, time_zone: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if time_zone:
            for name in ("opens_at", "closes_at"):
                self.fields[name].help_text = " ".join(
                    filter(None, [self.fields[name].help_text, f"Time in {time_zone}."])
                )
        self.helper = _helper("Save the application window")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        opens_at, closes_at = cleaned.get("opens_at"), cleaned.get("closes_at")
        if opens_at and closes_at and closes_at <= opens_at:
            self.add_error(
                "closes_at",
                "Applications must close after they open: choose a later closing time.",
            )
        return cleaned


class ApplicationQuestionForm(forms.Form):
    text = forms.CharField(label="Question", max_length=500)
    help_text = forms.CharField(
        label="Help text",
        max_length=500,
        required=False,
        help_text="Optional: what a good answer covers, shown under the question.",
    )
    is_required = forms.BooleanField(label="Applicants must answer it", required=False)

    def __init__(self, *args: Any, submit_label: str = "Add question", action: str = "", **kwargs):
        kwargs.setdefault("initial", {"is_required": True})
        super().__init__(*args, **kwargs)
        self.helper = _helper(submit_label, action=action)


class ReadinessItemForm(forms.Form):
    statement = forms.CharField(
        label="Statement",
        max_length=500,
        help_text="Applicants score how true it is of their team, e.g. “Leaders give staff "
        "protected time for improvement work”.",
    )
    max_score = forms.IntegerField(
        label="Highest score",
        min_value=MIN_MAX_SCORE,
        max_value=MAX_MAX_SCORE,
        initial=5,
        help_text=f"Applicants choose from 1 to this number ({MIN_MAX_SCORE} to {MAX_MAX_SCORE}).",
    )

    def __init__(self, *args: Any, submit_label: str = "Add statement", action: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(submit_label, action=action)


class InviteApplicantForm(forms.Form):
    email = forms.EmailField(
        label="E-mail address",
        help_text="We e-mail them the link to the application form. Someone without an account "
        "here is also invited to join the organization, which they need to apply.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs["autocomplete"] = "off"
        self.helper = _helper("Send the invitation")


class DecisionForm(forms.Form):
    note = forms.CharField(
        label="Note to the applicant",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Optional. It is included in the e-mail that tells them the decision.",
    )


MEMBER_SITE_CHOICES = [("yes", "Yes"), ("no", "No")]


class ApplicationForm(forms.Form):
    """The team's details, the answers to the window's questions and the readiness scores."""

    team_name = forms.CharField(
        label="Team name",
        max_length=200,
        help_text="How the team is named in the collaborative, e.g. the clinic and its town.",
    )
    site_name = forms.CharField(
        label="Site or organization name",
        max_length=200,
        required=False,
        help_text="The agency or clinic the team works in.",
    )
    is_member_site = forms.TypedChoiceField(
        label="Is the site a member site of the sponsor?",
        choices=MEMBER_SITE_CHOICES,
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        initial="yes",
        help_text="Non-member organizations may join as partners.",
    )

    def __init__(self, *args: Any, window: ApplicationWindow, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.window = window
        self.fields["team_name"].widget.attrs["autocomplete"] = "organization"
        self.question_fields: list[str] = []
        self.score_fields: list[str] = []
        for question in window.questions.all():
            name = f"question_{question.pk}"
            self.fields[name] = forms.CharField(
                label=question.text,
                help_text=question.help_text,
                required=question.is_required,
                max_length=10000,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
            self.question_fields.append(name)
        for item in window.readiness_items.all():
            name = f"score_{item.pk}"
            self.fields[name] = forms.TypedChoiceField(
                label=item.statement,
                choices=[(str(n), str(n)) for n in range(1, item.max_score + 1)],
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": f"Choose a score from 1 to {item.max_score}."},
            )
            self.fields[name].max_score = item.max_score  # type: ignore[attr-defined]
            self.score_fields.append(name)

    def questions(self) -> list[forms.BoundField]:
        return [self[name] for name in self.question_fields]

    def scores(self) -> list[forms.BoundField]:
        return [self[name] for name in self.score_fields]

    def answers(self) -> dict[str, str]:
        return {
            name.removeprefix("question_"): self.cleaned_data.get(name) or ""
            for name in self.question_fields
        }

    def readiness(self) -> dict[str, int]:
        return {name.removeprefix("score_"): self.cleaned_data[name] for name in self.score_fields}


class RosterMemberForm(forms.Form):
    """One person on the proposed team. An untouched extra row is left out."""

    full_name = forms.CharField(label="Full name", max_length=150)
    email = forms.EmailField(label="E-mail address", required=False)
    phone = forms.CharField(label="Phone", max_length=40, required=False)
    job_title = forms.CharField(label="Job title", max_length=150, required=False)
    roles = forms.MultipleChoiceField(
        label="Team roles",
        choices=TeamRole.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one team role."},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["full_name"].widget.attrs["autocomplete"] = "off"
        self.fields["email"].widget.attrs["autocomplete"] = "off"
        self.fields["phone"].widget.attrs.update({"autocomplete": "off", "type": "tel"})

    def person(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "full_name": data["full_name"],
            "email": data.get("email") or "",
            "phone": data.get("phone") or "",
            "job_title": data.get("job_title") or "",
            "roles": list(data.get("roles") or []),
        }


class BaseRosterFormSet(forms.BaseFormSet):
    def initial_form_count(self) -> int:
        # Every row may be left empty, the applicant's pre-filled one too: once
        # bound, no row counts as an "initial" row that must be filled in.
        return 0 if self.is_bound else super().initial_form_count()

    def clean(self) -> None:
        if any(self.errors):
            return
        people = [form for form in self.forms if form.cleaned_data]
        if not people:
            raise forms.ValidationError("Add at least one person to the proposed team.")
        seen: dict[str, int] = {}
        for number, form in enumerate(people, start=1):
            email = (form.cleaned_data.get("email") or "").lower()
            if not email:
                continue
            if email in seen:
                form.add_error(
                    "email",
                    f"{email} is already given for person {seen[email]}; each person needs "
                    "their own e-mail address.",
                )
            seen.setdefault(email, number)

    def people(self) -> list[dict[str, Any]]:
        return [form.person() for form in self.forms if form.cleaned_data]


ROSTER_PREFIX = "people"
RosterFormSet = forms.formset_factory(
    RosterMemberForm,
    formset=BaseRosterFormSet,
    extra=2,
    max_num=60,
    validate_max=True,
    absolute_max=60,
)


def roster_roles(formset: BaseRosterFormSet) -> list[list[str]]:
    """The roles of each filled-in row, valid or not yet: what the composition check needs."""
    roles: list[list[str]] = []
    for form in formset.forms:
        values = {name: form[name].value() for name in ("full_name", "email", "roles")}
        if not (values["full_name"] or values["email"] or values["roles"]):
            continue
        chosen = values["roles"] or []
        roles.append([role for role in chosen if role in TeamRole.values])
    return roles


def as_initial(form: forms.Form) -> dict[str, Any]:
    """What a bound form holds, as initial values: re-show input without error messages."""
    return {name: form[name].value() for name in form.fields}
