"""Forms of the PDSA pages: one per stage (Plan, Do, Study, Act), the tracker's filters,
status moves and attachments. They gather input; ``pdsa.services`` checks and writes."""

from __future__ import annotations

from typing import Any

from django import forms

from collaboratives.models import ChangeIdea
from collaboratives.uploads import ACCEPT_ATTRIBUTE
from pdsa.models import AsPlanned, CycleStatus, Decision, PDSACycle
from pdsa.selectors import ideas_in_package_order
from pdsa.services import PLAN_FIELDS, allowed_measures

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _rows(n: int) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": n})


class IdeaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.title


class CycleChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        started = f" (started {obj.started_on:%-d %b %Y})" if obj.started_on else ""
        return f"{obj.title}{started}"


class StageForm(forms.ModelForm):
    """Any stage: carries the ``version`` the user read, for the optimistic save."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)
    stage = ""

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in self.Meta.fields}


class PlanForm(StageForm):
    stage = "plan"
    # Querysets are set per team in __init__ (scoped models cannot be queried at import).
    change_idea = IdeaChoiceField(queryset=None, required=False, label="Change idea tested")
    measures = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Measures this test should move",
        help_text="Collaborative measures and your team's own.",
    )
    builds_on = CycleChoiceField(queryset=None, required=False, label="Builds on the earlier cycle")

    class Meta:
        model = PDSACycle
        fields = list(PLAN_FIELDS)
        labels = {
            "title": "Short title",
            "change_idea": "Change idea tested",
            "other_idea_note": "Or an idea outside the change package",
            "measures": "Measures this test should move",
            "builds_on": "Builds on the earlier cycle",
            "objective": "Objective of this cycle",
            "questions": "Questions we want answered",
            "predictions": "What we predict will happen",
            "who": "Who",
            "what": "What will be done",
            "where": "Where",
            "when_text": "When",
            "planned_start": "Planned start",
            "planned_end": "Planned end",
            "scale": "Scale of the test",
            "data_to_collect": "Data to collect",
        }
        help_texts = {
            "title": "How the team will know this test, e.g. “Intake checklist, one clinician”.",
            "scale": "Start small: one clinician, one day. Widen as you learn.",
        }
        widgets = {
            "objective": _rows(2),
            "questions": _rows(2),
            "predictions": _rows(2),
            "what": _rows(2),
            "data_to_collect": _rows(2),
            "planned_start": DATE,
            "planned_end": DATE,
        }

    def __init__(self, *args: Any, team: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ideas = ideas_in_package_order(team.collaborative)
        self.fields["change_idea"].queryset = ChangeIdea.objects.filter(
            collaborative_id=team.collaborative_id
        )
        self.fields["change_idea"].choices = [("", "Other (say which below)")] + [
            (idea.pk, idea.title) for idea in ideas
        ]
        self.fields["measures"].queryset = allowed_measures(team)
        earlier = PDSACycle.objects.filter(team=team).order_by("-created_at")
        if self.instance.pk:
            earlier = earlier.exclude(pk=self.instance.pk)
        self.fields["builds_on"].queryset = earlier
        self.fields["builds_on"].empty_label = "None: a first test"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("change_idea") and not (data.get("other_idea_note") or "").strip():
            self.add_error(
                "other_idea_note",
                "Choose the change idea this tests, or say which other idea it is.",
            )
        return data

    def values(self) -> dict[str, Any]:
        values = super().values()
        values["measures"] = list(values.get("measures") or [])
        return values


class DoForm(StageForm):
    stage = "do"

    class Meta:
        model = PDSACycle
        fields = ["started_on", "carried_out_as_planned", "observations", "problems"]
        labels = {
            "started_on": "Started on",
            "carried_out_as_planned": "Was the test carried out as planned?",
            "observations": "What happened: observations",
            "problems": "Problems and surprises",
        }
        help_texts = {"started_on": "Left empty, today is recorded when you save."}
        widgets = {
            "started_on": DATE,
            "carried_out_as_planned": forms.RadioSelect,
            "observations": _rows(4),
            "problems": _rows(3),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["carried_out_as_planned"].choices = [("", "Not yet said"), *AsPlanned.choices]


class StudyForm(StageForm):
    stage = "study"

    class Meta:
        model = PDSACycle
        fields = ["results", "learned"]
        labels = {
            "results": "Results compared with the predictions",
            "learned": "What we learned",
        }
        widgets = {"results": _rows(4), "learned": _rows(4)}


class ActForm(StageForm):
    stage = "act"

    class Meta:
        model = PDSACycle
        fields = ["decision", "next_steps", "finished_on"]
        labels = {
            "decision": "Decision",
            "next_steps": "What next: the next cycle or how the change is kept",
            "finished_on": "Finished on",
        }
        help_texts = {
            "decision": "Adopt: keep the change. Adapt: change it and test again. "
            "Abandon: stop testing it.",
            "finished_on": "Left empty, today is recorded when the cycle is done.",
        }
        widgets = {
            "decision": forms.RadioSelect,
            "next_steps": _rows(3),
            "finished_on": DATE,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = [("", "Not decided yet"), *Decision.choices]


STAGE_FORMS: dict[str, type[StageForm]] = {
    "plan": PlanForm,
    "do": DoForm,
    "study": StudyForm,
    "act": ActForm,
}
STAGE_TITLES = {"plan": "Plan", "do": "Do", "study": "Study", "act": "Act"}


class TrackerFilterForm(forms.Form):
    idea = forms.ChoiceField(label="Change idea", required=False)
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Any status"), *CycleStatus.choices]
    )
    month = forms.CharField(
        label="Month",
        required=False,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"}),
    )

    def __init__(self, *args: Any, ideas: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["idea"].choices = [
            ("", "Any change idea"),
            *[(str(idea.pk), idea.title) for idea in ideas],
            ("other", "Other (outside the package)"),
        ]

    def clean_month(self) -> Any:
        from pdsa.selectors import parse_month

        text = self.cleaned_data.get("month") or ""
        if not text:
            return None
        month = parse_month(text)
        if month is None:
            raise forms.ValidationError("Give the month as YYYY-MM, e.g. 2026-03.")
        return month


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=CycleStatus.choices)
    version = forms.IntegerField(min_value=0, required=False)


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label="File (PDF or image)",
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
    )
    description = forms.CharField(label="What it is", max_length=200, required=False)
