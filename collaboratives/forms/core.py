"""Forms of the collaborative pages. They check input; ``collaboratives.services.core`` writes.

Plain forms, not ModelForms: a ModelForm changes its instance while
validating, and the service needs the saved values to record what changed.
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.forms import formset_factory
from django.utils.text import slugify

from collaboratives.models import (
    DataSharing,
    Kind,
    LeadershipRole,
    RunChartRules,
    Status,
)
from collaboratives.models.core import KIND_DEFAULTS
from collaboratives.services.core import MAX_LEADERSHIP_COUNT, MAX_TEAM_COUNT, MAX_TEAM_SIZE
from teams.roles import TeamRole

ROLE_FIELD_PREFIX = "role_"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def role_field_name(role: str) -> str:
    return f"{ROLE_FIELD_PREFIX}{role}"


def kind_defaults_for_form() -> dict[str, dict[str, int]]:
    """The kind defaults keyed by form field name, for the page's script (json_script)."""
    result: dict[str, dict[str, int]] = {}
    for kind, defaults in KIND_DEFAULTS.items():
        values: dict[str, int] = {}
        for key, value in defaults.items():
            if key == "required_roles":
                continue
            values[key] = int(value)  # type: ignore[call-overload]
        roles: dict[str, int] = dict(defaults["required_roles"])  # type: ignore[call-overload]
        for role in TeamRole.values:
            values[role_field_name(role)] = int(roles.get(role, 0))
        result[str(kind)] = values
    return result


def _whole(label: str, low: int, high: int, help_text: str = "") -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=low, max_value=high, help_text=help_text)


class CollaborativeForm(forms.Form):
    """Create (``creating=True``, with the slug) or edit a collaborative's settings."""

    name = forms.CharField(max_length=200)
    slug = forms.SlugField(
        label="Web address name",
        max_length=60,
        required=False,
        help_text=(
            "Lowercase letters, digits and hyphens, for example tf-cbt-2027. Suggested from the "
            "name if left empty; it cannot be changed later."
        ),
    )
    kind = forms.ChoiceField(
        choices=Kind.choices,
        help_text="The kind fills in the usual team and leadership numbers below; change any.",
    )
    topic = forms.CharField(max_length=200, required=False)
    status = forms.ChoiceField(choices=Status.choices)
    aim_statement = forms.CharField(
        label="Aim statement",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What the teams will accomplish, by how much and by when.",
    )
    aim_target_date = forms.DateField(label="Aim target date", required=False, widget=DateInput())
    prework_start_date = forms.DateField(
        label="Pre-work starts",
        required=False,
        widget=DateInput(),
        help_text="Pre-work runs until the first learning session.",
    )
    start_date = forms.DateField(label="Start date", widget=DateInput())
    end_date = forms.DateField(label="End date", widget=DateInput())
    target_team_count = _whole("Number of teams", 1, MAX_TEAM_COUNT)
    min_team_size = _whole("Smallest team size", 1, MAX_TEAM_SIZE, "Members per team, at least.")
    max_team_size = _whole("Largest team size", 1, MAX_TEAM_SIZE, "Members per team, at most.")
    chair_count = _whole("Chairs", 0, MAX_LEADERSHIP_COUNT)
    faculty_count = _whole("Faculty", 0, MAX_LEADERSHIP_COUNT)
    data_sharing = forms.ChoiceField(
        label="Data sharing between teams", choices=DataSharing.choices, widget=forms.RadioSelect
    )
    run_chart_rules = forms.ChoiceField(
        label="Run-chart rules",
        choices=RunChartRules.choices,
        help_text="How the run charts find signals of improvement.",
    )
    report_due_day = _whole(
        "Monthly report due day",
        1,
        28,
        "Each month's report is due on this day of the following month.",
    )
    reminder_days_before = _whole(
        "First reminder, days before the due date", 0, 28, "0 sends no early reminder."
    )
    overdue_reminder_count = _whole(
        "Weekly reminders after the due date, at most", 0, 10, "0 sends none."
    )
    escalation_after_days = _whole(
        "Days overdue before the senior leader and faculty get a copy", 0, 90
    )

    def __init__(self, *args: Any, creating: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.creating = creating
        if not creating:
            del self.fields["slug"]
        for role in TeamRole:
            self.fields[role_field_name(role.value)] = forms.IntegerField(
                label=str(role.label),
                min_value=0,
                max_value=MAX_TEAM_SIZE,
                initial=0,
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )
        # Numbers the kind pre-fills: the page's script updates them when the kind
        # changes, unless the user has edited them.
        for name in self.kind_default_field_names():
            self.fields[name].widget.attrs["data-kind-default"] = name
        for name, field in self.fields.items():
            if isinstance(field, forms.IntegerField) and not name.startswith(ROLE_FIELD_PREFIX):
                field.widget.attrs.setdefault("inputmode", "numeric")
        self.fields["name"].widget.attrs["autocomplete"] = "off"
        if creating:
            self.fields["name"].widget.attrs["data-slug-source"] = "#id_slug"
            self.fields["slug"].widget.attrs["data-slug-target"] = "true"

    @staticmethod
    def kind_default_field_names() -> list[str]:
        names = [key for key in KIND_DEFAULTS[Kind.NATIONAL] if key != "required_roles"]
        return names + [role_field_name(role) for role in TeamRole.values]

    @classmethod
    def initial_for_kind(cls, kind: str) -> dict[str, Any]:
        return dict(kind_defaults_for_form()[kind])

    @classmethod
    def initial_from(cls, collaborative: Any) -> dict[str, Any]:
        initial = {
            name: getattr(collaborative, name)
            for name in (
                "name",
                "kind",
                "topic",
                "status",
                "aim_statement",
                "aim_target_date",
                "prework_start_date",
                "start_date",
                "end_date",
                "target_team_count",
                "min_team_size",
                "max_team_size",
                "chair_count",
                "faculty_count",
                "data_sharing",
                "run_chart_rules",
                "report_due_day",
                "reminder_days_before",
                "overdue_reminder_count",
                "escalation_after_days",
            )
        }
        roles = collaborative.required_roles or {}
        for role in TeamRole.values:
            initial[role_field_name(role)] = int(roles.get(role, 0) or 0)
        return initial

    def role_fields(self) -> list[forms.BoundField]:
        return [self[role_field_name(role)] for role in TeamRole.values]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.creating and not data.get("slug") and data.get("name"):
            suggested = slugify(data["name"])[:60].strip("-")
            if suggested:
                data["slug"] = suggested
            else:
                self.add_error("slug", "Give a web address name: letters, digits and hyphens.")
        start: datetime.date | None = data.get("start_date")
        end: datetime.date | None = data.get("end_date")
        prework: datetime.date | None = data.get("prework_start_date")
        if start and end and end <= start:
            self.add_error("end_date", "The end date must be after the start date.")
        if start and prework and prework >= start:
            self.add_error(
                "prework_start_date", "Pre-work must start before the collaborative starts."
            )
        low, high = data.get("min_team_size"), data.get("max_team_size")
        if low is not None and high is not None and high < low:
            self.add_error("max_team_size", "The largest team size cannot be below the smallest.")
        return data

    def required_roles(self) -> dict[str, int]:
        return {
            role: self.cleaned_data[role_field_name(role)]
            for role in TeamRole.values
            if self.cleaned_data.get(role_field_name(role))
        }

    def settings_data(self) -> dict[str, Any]:
        """The cleaned values as ``collaborative_create`` / ``collaborative_update`` take them."""
        data = {
            key: value
            for key, value in self.cleaned_data.items()
            if not key.startswith(ROLE_FIELD_PREFIX) and key != "slug"
        }
        data["required_roles"] = self.required_roles()
        return data


class GoalForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    description = forms.CharField(
        max_length=300, required=False, help_text="e.g. Children who complete treatment"
    )
    baseline = forms.DecimalField(
        max_digits=12, decimal_places=3, required=False, help_text="Where teams start."
    )
    target = forms.DecimalField(
        max_digits=12, decimal_places=3, required=False, help_text="Where they aim to get."
    )
    unit = forms.CharField(max_length=40, required=False, help_text="e.g. %, days, per month")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.cleaned_data.get("DELETE"):
            return data
        filled = any(
            data.get(name) not in (None, "") for name in ("description", "baseline", "unit")
        ) or (data.get("target") is not None)
        if filled:
            if not (data.get("description") or "").strip():
                self.add_error("description", "Describe what the goal measures.")
            if data.get("target") is None:
                self.add_error("target", "Give the target as a number.")
        return data

    @property
    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not (data.get("description") or "").strip() and data.get("target") is None


class GoalFormSet(forms.BaseFormSet):
    def goals(self) -> list[dict[str, Any]]:
        """The goals to keep, in order, as ``aim_goals_set`` takes them."""
        result: list[dict[str, Any]] = []
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or form.cleaned_data.get("DELETE"):
                continue
            if form.is_blank:
                continue
            data = {
                "description": form.cleaned_data["description"].strip(),
                "baseline": form.cleaned_data.get("baseline"),
                "target": form.cleaned_data["target"],
                "unit": (form.cleaned_data.get("unit") or "").strip(),
            }
            if form.cleaned_data.get("id"):
                data["id"] = form.cleaned_data["id"]
            result.append(data)
        return result


def goal_formset(
    data: Any = None, *, initial: list[dict[str, Any]] | None = None, extra: int = 1
) -> GoalFormSet:
    formset_class = formset_factory(
        GoalForm,
        formset=GoalFormSet,
        extra=extra,
        can_delete=True,
        max_num=20,
        validate_max=True,
    )
    return formset_class(data, initial=initial, prefix="goals")


class CollaborativeFilterForm(forms.Form):
    archived = forms.BooleanField(label="Show archived collaboratives", required=False)


class LeadershipAssignForm(forms.Form):
    user = forms.TypedChoiceField(label="Member", coerce=int)
    role = forms.ChoiceField(choices=LeadershipRole.choices)

    def __init__(self, *args: Any, memberships: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Choices from the active tenant's members (django-scopes caveat: set here, not at
        # import); ``user_for`` turns the chosen id back into the user without a query.
        self.users = {membership.user.pk: membership.user for membership in memberships}
        self.fields["user"].choices = [("", "Choose a member of the organization")] + [
            (user.pk, f"{user.full_name} ({user.email})" if user.full_name else user.email)
            for user in self.users.values()
        ]

    def chosen_user(self) -> Any:
        return self.users[self.cleaned_data["user"]]


class LeadershipInviteForm(forms.Form):
    email = forms.EmailField(
        label="E-mail address",
        help_text="Someone who is not a member yet gets an invitation to the organization.",
    )
    role = forms.ChoiceField(choices=LeadershipRole.choices)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs["autocomplete"] = "off"


class CopyForm(forms.Form):
    name = forms.CharField(max_length=200, help_text="For example: TF-CBT Collaborative, wave 2.")
    slug = forms.SlugField(
        label="Web address name",
        max_length=60,
        required=False,
        help_text="Suggested from the name if left empty.",
    )
    start_date = forms.DateField(
        label="Start date of the new wave",
        widget=DateInput(),
        help_text="Every date moves by the same number of days as the start date.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["data-slug-source"] = "#id_slug"
        self.fields["slug"].widget.attrs["data-slug-target"] = "true"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("slug") and data.get("name"):
            suggested = slugify(data["name"])[:60].strip("-")
            if suggested:
                data["slug"] = suggested
            else:
                self.add_error("slug", "Give a web address name: letters, digits and hyphens.")
        return data
