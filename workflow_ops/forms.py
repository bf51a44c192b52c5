"""The one schema-to-form renderer, and the small forms of the working pages.

`SchemaForm(schema, data)` is a Django form whose fields come from a fields schema
(the JSON Schema subset of docs/bundle-format.md): a proper widget per field type,
labels from titles, help from descriptions, choices from enums, bounds from
minimum/maximum and lengths. `to_json()` gives what the services store; the
services check it against the schema again, so the schema has the last word.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.html import format_html

from ticketflower.forms import StyledFormMixin
from users.models import Company, User
from users.roles import PERM_WORK_TASKS
from users.selectors import users_with_permission
from workflow_design.schema_builder import ordered_field_names
from workflow_ops.models import OPEN_TASK_STATUSES, FileUpload, Priority, TaskInstance, upload_id_from_ref

MAX_TEXT = 10_000


def _field_for(name: str, prop: dict[str, Any], required: bool) -> forms.Field:
    label = prop.get("title") or name.replace("_", " ").capitalize()
    common = {"label": label, "help_text": prop.get("description", ""), "required": required}
    kind, fmt = prop.get("type"), prop.get("format")
    if "enum" in prop:
        choices = [(value, value) for value in prop["enum"]]
        if not required:
            choices = [("", "—"), *choices]
        return forms.ChoiceField(choices=choices, **common)
    if kind == "boolean":
        # Unticked means "no": a yes/no field always has an answer.
        return forms.BooleanField(**{**common, "required": False})
    if kind == "integer":
        return forms.IntegerField(min_value=prop.get("minimum"), max_value=prop.get("maximum"), **common)
    if kind == "number":
        return forms.DecimalField(min_value=prop.get("minimum"), max_value=prop.get("maximum"), **common)
    if fmt == "date":
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    lengths = {"min_length": prop.get("minLength"), "max_length": prop.get("maxLength") or MAX_TEXT}
    if fmt == "email":
        return forms.EmailField(**lengths, **common)
    if fmt == "textarea":
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), **lengths, **common)
    if fmt == "file":
        # A real upload; the services keep it as a FileUpload and answer with its reference ("upload:42").
        limit = f"At most {filesizeformat(settings.ATTACHMENT_MAX_BYTES)}."
        help_text = f"{common['help_text']} {limit}".strip()
        return forms.FileField(widget=UploadInput(), **{**common, "help_text": help_text})
    return forms.CharField(**lengths, **common)


class AttachedFile:
    """An already attached file as the file input shows it: its name, linked to its download."""

    def __init__(self, upload_id: int, name: str) -> None:
        self.name = name
        self.url = reverse("ops:attachment-download", args=[upload_id])

    def __str__(self) -> str:
        return self.name


class UploadInput(forms.ClearableFileInput):
    """A file input that knows a `file` field's stored answer ("upload:42"): it shows the attached
    file and keeps it when no new one is chosen (a draft keeps its file)."""

    initial_text = "Attached"
    input_text = "Replace with"
    clear_checkbox_label = "Remove it"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs)
        self.names: dict[int, str] = {}

    def is_initial(self, value: Any) -> bool:
        return upload_id_from_ref(value) is not None

    def format_value(self, value: Any) -> Any:
        upload_id = upload_id_from_ref(value)
        if upload_id is not None:
            return AttachedFile(upload_id, self.names.get(upload_id, "the attached file"))
        return None

    def render(self, name: str, value: Any, attrs: dict | None = None, renderer: Any = None) -> str:
        html = super().render(name, value, attrs, renderer)
        # On its own line under the label: "Attached: quote.pdf", then "Replace with: [file input]".
        return format_html('<div class="attached-file">{}</div>', html) if self.is_initial(value) else html


class SchemaForm(StyledFormMixin, forms.Form):
    """A form made from a fields schema. `initial` and stored data use JSON values (dates as text)."""

    def __init__(self, schema: dict[str, Any] | None, *args: Any, prefix_fields: dict | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.schema = schema or {}
        required = set(self.schema.get("required") or [])
        properties = self.schema.get("properties") or {}
        for name, field in (prefix_fields or {}).items():
            self.fields[name] = field
        self.data_fields = ordered_field_names(self.schema)
        for name in self.data_fields:
            self.fields[name] = _field_for(name, properties[name], name in required)

    def to_json(self) -> dict[str, Any]:
        """The cleaned answers as JSON (empty optional answers left out)."""
        answers = {}
        for name in self.data_fields:
            value = self.cleaned_data.get(name)
            if isinstance(self.fields[name], forms.FileField):
                if upload_id_from_ref(value) is not None:  # the attached file, kept
                    answers[name] = value
                continue  # new files: `uploaded_files()`; removed ones are left out
            if value in (None, "") and not isinstance(self.fields[name], forms.BooleanField):
                continue
            answers[name] = _json(value, self.schema["properties"][name])
        return answers

    def add_schema_errors(self, errors: dict[str, list[str]]) -> None:
        """Errors the services found, next to their fields (the rest above the form)."""
        for field, messages in errors.items():
            for message in messages:
                self.add_error(field if field in self.fields else None, message)

    @property
    def data_bound_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.data_fields]

    def uploaded_files(self) -> dict[str, UploadedFile]:
        """The new files of the `file` fields, by field: the services keep them and answer with their references."""
        return {
            name: value for name in self.data_fields if isinstance(value := self.cleaned_data.get(name), UploadedFile)
        }

    def name_uploads(self, uploads: list[FileUpload]) -> None:
        """Let the `file` fields show the names of the files already attached."""
        names = {upload.pk: upload.filename for upload in uploads}
        for field in self.fields.values():
            if isinstance(field.widget, UploadInput):
                field.widget.names = names


def _json(value: Any, prop: dict[str, Any]) -> Any:
    if isinstance(value, Decimal):
        # 450 stays 450 (JSON Schema numbers include whole ones); 19.99 stays 19.99.
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


class TicketSubmitForm(SchemaForm):
    """A ticket: its title, its type's fields, and (for ticket admins) who it is for and its priority."""

    def __init__(
        self, schema: dict[str, Any] | None, *args: Any, requesters: Any = None, priority: bool = False, **kwargs: Any
    ) -> None:
        leading: dict[str, forms.Field] = {
            "title": forms.CharField(
                max_length=200, label="Title", help_text="A short summary, e.g. “Laptop will not start”."
            )
        }
        if requesters is not None:
            leading["requester"] = forms.ModelChoiceField(
                queryset=requesters,
                required=False,
                label="On behalf of",
                empty_label="Myself",
                help_text="File it for someone who asked you by phone or in person.",
            )
        if priority:
            leading["priority"] = forms.TypedChoiceField(
                choices=Priority.choices, coerce=int, initial=Priority.NORMAL, label="Priority"
            )
        super().__init__(schema, *args, prefix_fields=leading, **kwargs)


class CancelForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(
        max_length=500,
        label="Why cancel it?",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Everyone involved sees this.",
    )


class ResolveForm(StyledFormMixin, forms.Form):
    notes = forms.CharField(
        max_length=2000,
        label="How was it dealt with?",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Resolving closes the error without moving the workflow on; retry does that.",
    )


class AssignForm(StyledFormMixin, forms.Form):
    assignee = forms.ModelChoiceField(queryset=User.objects.none(), label="Assign to", empty_label="Choose a worker…")

    def __init__(self, *args: Any, workers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = workers


class BulkAssignForm(StyledFormMixin, forms.Form):
    """Ticked open tasks of the company, and the worker to give them to."""

    tasks = forms.ModelMultipleChoiceField(
        queryset=TaskInstance.objects.none(),
        error_messages={
            "required": "Tick the tasks to assign first.",
            "invalid_choice": "Some ticked tasks are no longer open here. Reload the queue and try again.",
            "invalid_pk_value": "Some ticked tasks are no longer open here. Reload the queue and try again.",
        },
    )
    assignee = forms.ModelChoiceField(
        queryset=User.objects.none(),
        empty_label="Choose a worker…",
        error_messages={
            "required": "Choose who gets the ticked tasks.",
            "invalid_choice": "Choose one of the company's task workers.",
        },
    )

    def __init__(self, *args: Any, company: Company, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tasks"].queryset = (
            TaskInstance.objects.for_company(company)
            .filter(status__in=OPEN_TASK_STATUSES)
            .select_related("definition", "ticket", "workflow")
            .order_by("created_at", "id")
        )
        self.fields["assignee"].queryset = users_with_permission(company, PERM_WORK_TASKS)


class PriorityForm(StyledFormMixin, forms.Form):
    priority = forms.TypedChoiceField(choices=Priority.choices, coerce=int, label="Priority")
