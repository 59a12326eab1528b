"""Forms of the feed and the resource library. They read input; ``services.sharing`` decides.

Choices (kinds, teams, sessions) are built per caller in ``__init__`` from their access and the
active tenant, so a form never offers what the service would refuse.
"""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.template.defaultfilters import filesizeformat

from collaboratives.models import NotificationFrequency, PostKind, ResourceKind
from collaboratives.uploads import RESOURCE_POLICY, max_upload_bytes

MARKDOWN_HELP = (
    "You can use Markdown: **bold**, _italic_, lines starting with “- ” for a list, "
    "and links as [words](https://…)."
)


def _helper(submit_label: str, *, multipart: bool = False) -> FormHelper:
    helper = FormHelper()
    helper.form_method = "post"
    if multipart:
        helper.attrs = {"enctype": "multipart/form-data"}
    helper.add_input(Submit("submit", submit_label))
    return helper


class PostForm(forms.Form):
    kind = forms.ChoiceField(label="What are you sharing?", choices=PostKind.choices)
    team = forms.TypedChoiceField(
        label="Posting for", coerce=int, required=False, empty_value=None, choices=()
    )
    title = forms.CharField(label="Title", max_length=200)
    body = forms.CharField(
        label="Text",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=MARKDOWN_HELP,
    )
    pinned = forms.BooleanField(
        label="Pin to the top of the feed",
        required=False,
        help_text="Announcements only.",
    )

    def __init__(
        self,
        *args: Any,
        kinds: list[tuple[str, str]],
        teams: list[tuple[int, str]],
        can_pin: bool,
        editing: bool = False,
        submit_label: str = "Post",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(submit_label)
        if editing:
            # The kind and the team are what the post is; only its words change.
            del self.fields["kind"]
            del self.fields["team"]
        else:
            self.fields["kind"].choices = kinds
            if teams:
                self.fields["team"].choices = (
                    teams if len(teams) == 1 else [("", "Choose a team"), *teams]
                )
                if any(value == PostKind.ANNOUNCEMENT for value, _ in kinds):
                    self.fields["team"].help_text = "Announcements are posted for no team."
            else:
                del self.fields["team"]
        if not can_pin:
            del self.fields["pinned"]


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Your comment",
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=MARKDOWN_HELP,
    )

    def __init__(self, *args: Any, submit_label: str = "Comment", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(submit_label)


class FeedPreferenceForm(forms.Form):
    frequency = forms.ChoiceField(
        label="E-mail me about this feed",
        choices=NotificationFrequency.choices,
        widget=forms.RadioSelect,
        help_text=(
            "Right away: an e-mail for each new post, and for each comment on a post you wrote "
            "or commented on. Daily digest: one e-mail in the morning with the day before."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper("Save")


class ResourceForm(forms.Form):
    kind = forms.ChoiceField(label="Kind", choices=ResourceKind.choices)
    title = forms.CharField(
        label="Title",
        max_length=200,
        required=False,
        help_text="The file's name or the link if left empty.",
    )
    description = forms.CharField(
        label="Description",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=MARKDOWN_HELP,
    )
    file = forms.FileField(
        label="File",
        required=False,
        widget=forms.FileInput(attrs={"accept": RESOURCE_POLICY.accept}),
    )
    url = forms.CharField(
        label="Or a link",
        required=False,
        max_length=1000,
        widget=forms.URLInput(attrs={"placeholder": "https://…"}),
        help_text="A web address starting with https:// or http://.",
    )
    session = forms.TypedChoiceField(
        label="Learning session",
        coerce=int,
        required=False,
        empty_value=None,
        choices=(),
        help_text="Optional: the session it belongs to (e.g. its agenda).",
    )
    team = forms.TypedChoiceField(
        label="Team",
        coerce=int,
        required=False,
        empty_value=None,
        choices=(),
        help_text="For a storyboard: whose it is.",
    )

    def __init__(
        self,
        *args: Any,
        kinds: list[tuple[str, str]],
        sessions: list[tuple[int, str]],
        teams: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper("Add to the library", multipart=True)
        self.fields["kind"].choices = kinds
        self.fields["file"].help_text = (
            f"{RESOURCE_POLICY.description[0].upper()}{RESOURCE_POLICY.description[1:]}, "
            f"up to {filesizeformat(max_upload_bytes())}."
        )
        self.fields["session"].choices = [("", "None"), *sessions]
        if teams:
            self.fields["team"].choices = [("", "None (not a storyboard)"), *teams]
        else:
            del self.fields["team"]


class ResourceEditForm(forms.Form):
    title = forms.CharField(label="Title", max_length=200)
    description = forms.CharField(
        label="Description",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=MARKDOWN_HELP,
    )
    session = forms.TypedChoiceField(
        label="Learning session",
        coerce=int,
        required=False,
        empty_value=None,
        choices=(),
    )

    def __init__(self, *args: Any, sessions: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper("Save changes")
        self.fields["session"].choices = [("", "None"), *sessions]
