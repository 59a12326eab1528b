"""The upload form of the values import."""

from __future__ import annotations

from django import forms

from measures.services.transfer import MAX_BYTES


class ImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="The template filled in and saved as CSV. Up to 2 MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError("The file is larger than 2 MB; split it by months.")
        return upload
