"""Forms of the progress assessment pages. They gather input; ``teams.services.assessments``
checks the score and the month and writes."""

from __future__ import annotations

from typing import Any

from django import forms

from bsc.exceptions import DomainError
from teams.models import AssessmentScaleLevel
from teams.selectors.assessments import score_choices, score_text

TEXTAREA = {"rows": 3, "class": "form-control"}


class InvalidFieldsMixin:
    """Mark fields with errors for assistive technology: ``aria-invalid`` and a link to the
    message (``<id>-errors``, as ``_field.html`` renders it)."""

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        for name in self.errors:  # type: ignore[attr-defined]
            if name not in self.fields:  # type: ignore[attr-defined]
                continue
            widget = self.fields[name].widget  # type: ignore[attr-defined]
            widget.attrs["aria-invalid"] = "true"
            widget.attrs["aria-describedby"] = f"{self[name].auto_id}-errors"  # type: ignore[index]
            classes = widget.attrs.get("class", "")
            if "is-invalid" not in classes:
                widget.attrs["class"] = f"{classes} is-invalid".strip()

    def add_error(self, field: str | None, error: object) -> None:
        super().add_error(field, error)  # type: ignore[misc]
        if field and field in self.fields:  # type: ignore[attr-defined]
            widget = self.fields[field].widget  # type: ignore[attr-defined]
            widget.attrs["aria-invalid"] = "true"
            widget.attrs["aria-describedby"] = f"{self[field].auto_id}-errors"  # type: ignore[index]


class AssessmentForm(InvalidFieldsMixin, forms.Form):
    """A faculty score (``kind="faculty"``, with feedback for the team) or a self-score."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, initial=0)
    month = forms.CharField(widget=forms.HiddenInput)
    score = forms.ChoiceField(label="Score")
    justification = forms.CharField(
        label="Justification",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs=TEXTAREA),
    )
    comments = forms.CharField(
        label="Comments for the team",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs=TEXTAREA),
    )
    suggestions = forms.CharField(
        label="Suggestions for the team",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs=TEXTAREA),
    )
    shared_with_team = forms.BooleanField(
        label="Share the score and feedback with the team now",
        required=False,
        initial=True,
        help_text="Untick to keep it as a draft only faculty and staff see.",
    )

    def __init__(
        self, *args: Any, kind: str, levels: list[AssessmentScaleLevel], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.fields["score"].choices = [("", "Choose a score…"), *score_choices(levels)]
        self.fields["score"].widget.attrs["class"] = "form-select"
        if kind == "self":
            del self.fields["comments"]
            del self.fields["suggestions"]
            del self.fields["shared_with_team"]
            self.fields["score"].label = "Our score"
            self.fields["justification"].label = "Why we chose this score"
        else:
            self.fields[
                "justification"
            ].help_text = "Why this score: what the reports, charts and PDSA cycles show."

    def add_domain_error(self, error: DomainError) -> None:
        field = error.field if error.field in self.fields else None
        self.add_error(field, error.message)

    def service_data(self) -> dict[str, Any]:
        data = {
            name: self.cleaned_data[name]
            for name in ("score", "justification", "comments", "suggestions", "shared_with_team")
            if name in self.cleaned_data
        }
        return data


def initial_for(assessment: Any, month: str) -> dict[str, Any]:
    if assessment is None:
        return {"version": 0, "month": month, "shared_with_team": True}
    return {
        "version": assessment.version,
        "month": month,
        "score": str(assessment.score),
        "justification": assessment.justification,
        "comments": assessment.comments,
        "suggestions": assessment.suggestions,
        "shared_with_team": assessment.shared_with_team,
    }


class ScaleForm(InvalidFieldsMixin, forms.Form):
    """One label and one description per level of the scale."""

    def __init__(self, *args: Any, levels: list[AssessmentScaleLevel], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.levels = levels
        for level in levels:
            key = score_text(level.score)
            self.fields[f"label_{key}"] = forms.CharField(
                label=f"Label of {key}",
                max_length=120,
                initial=level.label,
                widget=forms.TextInput(attrs={"class": "form-control"}),
            )
            self.fields[f"description_{key}"] = forms.CharField(
                label=f"What {key} means",
                max_length=1000,
                required=False,
                initial=level.description,
                widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
            )

    def rows(self) -> list[tuple[AssessmentScaleLevel, Any, Any]]:
        return [
            (
                level,
                self[f"label_{score_text(level.score)}"],
                self[f"description_{score_text(level.score)}"],
            )
            for level in self.levels
        ]

    def service_levels(self) -> dict[str, dict[str, str]]:
        return {
            score_text(level.score): {
                "label": self.cleaned_data[f"label_{score_text(level.score)}"],
                "description": self.cleaned_data[f"description_{score_text(level.score)}"],
            }
            for level in self.levels
        }

    def add_domain_error(self, error: DomainError) -> None:
        field = error.field if error.field in self.fields else None
        self.add_error(field, error.message)
