"""FIELD BUILDER — edit a JSON Schema of form fields as rows, or as raw JSON:

    builder = FieldBuilder(request.POST or None, schema=obj.fields_schema, prefix="fields")
    if request.method == "POST" and builder.is_valid():
        save(fields_schema=builder.schema)
    render(..., {"builder": builder})   # template: {% include "workflow_design/includes/field_builder.html" %}

The include needs `builder` in its context; "Add a field" asks `design:field-row`
for one more row. Whichever side the designer edited wins: the raw textarea if
its JSON differs from what the page showed, otherwise the rows.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import slugify

from ticketflower.forms import StyledFormMixin
from workflow_design.forms.raw_json import BuilderRowFormSet, parse_json_field, pretty_json, raw_edited, row_formset
from workflow_design.limits import (
    FIELD_NAME_PATTERN,
    MAX_DECIMAL_PLACES,
    MAX_PATTERN_LENGTH,
    MAX_TABLE_COLUMNS,
    MAX_TABLE_ROWS,
)
from workflow_design.schema_builder import (
    CHOICE_TYPES,
    COLUMN_TYPE_CHOICES,
    FIELD_TYPE_CHOICES,
    LIST_TYPES,
    NUMBER_TYPES,
    TEXT_TYPES,
    FieldRow,
    UnsupportedSchema,
    rows_to_schema,
    schema_to_rows,
)
from workflow_design.validation import validate_fields_schema

MAX_FIELD_ROWS = 100
# Largest min/max a field may have (a quadrillion): exact in JSON and in a float.
BOUND_LIMIT = 10**15


def suggest_field_name(label: str) -> str:
    name = slugify(label).replace("-", "_")[:60].strip("_")
    if name and not name[0].isalpha():
        name = f"f_{name}"
    return name


# --- Field builder -------------------------------------------------------------------


def _number(value: Decimal | None) -> int | float | None:
    return None if value is None else (int(value) if value == int(value) else float(value))


class ColumnRowForm(StyledFormMixin, forms.Form):
    """One column of a table field: a row of the column editor inside a field row."""

    label = forms.CharField(max_length=200, required=False, label="Column title")
    name = forms.CharField(
        max_length=60,
        required=False,
        label="Column name",
        help_text="Lowercase letters, digits and _; made from the title if empty.",
    )
    type = forms.ChoiceField(choices=COLUMN_TYPE_CHOICES, initial="text", required=False, label="Column type")
    required = forms.BooleanField(required=False)
    choices = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Column choices",
        help_text="One choice per line.",
    )
    # Bounded: a huge exponent (1e100000) would make every later int() slow and JSON refuse it.
    minimum = forms.DecimalField(required=False, label="Min", min_value=-BOUND_LIMIT, max_value=BOUND_LIMIT)
    maximum = forms.DecimalField(required=False, label="Max", min_value=-BOUND_LIMIT, max_value=BOUND_LIMIT)
    decimal_places = forms.IntegerField(
        required=False,
        label="Decimals",
        min_value=0,
        max_value=MAX_DECIMAL_PLACES,
        help_text="At most this many digits after the point, e.g. 2 for money.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["label"].widget.attrs["data-slug-source"] = ""
        self.fields["name"].widget.attrs.update({"data-slug-target": "", "data-slug-separator": "_"})
        self.fields["type"].widget.attrs["data-type-select"] = ""
        self.fields["minimum"].widget.attrs["step"] = "any"
        self.fields["maximum"].widget.attrs["step"] = "any"

    @property
    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not data.get("name") and not data.get("label")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        name, label = cleaned.get("name", "").strip(), cleaned.get("label", "").strip()
        if not name and not label:
            return cleaned
        if not name:
            name = suggest_field_name(label)
        if not FIELD_NAME_PATTERN.match(name):
            self.add_error("name", "Start with a letter; use only lowercase letters, digits and _.")
        cleaned["name"] = name
        type_code = cleaned["type"] = cleaned.get("type") or "text"
        choices = [line.strip() for line in cleaned.get("choices", "").splitlines() if line.strip()]
        if type_code in CHOICE_TYPES:
            if not choices:
                self.add_error("choices", "A choice field needs at least one choice (one per line).")
            elif len(set(choices)) != len(choices):
                self.add_error("choices", "Each choice may appear only once.")
        cleaned["choice_list"] = choices if type_code in CHOICE_TYPES else []
        self._clean_bounds(cleaned, type_code)
        if type_code != "number":
            cleaned["decimal_places"] = None
        return cleaned

    def _clean_bounds(self, cleaned: dict[str, Any], type_code: str) -> None:
        if type_code not in TEXT_TYPES | NUMBER_TYPES | LIST_TYPES:
            cleaned["minimum"] = cleaned["maximum"] = None
            return
        for bound in ("minimum", "maximum"):
            value = cleaned.get(bound)
            if value is None:
                continue
            if type_code in TEXT_TYPES and (value < 0 or value != int(value)):
                self.add_error(bound, "A length is a whole number, 0 or more.")
            elif type_code == "table" and (value < 0 or value != int(value) or value > MAX_TABLE_ROWS):
                self.add_error(bound, f"A number of rows, from 0 to {MAX_TABLE_ROWS}.")
            elif type_code == "multichoice" and (value < 0 or value != int(value)):
                self.add_error(bound, "A number of choices, 0 or more.")
            elif type_code == "integer" and value != int(value):
                self.add_error(bound, "Use a whole number for a whole-number field.")
        minimum, maximum = cleaned.get("minimum"), cleaned.get("maximum")
        if minimum is not None and maximum is not None and minimum > maximum:
            self.add_error("maximum", "Max must not be less than min.")

    def to_row(self) -> FieldRow:
        data = self.cleaned_data
        return FieldRow(
            name=data["name"],
            label=data.get("label", "").strip(),
            type=data.get("type", "text"),
            required=bool(data.get("required")),
            choices=data.get("choice_list", []),
            minimum=_number(data.get("minimum")),
            maximum=_number(data.get("maximum")),
            decimal_places=data.get("decimal_places"),
        )

    @staticmethod
    def initial_for(row: FieldRow) -> dict[str, Any]:
        return {
            "label": row.label,
            "name": row.name,
            "type": row.type,
            "required": row.required,
            "choices": "\n".join(row.choices),
            "minimum": row.minimum,
            "maximum": row.maximum,
            "decimal_places": row.decimal_places,
        }


class BaseColumnFormSet(BuilderRowFormSet):
    default_error_messages = {"too_many_forms": "A table has at most %(num)d columns."}

    def clean(self) -> None:
        if any(self.errors):
            return
        seen: set[str] = set()
        for form in self.kept_forms():
            name = form.cleaned_data["name"]
            if name in seen:
                form.add_error("name", f"Another column is already called “{name}”.")
            seen.add(name)


ColumnFormSet = row_formset(ColumnRowForm, BaseColumnFormSet, MAX_TABLE_COLUMNS)


class FieldRowForm(ColumnRowForm):
    """One form field: a row of the builder. A table field holds a column editor (`columns`)."""

    label = forms.CharField(max_length=200, required=False)
    name = forms.CharField(
        max_length=60,
        required=False,
        help_text="Lowercase letters, digits and _; made from the label if empty.",
    )
    type = forms.ChoiceField(choices=FIELD_TYPE_CHOICES, initial="text", required=False)
    choices = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text="One choice per line."
    )
    pattern = forms.CharField(
        max_length=MAX_PATTERN_LENGTH,
        required=False,
        label="Pattern",
        help_text="Optional: a regular expression the answer must match, e.g. ^[A-Z]{3}-[0-9]+$",
    )
    pattern_message = forms.CharField(
        max_length=200,
        required=False,
        label="When it does not match, say",
        help_text="e.g. “Use three capitals, a dash and digits, like ABC-123.”",
    )
    help_text = forms.CharField(max_length=500, required=False, label="Help text")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        columns = [ColumnRowForm.initial_for(column) for column in self.initial.get("columns") or []]
        self.columns = ColumnFormSet(
            self.data if self.is_bound else None, initial=columns, prefix=f"{self.prefix}-columns"
        )
        self.fields["pattern"].widget.attrs.update({"class": "font-monospace", "spellcheck": "false"})

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        type_code = cleaned.get("type")
        if type_code not in TEXT_TYPES:
            cleaned["pattern"] = cleaned["pattern_message"] = ""
        pattern = cleaned.get("pattern", "").strip()
        cleaned["pattern"] = pattern
        if pattern:
            try:
                re.compile(pattern)
            except re.error as error:
                self.add_error("pattern", f"Not a valid regular expression: {error}.")
        elif cleaned.get("pattern_message", "").strip():
            self.add_error("pattern_message", "Give the pattern this message is for.")
        cleaned["column_rows"] = []
        if type_code == "table" and not self.is_blank:
            if not self.columns.is_valid():
                self.add_error(None, "Fix the columns of this table below.")
            else:
                cleaned["column_rows"] = [form.to_row() for form in self.columns.kept_forms()]
                if not cleaned["column_rows"]:
                    self.add_error(None, "A table needs at least one column: add a column.")
        return cleaned

    def to_row(self) -> FieldRow:
        row = super().to_row()
        data = self.cleaned_data
        row.help_text = data.get("help_text", "").strip()
        row.pattern = data.get("pattern", "")
        row.pattern_message = data.get("pattern_message", "").strip() if row.pattern else ""
        row.columns = data.get("column_rows", [])
        return row

    @staticmethod
    def initial_for(row: FieldRow) -> dict[str, Any]:
        return {
            **ColumnRowForm.initial_for(row),
            "help_text": row.help_text,
            "pattern": row.pattern,
            "pattern_message": row.pattern_message,
            "columns": row.columns,
        }


class BaseFieldRowFormSet(BuilderRowFormSet):
    def clean(self) -> None:
        if any(self.errors):
            return
        seen: set[str] = set()
        for form in self.kept_forms():
            name = form.cleaned_data["name"]
            if name in seen:
                form.add_error("name", f"Another field is already called “{name}”.")
            seen.add(name)


FieldRowFormSet = row_formset(FieldRowForm, BaseFieldRowFormSet, MAX_FIELD_ROWS)


class RawSchemaForm(StyledFormMixin, forms.Form):
    raw = forms.CharField(
        required=False,
        label="Raw JSON Schema (for experts)",
        widget=forms.Textarea(attrs={"rows": 10, "class": "font-monospace", "spellcheck": "false"}),
    )
    # The JSON the page showed; "" when the rows cannot show the schema, so the raw text always wins.
    original = forms.CharField(required=False, widget=forms.HiddenInput)


class FieldBuilder:
    """Rows of form fields ↔ a JSON Schema, with a raw JSON escape hatch.

    `FieldBuilder(data, schema=..., prefix=...)`; after `is_valid()`, `schema` is the
    result. Render with `{% include "workflow_design/includes/field_builder.html" %}`
    and `builder` in the context. Use a distinct prefix per builder on a page.
    """

    template_name = "workflow_design/includes/field_builder.html"

    def __init__(
        self,
        data: Any = None,
        *,
        schema: dict | None = None,
        prefix: str = "fields",
        label: str = "Form fields",
        help_text: str = "",
    ) -> None:
        self.prefix = prefix
        self.label = label
        self.help_text = help_text
        self.initial_schema = schema or {}
        try:
            rows = schema_to_rows(self.initial_schema)
            self.rows_supported = True
        except UnsupportedSchema as error:
            rows, self.rows_supported, self.unsupported_reason = [], False, str(error)
        self.formset = FieldRowFormSet(data, initial=[FieldRowForm.initial_for(row) for row in rows], prefix=prefix)
        shown = pretty_json(self.initial_schema)
        self.raw_form = RawSchemaForm(
            data,
            prefix=f"{prefix}-raw",
            initial={"raw": shown, "original": shown if self.rows_supported else ""},
        )
        self.raw_errors: list[str] = []
        self.errors_from_rows: list[str] = []
        self.source = "rows"
        self.schema: dict | None = None

    @property
    def is_bound(self) -> bool:
        return self.formset.is_bound

    @property
    def raw_panel_open(self) -> bool:
        return bool(self.raw_errors) or not self.rows_supported or self.source == "raw"

    def is_valid(self) -> bool:
        if not self.is_bound or not self.raw_form.is_valid():
            return False
        raw = self.raw_form.cleaned_data["raw"]
        original = self.raw_form.cleaned_data["original"]
        if raw_edited(raw, original) or (not self.rows_supported and raw.strip()):
            self.source = "raw"
            return self._take_raw(raw)
        if not self.formset.is_valid():
            return False
        schema = rows_to_schema([form.to_row() for form in self.formset.kept_forms()])
        self.errors_from_rows = [str(problem) for problem in validate_fields_schema(schema)]
        if self.errors_from_rows:
            return False
        self.schema = schema
        return True

    def _take_raw(self, raw: str) -> bool:
        try:
            schema = parse_json_field(raw)
        except ValidationError as error:
            self.raw_errors = list(error.messages)
            return False
        schema = schema if schema is not None else {}
        if not isinstance(schema, dict):
            self.raw_errors = ["The schema must be a JSON object."]
            return False
        self.raw_errors = [str(problem) for problem in validate_fields_schema(schema)]
        if self.raw_errors:
            return False
        self.schema = schema
        return True

    def row_form(self, index: int) -> FieldRowForm:
        """A new empty row at `index`, as the add-row endpoint returns it."""
        form = FieldRowForm(prefix=f"{self.prefix}-{index}", empty_permitted=True, use_required_attribute=False)
        self.formset.add_fields(form, index)
        return form
