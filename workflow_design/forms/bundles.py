"""The bundle import form: a file upload or pasted JSON, never both; then a confirmation."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat

from ticketflower.forms import StyledFormMixin
from workflow_design.bundles import read_limited


def size_message(size: int | None = None) -> str:
    limit = filesizeformat(settings.BUNDLE_MAX_BYTES)
    if size is None:
        return f"The bundle is larger than {limit}, the most a bundle may be."
    return f"The file is {filesizeformat(size)}; bundles may be at most {limit}."


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
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8, "class": "font-monospace", "spellcheck": "false"}),
    )

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        # Refuse an oversized upload by its declared size, before reading it into memory.
        if upload and upload.size > settings.BUNDLE_MAX_BYTES:
            raise forms.ValidationError(size_message(upload.size))
        return upload

    def clean_text(self) -> str:
        text = self.cleaned_data.get("text", "")
        size = len(text.encode("utf-8", errors="surrogatepass"))
        if size > settings.BUNDLE_MAX_BYTES:
            raise forms.ValidationError(size_message(size))
        return text

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
        """The bundle's bytes (never more than BUNDLE_MAX_BYTES are read). Raises BundleInvalid."""
        upload = self.cleaned_data.get("file")
        if upload:
            return read_limited(upload)
        return self.cleaned_data["text"].encode("utf-8", errors="surrogatepass")


class BundleConfirmForm(forms.Form):
    """The second step: the bundle text that was reviewed and the digest of the plan that was shown."""

    text = forms.CharField(strip=False, widget=forms.HiddenInput)
    digest = forms.CharField(max_length=64, widget=forms.HiddenInput)

    def clean_text(self) -> str:
        text = self.cleaned_data["text"]
        if len(text.encode("utf-8", errors="surrogatepass")) > settings.BUNDLE_MAX_BYTES:
            raise forms.ValidationError(size_message())
        return text
