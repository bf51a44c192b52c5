"""The one schema-to-form renderer, and the small forms of the working pages.

`SchemaForm(schema, data)` is a Django form whose fields come from a fields schema
(the JSON Schema subset of docs/bundle-format.md): a proper widget per field type,
labels from titles, help from descriptions, choices from enums, bounds from
minimum/maximum (exclusive too), lengths, patterns (said in the designer's words)
and decimal places. A multi-choice field is a set of checkboxes; a table is a
TableField of rows whose cells are the columns' own fields (js/forms.js adds and
removes rows). `to_json()` gives what the services store; the services check it
against the schema again, so the schema has the last word.
"""

from __future__ import annotations

import copy
import datetime
import re
from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import RegexValidator
from django.template.defaultfilters import filesizeformat, pluralize
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from ticketflower.forms import StyledFormMixin
from users.models import Company, User
from users.roles import PERM_WORK_TASKS
from users.selectors import users_with_permission
from workflow_design.limits import MAX_TABLE_ROWS
from workflow_design.schema_builder import ordered_field_names
from workflow_ops.models import OPEN_TASK_STATUSES, FileUpload, Priority, TaskInstance, upload_id_from_ref

MAX_TEXT = 10_000
PATTERN_MESSAGE = "This is not in the expected format."
# Static scripts a form's widgets need; includes/form_fields.html loads them with the page's CSP nonce.
TABLE_SCRIPT = "js/forms.js"


def _field_for(name: str, prop: dict[str, Any], required: bool) -> forms.Field:
    label = prop.get("title") or name.replace("_", " ").capitalize()
    common = {"label": label, "help_text": prop.get("description", ""), "required": required}
    kind, fmt = prop.get("type"), prop.get("format")
    if kind == "array":
        return _list_field_for(prop, common)
    if "enum" in prop:
        choices = [(value, value) for value in prop["enum"]]
        if not required:
            choices = [("", "—"), *choices]
        return forms.ChoiceField(choices=choices, **common)
    if kind == "boolean":
        # Unticked means "no": a yes/no field always has an answer.
        return forms.BooleanField(**{**common, "required": False})
    if kind in ("integer", "number"):
        bounds = {"min_value": prop.get("minimum"), "max_value": prop.get("maximum")}
        validators = _exclusive_bounds(prop)
        if kind == "integer":
            return forms.IntegerField(**bounds, validators=validators, **common)
        return forms.DecimalField(
            **bounds, decimal_places=prop.get("x-decimal-places"), validators=validators, **common
        )
    if fmt == "date":
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    lengths = {"min_length": prop.get("minLength"), "max_length": prop.get("maxLength") or MAX_TEXT}
    if "pattern" in prop:
        # Never the regex itself: the designer's message, or a plain one (with the help text beside the field).
        message = prop.get("x-pattern-message") or PATTERN_MESSAGE
        common["validators"] = [RegexValidator(prop["pattern"], message=message)]
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


def _exclusive_bounds(prop: dict[str, Any]) -> list:
    def more_than(limit: Any):
        def check(value: Any) -> None:
            if value is not None and value <= limit:
                raise ValidationError(f"Must be more than {limit}.", code="exclusive_minimum")

        return check

    def less_than(limit: Any):
        def check(value: Any) -> None:
            if value is not None and value >= limit:
                raise ValidationError(f"Must be less than {limit}.", code="exclusive_maximum")

        return check

    validators = []
    if "exclusiveMinimum" in prop:
        validators.append(more_than(prop["exclusiveMinimum"]))
    if "exclusiveMaximum" in prop:
        validators.append(less_than(prop["exclusiveMaximum"]))
    return validators


def _list_field_for(prop: dict[str, Any], common: dict[str, Any]) -> forms.Field:
    items = prop.get("items") or {}
    if items.get("type") == "object":
        return TableField(items, min_rows=prop.get("minItems"), max_rows=prop.get("maxItems"), **common)
    validators = []
    fewest, most = prop.get("minItems"), prop.get("maxItems")
    if fewest is not None:
        validators.append(_count_check(fewest, "Tick at least {n}.", lambda count, n: count >= n))
    if most is not None:
        validators.append(_count_check(most, "Tick at most {n}.", lambda count, n: count <= n))
    if not common["help_text"] and (fewest or most is not None):
        # Say the limits before anyone trips over them.
        common["help_text"] = (
            f"Tick {fewest} to {most}."
            if fewest and most is not None
            else f"Tick at least {fewest}."
            if fewest
            else f"Tick up to {most}."
        )
    return forms.MultipleChoiceField(
        choices=[(value, value) for value in items.get("enum") or []],
        widget=forms.CheckboxSelectMultiple,
        validators=validators,
        **common,
    )


def _count_check(limit: int, message: str, fits):
    def check(values: list) -> None:
        if values and not fits(len(values), limit):
            raise ValidationError(message.format(n=limit), code="count")

    return check


# --- Tables ------------------------------------------------------------------------------------


def _blank(value: Any) -> bool:
    return value in (None, "", False, [])


class TableWidget(forms.Widget):
    """Rows of cells named `<field>-<row index>-<column>`; a <template> row for js/forms.js to add more.

    Rows are read by index from whatever the page posts (removed rows leave gaps, which is fine);
    `cell_errors` {(row position, column): messages} is set by TableField.clean for the next rendering.
    """

    template_name = "workflow_ops/widgets/table.html"

    def __init__(self, columns: list[tuple[str, forms.Field]], *, min_rows: int, max_rows: int) -> None:
        super().__init__()
        self.columns = columns
        self.min_rows, self.max_rows = min_rows, max_rows
        self.cell_errors: dict[tuple[int, str], list[str]] = {}

    def __deepcopy__(self, memo: dict) -> TableWidget:
        result = super().__deepcopy__(memo)
        result.cell_errors = {}
        return result

    def value_from_datadict(self, data: Any, files: Any, name: str) -> list[dict[str, Any]]:
        names = "|".join(re.escape(column) for column, _ in self.columns)
        cell = re.compile(rf"{re.escape(name)}-([0-9]{{1,4}})-(?:{names})\Z")
        indexes = sorted({int(match.group(1)) for key in data if (match := cell.match(key))})
        # One row more than a table may hold is enough to say there are too many.
        return [
            {
                column: field.widget.value_from_datadict(data, files, f"{name}-{index}-{column}")
                for column, field in self.columns
            }
            for index in indexes[: MAX_TABLE_ROWS + 1]
        ]

    def _cells(self, name: str, index: int | str, number: int | str, values: dict, position: int | None) -> list:
        cells = []
        for column, field in self.columns:
            widget = field.widget
            errors = self.cell_errors.get((position, column), []) if position is not None else []
            if isinstance(widget, forms.CheckboxInput):
                css, value = "form-check-input", values.get(column) in (True, "on", "true", "True")
            else:
                css = (
                    "form-select form-select-sm" if isinstance(widget, forms.Select) else "form-control form-control-sm"
                )
                value = values.get(column)
            attrs = {
                "id": f"id_{name}-{index}-{column}",
                "class": f"{css} is-invalid" if errors else css,
                "aria-label": f"{field.label}, row {number}",
                "data-cell": field.label,
            }
            if errors:
                attrs["aria-invalid"] = "true"
            html = widget.render(f"{name}-{index}-{column}", value, attrs)
            cells.append({"label": field.label, "required": field.required, "html": html, "errors": errors})
        return cells

    def get_context(self, name: str, value: Any, attrs: dict | None) -> dict[str, Any]:
        context = super().get_context(name, None, attrs)
        rows = [row for row in value if isinstance(row, dict)] if isinstance(value, list) else []
        if not rows:
            rows = [{} for _ in range(max(self.min_rows, 1))]
        context["table"] = {
            "columns": [(field.label, field.required) for _, field in self.columns],
            "rows": [
                {"number": position + 1, "cells": self._cells(name, position, position + 1, row, position)}
                for position, row in enumerate(rows)
            ],
            "template_cells": self._cells(name, "__row__", "__number__", {}, None),
            "next_index": len(rows),
            "max_rows": self.max_rows,
            "full": len(rows) >= self.max_rows,
            "limits": self.limits_text(),
        }
        return context

    def limits_text(self) -> str:
        fewest, most = self.min_rows, self.max_rows
        if fewest and most < MAX_TABLE_ROWS:
            return f"{fewest} to {most} rows." if fewest != most else f"Exactly {most} row{pluralize(most)}."
        if fewest:
            return f"At least {fewest} row{pluralize(fewest)}."
        return f"Up to {most} row{pluralize(most)}."

    def render(self, name: str, value: Any, attrs: dict | None = None, renderer: Any = None) -> SafeString:
        # The project's template loader (templates/), not the form renderer's built-in folders.
        return SafeString(render_to_string(self.template_name, self.get_context(name, value, attrs)))


class TableField(forms.Field):
    """A table: rows of scalar columns (a fields schema's array of objects), cleaned to a list of dicts.

    Blank rows are left out; each cell is cleaned by its column's own field, its errors shown beside it.
    `required` asks for at least one row; `min_rows` / `max_rows` come from minItems / maxItems.
    """

    def __init__(
        self,
        items: dict[str, Any],
        *,
        min_rows: int | None = None,
        max_rows: int | None = None,
        required: bool = False,
        **kwargs: Any,
    ) -> None:
        needed = set(items.get("required") or [])
        properties = items.get("properties") or {}
        self.columns = [
            (column, _field_for(column, properties[column], column in needed)) for column in ordered_field_names(items)
        ]
        self.min_rows = min_rows or 0
        self.max_rows = min(max_rows if max_rows is not None else MAX_TABLE_ROWS, MAX_TABLE_ROWS)
        widget = TableWidget(self.columns, min_rows=self.min_rows, max_rows=self.max_rows)
        super().__init__(widget=widget, required=required, **kwargs)

    def __deepcopy__(self, memo: dict) -> TableField:
        result = super().__deepcopy__(memo)
        result.columns = copy.deepcopy(self.columns, memo)
        result.widget.columns = result.columns
        return result

    def clean(self, value: Any) -> list[dict[str, Any]]:
        rows, errors = [], {}
        for position, raw in enumerate(value or []):
            if not isinstance(raw, dict) or all(_blank(cell) for cell in raw.values()):
                continue
            row = {}
            for column, field in self.columns:
                try:
                    row[column] = field.clean(raw.get(column))
                except ValidationError as error:
                    errors[(position, column)] = error.messages
            rows.append(row)
        self.widget.cell_errors = errors
        if errors:
            numbers = sorted({position + 1 for position, _ in errors})
            which = f"row {numbers[0]}" if len(numbers) == 1 else f"rows {', '.join(map(str, numbers))}"
            raise ValidationError(f"Some cells need fixing ({which}): see the notes beside them.", code="cells")
        # Like any optional field, an optional table may stay empty; minItems counts once it has rows.
        fewest = max(self.min_rows, 1) if self.required else (self.min_rows if rows else 0)
        if len(rows) < fewest:
            message = "Add at least one row." if fewest == 1 else f"Add at least {fewest} rows."
            raise ValidationError(message, code="min_rows")
        if len(rows) > self.max_rows:
            raise ValidationError(f"Use at most {self.max_rows} rows.", code="max_rows")
        return rows


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

    @property
    def scripts(self) -> list[str]:
        """Static scripts this form's widgets need (includes/form_fields.html loads them)."""
        return [TABLE_SCRIPT] if any(isinstance(field, TableField) for field in self.fields.values()) else []

    def to_json(self) -> dict[str, Any]:
        """The cleaned answers as JSON (empty optional answers, empty lists and empty cells left out)."""
        answers = {}
        for name in self.data_fields:
            value = self.cleaned_data.get(name)
            if isinstance(self.fields[name], forms.FileField):
                if upload_id_from_ref(value) is not None:  # the attached file, kept
                    answers[name] = value
                continue  # new files: `uploaded_files()`; removed ones are left out
            if value in (None, "", []) and not isinstance(self.fields[name], forms.BooleanField):
                continue
            answers[name] = _json(value)
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


def _json(value: Any) -> Any:
    if isinstance(value, Decimal):
        # 450 stays 450 (JSON Schema numbers include whole ones); 19.99 stays 19.99.
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list):
        return [_json(item) for item in value]
    if isinstance(value, dict):
        return {key: _json(item) for key, item in value.items() if item not in (None, "")}
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
