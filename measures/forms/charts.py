"""The chart settings form of one team's series: it reads the input, and
``measures.charting.update_chart_settings`` decides (its errors land on the fields).

The form has three parts, posted together: the main fields (chart type, rule set,
frozen baseline, the optimistic ``version``), the phase breaks (month + label) and
the excluded months (month + reason). Phase breaks and exclusions are plain Django
formsets with a few empty rows and a "remove" box per row, so adding and removing
rows needs no JavaScript.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django import forms

from measures.models.charts import RuleSet

# Rows left empty under the current ones, to add new phase breaks or exclusions.
EMPTY_ROWS = 2
MAX_ROWS = 24


def month_key(month: dt.date) -> str:
    return f"{month:%Y-%m}"


def parse_month_key(key: str) -> dt.date:
    year, month = key.split("-")
    return dt.date(int(year), int(month), 1)


def month_choices(months: Iterable[dt.date], blank: str) -> list[tuple[str, str]]:
    return [("", blank), *((month_key(month), f"{month:%B %Y}") for month in months)]


class ChartSettingsForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    chart_type = forms.ChoiceField(
        label="Chart",
        required=False,
        help_text="A run chart works for any measure; a control chart adds limits.",
    )
    rule_set = forms.ChoiceField(
        label="Rules for run charts",
        required=False,
        help_text="Control charts always show the 3-sigma rule and the Anhøj runs rules.",
    )
    freeze_month = forms.ChoiceField(
        label="Frozen baseline: its last month",
        required=False,
        help_text=(
            "The centre line (and limits) come from the months up to this one, "
            "and later months are judged against them."
        ),
    )

    def __init__(
        self,
        *args: Any,
        chart_choices: Sequence[tuple[str, str]],
        default_chart_label: str,
        default_rule_set_label: str,
        months: Sequence[dt.date],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["chart_type"].choices = [
            ("", f"The measure's default ({default_chart_label})"),
            *chart_choices,
        ]
        self.fields["rule_set"].choices = [
            ("", f"The collaborative's default ({default_rule_set_label})"),
            *RuleSet.choices,
        ]
        self.fields["freeze_month"].choices = month_choices(months, "Not frozen")


class _MonthRowForm(forms.Form):
    """One row: a month and a text (label or reason); ``DELETE`` removes it."""

    text_field = "label"

    month = forms.ChoiceField(required=False)

    def __init__(self, *args: Any, months: Sequence[dt.date] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["month"].choices = month_choices(months, "Choose a month")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        text = (data.get(self.text_field) or "").strip()
        if text and not data.get("month"):
            self.add_error("month", "Choose the month this row is about.")
        return data


class PhaseBreakForm(_MonthRowForm):
    text_field = "label"

    month = forms.ChoiceField(label="New phase starts in", required=False)
    label = forms.CharField(
        label="What changed",
        max_length=100,
        required=False,
        help_text="e.g. “New intake process”. Shown on the chart.",
    )


class ExclusionForm(_MonthRowForm):
    text_field = "reason"

    month = forms.ChoiceField(label="Excluded month", required=False)
    reason = forms.CharField(
        label="Why it is left out",
        max_length=300,
        required=False,
        help_text="e.g. “Data system outage: half the month missing”.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("month") and not (data.get("reason") or "").strip() and not data.get("DELETE"):
            self.add_error("reason", "Say why this month is left out of the calculations.")
        return data


class _MonthRowFormSet(forms.BaseFormSet):
    duplicate_message = "Each month can appear only once."

    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = "Remove"

    def clean(self) -> None:
        if any(self.errors):
            return
        seen: set[str] = set()
        for form in self.forms:
            month = form.cleaned_data.get("month")
            if not month or form.cleaned_data.get("DELETE"):
                continue
            if month in seen:
                form.add_error("month", self.duplicate_message)
            seen.add(month)

    def rows(self) -> list[dict[str, str]]:
        """The kept rows as ``{"month": "YYYY-MM", <text>: ...}``, in month order."""
        rows = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if not data.get("month") or data.get("DELETE"):
                continue
            text_field = form.text_field
            rows.append(
                {
                    "month": data["month"],
                    text_field: (data.get(text_field) or "").strip(),
                }
            )
        return sorted(rows, key=lambda row: row["month"])


PhaseBreakFormSet = forms.formset_factory(
    PhaseBreakForm,
    formset=_MonthRowFormSet,
    extra=EMPTY_ROWS,
    can_delete=True,
    max_num=MAX_ROWS,
    validate_max=True,
)
ExclusionFormSet = forms.formset_factory(
    ExclusionForm,
    formset=_MonthRowFormSet,
    extra=EMPTY_ROWS,
    can_delete=True,
    max_num=MAX_ROWS,
    validate_max=True,
)


def _month_rows(rows: Iterable[dict[str, Any]], text_field: str) -> list[dict[str, str]]:
    initial = []
    for row in rows or ():
        month = row.get("month")
        if not month:
            continue
        if isinstance(month, str):
            month = dt.date.fromisoformat(month)
        initial.append({"month": month_key(month), text_field: row.get(text_field) or ""})
    return initial


class ChartSettingsForms:
    """The main form and both formsets, bound or not, validated and read as one."""

    PHASE_PREFIX = "phase"
    EXCLUSION_PREFIX = "exclude"
    # Service error fields -> where the message is shown.
    SECTION_FIELDS = {"phase_breaks": "phases", "exclusions": "exclusions"}

    def __init__(
        self,
        data: Any = None,
        *,
        settings: Any,
        months: Sequence[dt.date],
        chart_choices: Sequence[tuple[str, str]],
        default_chart_label: str,
        default_rule_set_label: str,
    ) -> None:
        self.months = list(months)
        initial = {
            "version": settings.version,
            "chart_type": settings.chart_type,
            "rule_set": settings.rule_set,
            "freeze_month": month_key(settings.freeze_month) if settings.freeze_month else "",
        }
        # A saved month that is no longer in the series (its value was deleted) stays
        # choosable, so saving other changes does not silently drop it.
        saved = {
            dt.date.fromisoformat(row["month"]) if isinstance(row["month"], str) else row["month"]
            for row in [*(settings.phase_breaks or []), *(settings.exclusions or [])]
            if row.get("month")
        }
        if settings.freeze_month:
            saved.add(settings.freeze_month)
        choosable = sorted(set(self.months) | saved)
        self.main = ChartSettingsForm(
            data,
            initial=initial,
            chart_choices=chart_choices,
            default_chart_label=default_chart_label,
            default_rule_set_label=default_rule_set_label,
            months=choosable,
        )
        self.phases = PhaseBreakFormSet(
            data,
            prefix=self.PHASE_PREFIX,
            initial=None if data is not None else _month_rows(settings.phase_breaks, "label"),
            # A new phase cannot start in the series' first month.
            form_kwargs={"months": [m for m in choosable if not self.months or m > self.months[0]]},
        )
        self.exclusions = ExclusionFormSet(
            data,
            prefix=self.EXCLUSION_PREFIX,
            initial=None if data is not None else _month_rows(settings.exclusions, "reason"),
            form_kwargs={"months": choosable},
        )
        self.section_errors: dict[str, list[str]] = {"phases": [], "exclusions": []}

    def is_valid(self) -> bool:
        # Evaluate all three so every error shows at once.
        results = [self.main.is_valid(), self.phases.is_valid(), self.exclusions.is_valid()]
        return all(results)

    @property
    def version(self) -> int:
        return self.main.cleaned_data["version"]

    def service_data(self) -> dict[str, Any]:
        """The settings as ``measures.charting.update_chart_settings`` (and the API) take
        them: months as ``YYYY-MM``."""
        data = self.main.cleaned_data
        freeze = data.get("freeze_month")
        return {
            "chart_type": data.get("chart_type") or "",
            "rule_set": data.get("rule_set") or "",
            "freeze_month": freeze or None,
            "phase_breaks": self.phases.rows(),
            "exclusions": self.exclusions.rows(),
        }

    def add_service_error(self, field: str | None, message: str) -> None:
        """Put a service's refusal next to the input it names (``phase_breaks.2.month``
        and the like land above that section)."""
        section = (field or "").split(".")[0].split("[")[0]
        if section in self.SECTION_FIELDS:
            self.section_errors[self.SECTION_FIELDS[section]].append(message)
        elif field in self.main.fields:
            self.main.add_error(field, message)
        else:
            self.main.add_error(None, message)

    @property
    def has_errors(self) -> bool:
        return bool(
            self.main.errors
            or any(self.phases.errors)
            or self.phases.non_form_errors()
            or any(self.exclusions.errors)
            or self.exclusions.non_form_errors()
            or any(self.section_errors.values())
        )
