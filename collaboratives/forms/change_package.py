"""Forms of the change package pages. They read input; ``services.change_package`` decides.

Plain forms, not ModelForms: a ModelForm would change the instance while
validating, and the service must see the old values it records in the audit
log. Driver pickers are filled from the change package the view has already
loaded, so a form costs no query of its own.
"""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms

from collaboratives.models import ChangeIdea, Driver
from collaboratives.selectors.change_package import ChangePackage

PRIMARY = ""


def _helper(submit_label: str) -> FormHelper:
    helper = FormHelper()
    helper.form_method = "post"
    helper.add_input(Submit("submit", submit_label))
    return helper


def _max(model: type, field: str) -> int:
    return model._meta.get_field(field).max_length


class DriverForm(forms.Form):
    title = forms.CharField(
        label="Driver",
        max_length=_max(Driver, "title"),
        help_text="A short statement of what must be true to reach the aim, "
        "e.g. “Families engaged from the first contact”.",
    )
    description = forms.CharField(
        label="Description",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Optional: what it means in practice.",
    )
    parent = forms.TypedChoiceField(
        label="Level",
        required=False,
        coerce=int,
        empty_value=None,
        help_text="A secondary driver hangs on a primary driver; "
        "the diagram has two levels of drivers.",
    )

    def __init__(
        self,
        *args: Any,
        package: ChangePackage,
        driver: Driver | None = None,
        submit_label: str = "Save driver",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.parents = {
            node.driver.pk: node.driver
            for node in package.primaries
            if driver is None or node.driver.pk != driver.pk
        }
        self.fields["parent"].choices = [(PRIMARY, "Primary driver (straight under the aim)")] + [
            (pk, f"Secondary driver under “{parent.title}”") for pk, parent in self.parents.items()
        ]
        self.helper = _helper(submit_label)

    def clean_parent(self) -> Driver | None:
        pk = self.cleaned_data.get("parent")
        return None if pk is None else self.parents[pk]


def driver_choices(package: ChangePackage) -> tuple[list, dict[int, Driver]]:
    """Drivers grouped by primary driver, for a <select> with <optgroup>s."""
    choices: list = []
    drivers: dict[int, Driver] = {}
    for primary, secondaries in package.driver_choices():
        drivers[primary.pk] = primary
        group = [(primary.pk, f"{primary.title} (the primary driver itself)")]
        for secondary in secondaries:
            drivers[secondary.pk] = secondary
            group.append((secondary.pk, secondary.title))
        choices.append((primary.title, group))
    return choices, drivers


class ChangeIdeaForm(forms.Form):
    driver = forms.TypedChoiceField(
        label="Driver",
        coerce=int,
        help_text="The secondary driver this idea works on. Change it to move the idea.",
    )
    title = forms.CharField(
        label="Change idea",
        max_length=_max(ChangeIdea, "title"),
        help_text="Something a team can test, e.g. “Call the family within 48 hours of referral”.",
    )
    description = forms.CharField(
        label="Description", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    evidence = forms.CharField(
        label="Evidence or source",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why we think it works: a study, a guideline, a team that did it.",
    )
    resources = forms.CharField(
        label="Resources",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Tools, links and readings, one per line.",
    )

    def __init__(
        self,
        *args: Any,
        package: ChangePackage,
        submit_label: str = "Save change idea",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        choices, self.drivers = driver_choices(package)
        self.fields["driver"].choices = choices
        self.helper = _helper(submit_label)

    def clean_driver(self) -> Driver:
        return self.drivers[self.cleaned_data["driver"]]


class DeleteDriverForm(forms.Form):
    confirm_all = forms.BooleanField(
        label="Yes, delete this driver with everything under it",
        required=False,
    )


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", "Up"), ("down", "Down")])
