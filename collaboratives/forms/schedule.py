"""Forms of the schedule pages. They check input; ``collaboratives.services.schedule`` writes.

Plain forms, not ModelForms: the services take the values and apply the
business rules (overlaps, the collaborative's dates), and their
``DomainError`` lands on the field it names (``add_service_error``).
Times are entered in the organization's time zone.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django import forms

from bsc.exceptions import DomainError
from collaboratives.models import CallKind
from collaboratives.services.schedule import (
    CALL_MAX_MINUTES,
    MATERIAL_MAX_BYTES,
    WEEK_NAMES,
    WEEKDAY_NAMES,
    local_datetime,
)
from teams.roles import TeamRole

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from accounts.models import Organization
    from teams.models import Team


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%H:%M")


def add_service_error(form: forms.Form, error: DomainError) -> None:
    """Show a service's refusal next to its field (or above the form)."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


KIND_CHOICES = list(CallKind.choices)
ROLE_CHOICES = [("", "—"), *TeamRole.choices]
DURATION_CHOICES = [
    (30, "30 minutes"),
    (45, "45 minutes"),
    (60, "1 hour"),
    (75, "1 hour 15 minutes"),
    (90, "1 hour 30 minutes"),
    (120, "2 hours"),
    (180, "3 hours"),
]


def _duration_choices(current: int | None = None) -> list[tuple[int, str]]:
    choices = list(DURATION_CHOICES)
    if current and current not in dict(choices):
        choices.append((current, f"{current} minutes"))
        choices.sort()
    return choices


class LearningSessionForm(forms.Form):
    number = forms.IntegerField(
        min_value=1, max_value=99, help_text="Sessions are usually numbered 1, 2, 3 in order."
    )
    title = forms.CharField(max_length=200, help_text="For example “Engaging families”.")
    start_date = forms.DateField(label="First day", widget=DateInput())
    end_date = forms.DateField(
        label="Last day",
        required=False,
        widget=DateInput(),
        help_text="Leave empty for a two-day session (the first day and the day after).",
    )
    location = forms.CharField(
        label="Place",
        max_length=300,
        required=False,
        help_text="Venue and city, for a session held in person.",
    )
    video_url = forms.URLField(
        label="Video link",
        required=False,
        assume_scheme="https",
        help_text="For a session held online, or to join from afar.",
    )
    host_team = forms.ModelChoiceField(
        label="Host team",
        queryset=None,
        required=False,
        empty_label="No host team",
        help_text="A team that hosts the session at its site (venue, meals).",
    )
    agenda = forms.CharField(widget=forms.Textarea(attrs={"rows": 8}), required=False)

    def __init__(self, *args: Any, teams: QuerySet[Team], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Set here, from the request's collaborative (django-scopes: no query at import).
        self.fields["host_team"].queryset = teams

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "The session cannot end before it starts.")
        return cleaned


class SessionMaterialForm(forms.Form):
    title = forms.CharField(
        max_length=200,
        required=False,
        help_text="What it is, for example “Slides, day 1”. The file name is used if empty.",
    )
    file = forms.FileField(
        required=False,
        help_text=(
            f"Any document (slides, PDF, worksheet), up to {MATERIAL_MAX_BYTES // 1024 // 1024} MB."
        ),
    )
    url = forms.URLField(
        label="Or a link",
        required=False,
        assume_scheme="https",
        help_text="A web address, for example a shared folder or a recording.",
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        file, url = cleaned.get("file"), cleaned.get("url")
        if self.errors:
            return cleaned
        if not file and not url:
            self.add_error("file", "Choose a file to upload or enter a link.")
        elif file and url:
            self.add_error("url", "Give either a file or a link, not both.")
        elif file and file.size > MATERIAL_MAX_BYTES:
            self.add_error(
                "file",
                f"The file is {file.size / 1024 / 1024:.1f} MB; the largest allowed is "
                f"{MATERIAL_MAX_BYTES // 1024 // 1024} MB.",
            )
        return cleaned


class ActionPeriodForm(forms.Form):
    start_date = forms.DateField(label="First day", widget=DateInput())
    end_date = forms.DateField(label="Last day", widget=DateInput())
    focus = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        help_text=(
            "What teams concentrate on in this period, for example “Test the intake changes”."
        ),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "The action period cannot end before it starts.")
        return cleaned


class _CallKindMixin(forms.Form):
    kind = forms.ChoiceField(label="Kind of call", choices=KIND_CHOICES)
    affinity_role = forms.ChoiceField(
        label="Team role (affinity-group calls)",
        choices=ROLE_CHOICES,
        required=False,
        help_text="An affinity-group call gathers the members with this role from every team.",
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("kind") == CallKind.AFFINITY and not cleaned.get("affinity_role"):
            self.add_error("affinity_role", "Choose the team role this call gathers.")
        if cleaned.get("kind") != CallKind.AFFINITY:
            cleaned["affinity_role"] = ""
        return cleaned


class CallSeriesForm(_CallKindMixin):
    title = forms.CharField(max_length=200, help_text="For example “Monthly all-team call”.")
    week_of_month = forms.TypedChoiceField(
        label="Week", coerce=int, choices=[(n, name.capitalize()) for n, name in WEEK_NAMES.items()]
    )
    weekday = forms.TypedChoiceField(
        label="Day", coerce=int, choices=list(enumerate(WEEKDAY_NAMES)), initial=1
    )
    start_time = forms.TimeField(label="Starts at", widget=TimeInput())
    duration_minutes = forms.TypedChoiceField(label="Length", coerce=int, initial=60)
    first_date = forms.DateField(label="From", widget=DateInput())
    last_date = forms.DateField(label="Until", widget=DateInput())
    video_url = forms.URLField(label="Video link", required=False, assume_scheme="https")

    field_order = [
        "title",
        "kind",
        "affinity_role",
        "week_of_month",
        "weekday",
        "start_time",
        "duration_minutes",
        "first_date",
        "last_date",
        "video_url",
    ]

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = self.initial.get("duration_minutes")
        self.fields["duration_minutes"].choices = _duration_choices(current)
        self.fields["start_time"].help_text = f"In the {organization.time_zone} time zone."

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        first, last = cleaned.get("first_date"), cleaned.get("last_date")
        if first and last and last < first:
            self.add_error("last_date", "The last date cannot be before the first date.")
        return cleaned


class CallForm(_CallKindMixin):
    """A one-off call, or one call of a series. Date and time in the organization's zone."""

    title = forms.CharField(max_length=200)
    date = forms.DateField(widget=DateInput())
    start_time = forms.TimeField(label="Starts at", widget=TimeInput())
    duration_minutes = forms.IntegerField(
        label="Length in minutes", min_value=5, max_value=CALL_MAX_MINUTES, initial=60
    )
    video_url = forms.URLField(label="Video link", required=False, assume_scheme="https")
    notes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="The agenda, a dial-in number, who presents.",
    )

    field_order = [
        "title",
        "kind",
        "affinity_role",
        "date",
        "start_time",
        "duration_minutes",
        "video_url",
        "notes",
    ]

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.fields["start_time"].help_text = f"In the {organization.time_zone} time zone."

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        day, at, minutes = (
            cleaned.get("date"),
            cleaned.get("start_time"),
            cleaned.get("duration_minutes"),
        )
        if day and at and minutes:
            starts_at = local_datetime(day, at, self.organization)
            cleaned["starts_at"] = starts_at
            cleaned["ends_at"] = starts_at + datetime.timedelta(minutes=minutes)
        return cleaned


class AttendanceForm(forms.Form):
    """One checkbox per expected member; the template groups them by team."""

    members = forms.TypedMultipleChoiceField(
        coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, member_ids: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["members"].choices = [(pk, str(pk)) for pk in member_ids]
        self.fields["members"].error_messages["invalid_choice"] = (
            "Someone chosen is not expected on this call; reload the page and try again."
        )
