"""The spread plan form: the spread questions; ``teams.services.spread_plans`` writes."""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms

from bsc.exceptions import DomainError

TEXTAREA = {"rows": 3}


class SpreadPlanForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    what = forms.CharField(
        label="What will be spread?",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text="The changes that worked in your pilot, for example reminder calls.",
    )
    to_whom = forms.CharField(
        label="To whom?",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text="The units, sites, clinicians or programmes that will take them up.",
    )
    expected_improvement = forms.CharField(
        label="What level of improvement do you expect?",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text="For example: completion at 70% across all three sites.",
    )
    target_date = forms.DateField(
        label="By when?",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    learning_transfer = forms.CharField(
        label="How will what you learned move from the pilot to the rest of the organization?",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Who teaches whom, which materials, which meetings.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "post"
        self.helper.add_input(Submit("submit", "Save the spread plan"))

    def add_domain_error(self, error: DomainError) -> None:
        field = error.field if error.field in self.fields else None
        self.add_error(field, error.message)

    def service_data(self) -> dict[str, Any]:
        return {key: value for key, value in self.cleaned_data.items() if key != "version"}
