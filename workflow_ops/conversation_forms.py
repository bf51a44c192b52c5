"""The forms of a ticket's conversation: a comment (an internal note for staff), and files to attach.

They check what a browser can get wrong; the services (comment_add, attachments_add)
have the last word on who may post what and which files are kept.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat

from ticketflower.forms import StyledFormMixin
from workflow_ops.models import MAX_COMMENT_LENGTH
from workflow_ops.services.attachments import MAX_FILES_AT_ONCE
from workflow_ops.services.filetypes import accepted_kinds


class CommentForm(StyledFormMixin, forms.Form):
    # Not `required`: the one box of the form needs no asterisk; clean_body says what is missing.
    body = forms.CharField(
        label="Add a comment",
        required=False,
        max_length=MAX_COMMENT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "Write a comment…"}),
        error_messages={"max_length": "Keep it to %(limit_value)s characters; this one has %(show_value)s."},
    )
    internal = forms.BooleanField(
        required=False,
        label="Internal note: only staff on this ticket see it, not the requester",
    )

    def __init__(self, *args: Any, staff: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not staff:
            del self.fields["internal"]

    def clean_body(self) -> str:
        body = self.cleaned_data["body"]
        if not body:
            raise forms.ValidationError("Write something before posting.")
        return body


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input (Django's documented pattern for `<input type="file" multiple>`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        clean_one = super().clean
        items = [item for item in (data if isinstance(data, list | tuple) else [data]) if item]
        if not items:
            clean_one(None, initial)  # "This field is required." when required
            return []
        return [clean_one(item, initial) for item in items]


class AttachmentForm(StyledFormMixin, forms.Form):
    files = MultipleFileField(
        label="Attach files",
        # Not `required` (no asterisk on the form's one field): clean_files says when none is chosen.
        required=False,
        # An empty file is refused by the service, with its name.
        allow_empty_file=True,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = (
            f"Up to {MAX_FILES_AT_ONCE} at once, at most {filesizeformat(settings.ATTACHMENT_MAX_BYTES)} each: "
            f"{accepted_kinds(list(settings.ATTACHMENT_CONTENT_TYPES))}. "
            "A file with the name of one already here becomes its new version."
        )

    def clean_files(self) -> list:
        files = self.cleaned_data["files"]
        if not files:
            raise forms.ValidationError("Choose a file to attach.")
        return files
