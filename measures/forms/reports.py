"""Forms of the monthly report pages. They gather the input; ``measures.services.reports``
checks the numbers (with ``measures.validation``) and writes.

The entry form has one group of fields per measure, named ``<code>-<field>``:
``numerator`` and ``denominator`` for a percentage or rate, ``value`` for the
other shapes, then ``not_available``, ``not_available_reason`` and ``comment``.
"""

from __future__ import annotations

from typing import Any

from django import forms

from measures.models import Measure
from measures.services.reports import MAX_UNLOCK_DAYS, NARRATIVE_FIELDS

NUMBER_ATTRS = {"inputmode": "decimal", "autocomplete": "off", "class": "form-control"}


class ReportForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    tested = forms.CharField(
        label="What we tested",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The changes you tried this month (your PDSA cycles).",
    )
    learned = forms.CharField(
        label="What we learned",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    help_needed = forms.CharField(
        label="Where we need help",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    next_steps = forms.CharField(
        label="What comes next",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    confirm_warnings = forms.BooleanField(
        label="Yes, these values are right", required=False, widget=forms.CheckboxInput
    )

    def __init__(self, *args: Any, measures: list[Measure], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.measures = measures
        for measure in measures:
            code = measure.code
            if measure.is_ratio:
                self.fields[f"{code}-numerator"] = forms.CharField(
                    label=measure.numerator_label or "Numerator",
                    required=False,
                    widget=forms.TextInput(attrs=NUMBER_ATTRS),
                )
                self.fields[f"{code}-denominator"] = forms.CharField(
                    label=measure.denominator_label or "Denominator",
                    required=False,
                    widget=forms.TextInput(attrs=NUMBER_ATTRS),
                )
            else:
                label = measure.get_shape_display()
                if measure.unit:
                    label = f"{label} ({measure.unit})"
                self.fields[f"{code}-value"] = forms.CharField(
                    label=label, required=False, widget=forms.TextInput(attrs=NUMBER_ATTRS)
                )
            self.fields[f"{code}-not_available"] = forms.BooleanField(
                label="Not available this month", required=False
            )
            self.fields[f"{code}-not_available_reason"] = forms.CharField(
                label="Why not?", required=False, max_length=300
            )
            self.fields[f"{code}-comment"] = forms.CharField(
                label="Comment", required=False, max_length=500
            )

    def measure_fields(self, measure: Measure) -> dict[str, forms.BoundField]:
        """The bound fields of one measure, by their short name."""
        prefix = f"{measure.code}-"
        return {name[len(prefix) :]: self[name] for name in self.fields if name.startswith(prefix)}

    def values_by_code(self) -> dict[str, dict[str, Any]]:
        data = self.cleaned_data
        values = {}
        for measure in self.measures:
            prefix = f"{measure.code}-"
            values[measure.code] = {
                name[len(prefix) :]: data.get(name)
                for name in self.fields
                if name.startswith(prefix)
            }
        return values

    def narrative(self) -> dict[str, str]:
        return {name: self.cleaned_data.get(name) or "" for name in NARRATIVE_FIELDS}

    def add_report_errors(self, errors: dict[str, list[str]]) -> None:
        """Put the service's ``{"<code>.<field>": [...]}`` (or ``{"<code>": [...]}``) errors
        on the fields they name."""
        by_code = {measure.code: measure for measure in self.measures}
        for key, messages in errors.items():
            code, _, field = key.partition(".")
            if not field and code in by_code:
                field = "numerator" if by_code[code].is_ratio else "value"
            name = f"{code}-{field}" if field else key
            target = name if name in self.fields else None
            for message in messages:
                self.add_error(target, message)


class ReviewForm(forms.Form):
    feedback = forms.CharField(
        label="Feedback for the team",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Needed to return the report; optional when you accept it.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class UnlockForm(forms.Form):
    days = forms.IntegerField(
        label="Unlock for how many days",
        min_value=1,
        max_value=MAX_UNLOCK_DAYS,
        initial=7,
    )
