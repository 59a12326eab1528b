"""Forms of the pre-work pages. They read input; ``services.prework`` decides.

The file field is a plain picker: whether the file is a PDF or an image, and
small enough, is decided by ``collaboratives.uploads`` from its content.
"""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.template.defaultfilters import filesizeformat

from collaboratives.models import Assignment, AssignmentKind
from collaboratives.uploads import ACCEPT_ATTRIBUTE, ALLOWED_DESCRIPTION, max_upload_bytes


def _helper(submit_label: str) -> FormHelper:
    helper = FormHelper()
    helper.form_method = "post"
    helper.add_input(Submit("submit", submit_label))
    return helper


class AssignmentForm(forms.Form):
    kind = forms.ChoiceField(label="Kind", choices=AssignmentKind.choices)
    title = forms.CharField(
        label="Title", max_length=Assignment._meta.get_field("title").max_length
    )
    instructions = forms.CharField(
        label="Instructions",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What teams should do, and how they know they are done.",
    )
    url = forms.URLField(
        label="Link",
        required=False,
        assume_scheme="https",
        help_text="Optional: the reading, video or form, e.g. https://…",
    )
    due_date = forms.DateField(
        label="Due date",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Teams that finish after this day show as “done late”.",
    )
    requires_upload = forms.BooleanField(
        label="Teams hand in a file",
        required=False,
        help_text="For storyboards: a PDF or an image. Teams cannot mark it done without one.",
    )

    def __init__(self, *args: Any, submit_label: str = "Save assignment", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(submit_label)


class DeleteAssignmentForm(forms.Form):
    confirm_all = forms.BooleanField(
        label="Yes, delete it with the teams' completions and files",
        required=False,
    )


class CompletionForm(forms.Form):
    note = forms.CharField(
        label="Note",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Optional: anything staff and faculty should know.",
    )
    file = forms.FileField(
        label="File",
        required=False,
        widget=forms.FileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
    )

    def __init__(
        self,
        *args: Any,
        assignment: Assignment,
        has_file: bool = False,
        submit_label: str = "Mark as done",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        limit = filesizeformat(max_upload_bytes())
        accepted = ALLOWED_DESCRIPTION[0].upper() + ALLOWED_DESCRIPTION[1:]
        field = self.fields["file"]
        if assignment.requires_upload and not has_file:
            field.label = "File (required)"
            field.help_text = f"{accepted}, at most {limit}."
        elif has_file:
            field.label = "Replace the file"
            field.help_text = (
                f"Optional: a new file replaces the one handed in. {accepted}, at most {limit}."
            )
        else:
            field.label = "File (optional)"
            field.help_text = f"{accepted}, at most {limit}."
        self.helper = _helper(submit_label)
