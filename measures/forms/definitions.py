"""Forms of the measure pages. They read input; ``services.definitions`` decides."""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms

from measures.models import Measure
from measures.models.measures import ChartType, Direction, MeasureShape, MeasureType


def _helper(submit_label: str) -> FormHelper:
    helper = FormHelper()
    helper.form_method = "post"
    helper.add_input(Submit("submit", submit_label))
    return helper


def _max(field: str) -> int:
    return Measure._meta.get_field(field).max_length


class MeasureForm(forms.Form):
    name = forms.CharField(
        max_length=_max("name"), help_text="e.g. “Children seen within 14 days”."
    )
    code = forms.SlugField(
        label="Short code",
        max_length=_max("code"),
        help_text="Letters, digits and dashes, unique in the collaborative; used in spreadsheets.",
    )
    measure_type = forms.ChoiceField(label="Type", choices=MeasureType.choices)
    shape = forms.ChoiceField(label="How it is counted", choices=MeasureShape.choices)
    unit = forms.CharField(
        required=False, max_length=_max("unit"), help_text="e.g. days, children, %."
    )
    rate_per = forms.IntegerField(
        label="Rate per",
        required=False,
        min_value=1,
        help_text="Only for a rate: e.g. 1000 for a rate per 1,000 patient days.",
    )
    definition = forms.CharField(
        label="Operational definition",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Exactly what counts, so every team counts the same way.",
    )
    guidance = forms.CharField(
        label="Data-collection guidance",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Where the numbers come from and who collects them.",
    )
    numerator_label = forms.CharField(
        required=False,
        max_length=_max("numerator_label"),
        help_text="For a percentage or rate: what the numerator counts.",
    )
    denominator_label = forms.CharField(
        required=False,
        max_length=_max("denominator_label"),
        help_text="For a percentage or rate: what the denominator counts.",
    )
    direction = forms.ChoiceField(label="Direction of improvement", choices=Direction.choices)
    goal = forms.DecimalField(
        label="Collaborative goal",
        required=False,
        max_digits=14,
        decimal_places=4,
        min_value=0,
        help_text="In the measure's own unit (a percentage as e.g. 80).",
    )
    is_required = forms.BooleanField(
        label="Every team must report this measure", required=False, initial=True
    )
    default_chart = forms.ChoiceField(
        choices=ChartType.choices,
        help_text="A run chart, or the control chart that fits how the measure is counted.",
    )

    def __init__(self, *args: Any, submit_label: str = "Save measure", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(submit_label)

    @classmethod
    def initial_for(cls, measure: Measure) -> dict[str, Any]:
        return {name: getattr(measure, name) for name in cls.base_fields}


class TeamGoalForm(forms.Form):
    team = forms.TypedChoiceField(coerce=int, label="Team")
    goal = forms.DecimalField(max_digits=14, decimal_places=4, min_value=0, label="Goal")

    def __init__(self, *args: Any, teams: list, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.teams = {team.pk: team for team in teams}
        self.fields["team"].choices = [(team.pk, team.name) for team in teams]

    def clean_team(self) -> Any:
        return self.teams[self.cleaned_data["team"]]


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", "Up"), ("down", "Down")])
