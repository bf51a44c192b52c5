"""The bundle import form: a file upload or pasted JSON, never both."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat

from ticketflower.forms import StyledFormMixin


class BundleImportForm(StyledFormMixin, forms.Form):
    file = forms.FileField(
        required=False,
        label="Bundle file",
        help_text="A ticketflower/v1 JSON file, as exported from TicketFlower.",
        widget=forms.ClearableFileInput(attrs={"accept": ".json,application/json"}),
    )
    text = forms.CharField(
        required=False,
        label="…or paste the bundle JSON",
        widget=forms.Textarea(attrs={"rows": 8, "class": "font-monospace", "spellcheck": "false"}),
    )

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        # Refuse an oversized upload by its declared size, before reading it into memory.
        if upload and upload.size > settings.BUNDLE_MAX_BYTES:
            raise forms.ValidationError(
                f"The file is {filesizeformat(upload.size)}; bundles may be at most "
                f"{filesizeformat(settings.BUNDLE_MAX_BYTES)}."
            )
        return upload

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        if cleaned.get("file") and cleaned.get("text", "").strip():
            raise forms.ValidationError("Choose a file or paste JSON, not both.")
        if not cleaned.get("file") and not cleaned.get("text", "").strip():
            raise forms.ValidationError("Choose a bundle file or paste its JSON.")
        return cleaned

    def raw_bundle(self) -> bytes:
        upload = self.cleaned_data.get("file")
        if upload:
            return upload.read()
        return self.cleaned_data["text"].encode("utf-8")
