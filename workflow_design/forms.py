"""Workflow designer forms, and the two reusable builders.

FIELD BUILDER — edit a JSON Schema of form fields as rows, or as raw JSON:

    builder = FieldBuilder(request.POST or None, schema=obj.fields_schema, prefix="fields")
    if request.method == "POST" and builder.is_valid():
        save(fields_schema=builder.schema)
    render(..., {"builder": builder})   # template: {% include "workflow_design/includes/field_builder.html" %}

The include needs `builder` in its context; "Add a field" asks `design:field-row`
for one more row. Whichever side the designer edited wins: the raw textarea if
its JSON differs from what the page showed, otherwise the rows.

CONDITION BUILDER — `ConditionBuilderForm`: variable, operator and value, or raw
JsonLogic (same "edited side wins" rule); `form.rule` is the JsonLogic or None.

MAPPING BUILDER — an action's input/output transform as rows "field ← variable",
or raw JsonLogic (same rule again):

    mapping = MappingBuilder(request.POST or None, transform=task.input_transform, name="input_transform",
                             variables=condition_variables(...), known={...})
    if mapping.is_valid():
        save(input_transform=mapping.transform)
    # template: {% include "workflow_design/includes/mapping_builder.html" with mapping=mapping %}

The raw textarea is posted as `name`, so clients that send JsonLogic directly keep working.
"Add a mapping" clones the builder's <template> row in designer.js (no server round trip).
"""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.forms.formsets import BaseFormSet, formset_factory
from django.utils.text import slugify

from ticketflower.forms import StyledFormMixin
from users.models import Company, CompanyRole
from workflow_design.models import TaskDefinition, TaskType, WorkflowDefinition
from workflow_design.schema_builder import (
    CONDITION_OPERATORS,
    FIELD_NAME_PATTERN,
    FIELD_TYPE_CHOICES,
    NUMBER_TYPES,
    TEXT_TYPES,
    VALUE_OPERATORS,
    FieldRow,
    UnsupportedSchema,
    condition_to_jsonlogic,
    jsonlogic_to_condition,
    mapping_rows_from_transform,
    rows_to_schema,
    schema_to_rows,
    transform_from_mapping_rows,
)
from workflow_design.validation import (
    KEY_PATTERN,
    MAX_PRIORITY,
    known_variables,
    schema_field_names,
    validate_transform,
    variable_is_known,
)

MAX_FIELD_ROWS = 100
# Largest min/max a field may have (a quadrillion): exact in JSON and in a float.
BOUND_LIMIT = 10**15


def pretty_json(value: Any) -> str:
    return "" if value in (None, {}) else json.dumps(value, indent=2, ensure_ascii=False)


def _parse_json(text: str) -> Any:
    """Parsed JSON, None for blank text; ValidationError with the parser's message otherwise."""
    from workflow_design.bundles import parse_json_text

    if not text.strip():
        return None
    try:
        return parse_json_text(text)
    except ValueError as error:
        raise ValidationError(f"This {error}") from error


def _edited(raw: str, original: str) -> bool:
    """Did the designer change the raw text the page showed? (Formatting alone is no change.)"""
    if raw.strip() == original.strip():
        return False
    try:
        return _parse_json(raw) != _parse_json(original)
    except ValidationError:
        return True


def _problem_text(problem: Any) -> str:
    return f"{problem.path}: {problem.message}" if getattr(problem, "path", "") else problem.message


def suggest_field_name(label: str) -> str:
    name = slugify(label).replace("-", "_")[:60].strip("_")
    if name and not name[0].isalpha():
        name = f"f_{name}"
    return name


# --- Field builder -------------------------------------------------------------------


class FieldRowForm(StyledFormMixin, forms.Form):
    """One form field: a row of the builder."""

    label = forms.CharField(max_length=200, required=False)
    name = forms.CharField(
        max_length=60,
        required=False,
        help_text="Lowercase letters, digits and _; made from the label if empty.",
    )
    type = forms.ChoiceField(choices=FIELD_TYPE_CHOICES, initial="text", required=False)
    required = forms.BooleanField(required=False)
    choices = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text="One choice per line."
    )
    # Bounded: a huge exponent (1e100000) would make every later int() slow and JSON refuse it.
    minimum = forms.DecimalField(
        required=False,
        label="Min",
        help_text="Length for text, value for numbers.",
        min_value=-BOUND_LIMIT,
        max_value=BOUND_LIMIT,
    )
    maximum = forms.DecimalField(required=False, label="Max", min_value=-BOUND_LIMIT, max_value=BOUND_LIMIT)
    help_text = forms.CharField(max_length=500, required=False, label="Help text")

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
        if type_code == "choice":
            if not choices:
                self.add_error("choices", "A choice field needs at least one choice (one per line).")
            elif len(set(choices)) != len(choices):
                self.add_error("choices", "Each choice may appear only once.")
        cleaned["choice_list"] = choices if type_code == "choice" else []
        minimum, maximum = cleaned.get("minimum"), cleaned.get("maximum")
        if type_code in TEXT_TYPES:
            for bound in ("minimum", "maximum"):
                value = cleaned.get(bound)
                if value is not None and (value < 0 or value != int(value)):
                    self.add_error(bound, "A length is a whole number, 0 or more.")
        elif type_code not in NUMBER_TYPES:
            cleaned["minimum"] = cleaned["maximum"] = None
        elif type_code == "integer":
            for bound in ("minimum", "maximum"):
                value = cleaned.get(bound)
                if value is not None and value != int(value):
                    self.add_error(bound, "Use a whole number for a whole-number field.")
        if minimum is not None and maximum is not None and minimum > maximum and type_code in TEXT_TYPES | NUMBER_TYPES:
            self.add_error("maximum", "Max must not be less than min.")
        return cleaned

    def to_row(self) -> FieldRow:
        data = self.cleaned_data

        def number(value):
            return None if value is None else (int(value) if value == int(value) else float(value))

        return FieldRow(
            name=data["name"],
            label=data.get("label", "").strip(),
            type=data.get("type", "text"),
            required=bool(data.get("required")),
            choices=data.get("choice_list", []),
            minimum=number(data.get("minimum")),
            maximum=number(data.get("maximum")),
            help_text=data.get("help_text", "").strip(),
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
            "help_text": row.help_text,
        }


class BuilderRowFormSet(BaseFormSet):
    """Rows of a builder (fields, mappings): every posted row is validated, blank and
    deleted rows are left out of the result."""

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        kwargs = super().get_form_kwargs(index)
        if index is not None:
            # Validate every posted row, even an "extra" one equal to its initial value
            # (INITIAL_FORMS is only a hint from the page); blank rows are skipped by `is_blank`.
            kwargs["empty_permitted"] = False
        return kwargs

    def kept_forms(self) -> list[forms.Form]:
        return [
            form
            for form in self.forms
            if hasattr(form, "cleaned_data") and not self._should_delete_form(form) and not form.is_blank
        ]


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


FieldRowFormSet = formset_factory(
    FieldRowForm,
    formset=BaseFieldRowFormSet,
    extra=0,
    can_delete=True,
    max_num=MAX_FIELD_ROWS,
    absolute_max=MAX_FIELD_ROWS + 1,  # build at most one row too many (to say so), whatever TOTAL_FORMS says
    validate_max=True,
)


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
        if _edited(raw, original) or (not self.rows_supported and raw.strip()):
            self.source = "raw"
            return self._take_raw(raw)
        if not self.formset.is_valid():
            return False
        schema = rows_to_schema([form.to_row() for form in self.formset.kept_forms()])
        self.errors_from_rows = [_problem_text(problem) for problem in _fields_schema_problems(schema)]
        if self.errors_from_rows:
            return False
        self.schema = schema
        return True

    def _take_raw(self, raw: str) -> bool:
        try:
            schema = _parse_json(raw)
        except ValidationError as error:
            self.raw_errors = list(error.messages)
            return False
        schema = schema if schema is not None else {}
        if not isinstance(schema, dict):
            self.raw_errors = ["The schema must be a JSON object."]
            return False
        self.raw_errors = [_problem_text(problem) for problem in _fields_schema_problems(schema)]
        if self.raw_errors:
            return False
        self.schema = schema
        return True

    def row_form(self, index: int) -> FieldRowForm:
        """A new empty row at `index`, as the add-row endpoint returns it."""
        form = FieldRowForm(prefix=f"{self.prefix}-{index}", empty_permitted=True, use_required_attribute=False)
        self.formset.add_fields(form, index)
        return form


def _fields_schema_problems(schema: dict) -> list:
    from workflow_design.validation import validate_fields_schema

    return validate_fields_schema(schema)


# --- Condition builder -------------------------------------------------------------------


class ConditionBuilderForm(StyledFormMixin, forms.Form):
    """A transition condition as "variable operator value", or raw JsonLogic.

    `variables`: {var: (label, field type, group)} — ticket fields and task outputs.
    After `is_valid()`, `rule` is the JsonLogic (None means "always").
    """

    variable = forms.ChoiceField(required=False, label="When")
    operator = forms.ChoiceField(choices=list(CONDITION_OPERATORS.items()), required=False, label="Operator")
    value = forms.CharField(
        required=False, max_length=500, label="Value", help_text="For “is one of”, separate values with commas."
    )
    raw = forms.CharField(
        required=False,
        label="Raw JsonLogic (for experts)",
        widget=forms.Textarea(attrs={"rows": 4, "class": "font-monospace", "spellcheck": "false"}),
    )
    original = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, variables: dict[str, tuple[str, str, str]], rule: Any = None, **kwargs: Any):
        kwargs.setdefault("prefix", "condition")
        parsed = jsonlogic_to_condition(rule) if rule is not None else None
        initial = {"raw": pretty_json(rule), "original": pretty_json(rule) if parsed or rule is None else ""}
        if parsed:
            var, operator, value = parsed
            if isinstance(value, list):
                value = ", ".join(str(item) for item in value)
            elif isinstance(value, bool):
                value = "true" if value else "false"
            initial.update(variable=var, operator=operator, value="" if value is None else str(value))
            if var not in variables:
                variables = {**variables, var: (f"{var} (not a known field)", "", "Other")}
        kwargs["initial"] = {**initial, **kwargs.get("initial", {})}
        super().__init__(*args, **kwargs)
        self.variables = variables
        self.complex_rule = rule is not None and parsed is None
        groups: dict[str, list[tuple[str, str]]] = {}
        for var, (label, _type, group) in variables.items():
            groups.setdefault(group, []).append((var, label))
        self.fields["variable"].choices = [("", "Always (no condition)"), *groups.items()]
        self.fields["operator"].widget.attrs["data-type-select"] = ""
        self.rule: Any = None

    @property
    def raw_panel_open(self) -> bool:
        return self.complex_rule or bool(self.errors.get("raw"))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        raw, original = cleaned.get("raw", ""), cleaned.get("original", "")
        if _edited(raw, original) or (self.complex_rule and raw.strip() and not original):
            try:
                rule = _parse_json(raw)
            except ValidationError as error:
                self.add_error("raw", error)
                return cleaned
            if rule is not None:
                problems = _jsonlogic_problems(rule, {*self.variables, "ticket.*"})
                if problems:
                    self.add_error("raw", [_problem_text(problem) for problem in problems])
                    return cleaned
            self.rule = rule
            return cleaned
        var = cleaned.get("variable")
        if not var:
            self.rule = None
            return cleaned
        operator = cleaned.get("operator") or "equals"
        value = cleaned.get("value", "")
        if operator in VALUE_OPERATORS and value.strip() == "":
            self.add_error("value", "Enter the value to compare with.")
            return cleaned
        field_type = self.variables.get(var, ("", "", ""))[1]
        try:
            self.rule = condition_to_jsonlogic(var, operator, value, field_type=field_type)
        except ValueError:
            kind = {"integer": "a whole number", "number": "a number", "boolean": "yes or no"}.get(field_type, "valid")
            self.add_error("value", f"This field holds {kind}; enter a value of that kind.")
        return cleaned


def _jsonlogic_problems(rule: Any, variables: set[str], path: str = "condition") -> list:
    from workflow_design.validation import validate_jsonlogic

    return validate_jsonlogic(rule, variables=variables, path=path)


# --- Mapping builder (action transforms) -----------------------------------------------------------

MAX_MAPPING_ROWS = 50
# A dotted variable path: `response.total`, `tasks.collect-items.sku`.
VARIABLE_PATH = re.compile(r"^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$")
_TARGET_MESSAGE = "Start with a letter; use only lowercase letters, digits and _."


class MappingRowForm(StyledFormMixin, forms.Form):
    """One mapping: fill field `target` with the value of variable `source`.

    `variables` ({var: (label, type, group)}) makes `source` a select of those; without
    it `source` is free text checked against `known` and prefilled with `source_prefix`.
    """

    target = forms.CharField(max_length=63, required=False, label="Field")
    source = forms.CharField(max_length=300, required=False, label="From")

    def __init__(
        self,
        *args: Any,
        variables: dict[str, tuple[str, str, str]] | None = None,
        known: set[str] | frozenset[str] = frozenset(),
        source_prefix: str = "",
        targets_list_id: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.known, self.source_prefix = known, source_prefix
        self.fields["target"].widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})
        if targets_list_id:
            self.fields["target"].widget.attrs["list"] = targets_list_id
        if variables is not None:
            groups: dict[str, list[tuple[str, str]]] = {}
            for var, (label, _type, group) in variables.items():
                groups.setdefault(group, []).append((var, label))
            self.fields["source"] = forms.ChoiceField(
                choices=[("", "Choose a variable…"), *groups.items()],
                required=False,
                label="From",
                error_messages={"invalid_choice": "“%(value)s” is not a variable this task can read."},
            )
        else:
            self.fields["source"].initial = source_prefix
            self.fields["source"].widget.attrs.update(
                {"placeholder": f"{source_prefix}total", "autocomplete": "off", "spellcheck": "false"}
            )

    @property
    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not data.get("target") and data.get("source", "") in ("", self.source_prefix)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        target = cleaned["target"] = cleaned.get("target", "").strip()
        source = cleaned["source"] = (cleaned.get("source") or "").strip()
        if self.is_blank or self.errors:
            return cleaned
        if not target:
            self.add_error("target", "Name the field this mapping fills.")
        elif not FIELD_NAME_PATTERN.match(target):
            self.add_error("target", _TARGET_MESSAGE)
        if source in ("", self.source_prefix):
            example = f" (for example {self.source_prefix}total)" if self.source_prefix else ""
            self.add_error("source", f"Choose where the value comes from{example}.")
        elif not isinstance(self.fields["source"], forms.ChoiceField) and not (
            VARIABLE_PATH.match(source) and variable_is_known(source, self.known)
        ):
            hint = f"{self.source_prefix}<field>" if self.source_prefix else "a known variable"
            self.add_error("source", f"Unknown variable “{source}”; use {hint} or a workflow variable.")
        return cleaned


class BaseMappingRowFormSet(BuilderRowFormSet):
    # Fields the targets must be among (a schema's fields); empty: any field name.
    target_fields: list[str] = []
    target_what = "the form"

    def clean(self) -> None:
        # Checked even when other rows have errors, so every row shows its problem at once.
        seen: set[str] = set()
        for form in self.kept_forms():
            target = form.cleaned_data.get("target")
            if not target or "target" in form.errors:
                continue
            if target in seen:
                form.add_error("target", f"Another mapping already fills “{target}”.")
            elif self.target_fields and target not in self.target_fields:
                names = ", ".join(self.target_fields)
                form.add_error("target", f"{self.target_what} has no field “{target}”; use one of: {names}.")
            seen.add(target)


MappingRowFormSet = formset_factory(
    MappingRowForm,
    formset=BaseMappingRowFormSet,
    extra=0,
    can_delete=True,
    max_num=MAX_MAPPING_ROWS,
    absolute_max=MAX_MAPPING_ROWS + 1,
    validate_max=True,
)


class RawTransformForm(StyledFormMixin, forms.Form):
    """The raw JsonLogic textarea, posted as `name`, and the text the page showed as `<name>_original`."""

    def __init__(self, data: Any, *, name: str, label: str, shown: str, original: str) -> None:
        super().__init__(data, initial={name: shown, f"{name}_original": original})
        self.fields[name] = forms.CharField(
            required=False,
            label=label,
            widget=forms.Textarea(attrs={"rows": 5, "class": "font-monospace small", "spellcheck": "false"}),
        )
        # "" when the rows cannot show the transform, so the raw text always wins.
        self.fields[f"{name}_original"] = forms.CharField(required=False, widget=forms.HiddenInput)


class MappingBuilder:
    """Rows "field ← variable" ↔ a transform `{field: {"var": path}}`, with raw JsonLogic for the rest.

    - `name`: the transform ("input_transform"); the raw textarea's name, rows under `<name>_rows`.
    - `variables`: {var: (label, type, group)} offered in a select; None for free text
      prefilled with `source_prefix` (an action's reply is free-form: `response.`).
    - `known`: every variable a rule may read (rows in free-text mode and raw JsonLogic are checked against it).
    - `target_schema`: when it has fields, targets must be among them (set it before `is_valid()`).
    After `is_valid()`, `transform` is the result (None: no transform).
    """

    template_name = "workflow_design/includes/mapping_builder.html"

    def __init__(
        self,
        data: Any = None,
        *,
        transform: Any,
        name: str,
        label: str,
        known: set[str],
        variables: dict[str, tuple[str, str, str]] | None = None,
        source_prefix: str = "",
        target_schema: dict | None = None,
        target_what: str = "The form",
        help_text: str = "",
    ) -> None:
        self.name, self.label, self.help_text = name, label, help_text
        self.prefix = f"{name}_rows"
        self.known, self.target_schema, self.target_what = known, target_schema, target_what
        self.initial_transform = transform
        pairs = mapping_rows_from_transform(transform)
        self.rows_supported = pairs is not None
        pairs = pairs or []
        if variables is not None:
            unknown = {var: (f"{var} (not a known field)", "", "Other") for _, var in pairs if var not in variables}
            variables = {**variables, **unknown}
        # A client that posts no rows at all (only raw JsonLogic, or nothing) has no rows.
        self.rows_posted = data is not None and f"{self.prefix}-TOTAL_FORMS" in data
        self.target_suggestions = schema_field_names(target_schema)
        self.targets_list_id = f"{self.prefix}-targets" if self.target_suggestions else ""
        self.formset = MappingRowFormSet(
            data if self.rows_posted else None,
            initial=[{"target": target, "source": var} for target, var in pairs],
            prefix=self.prefix,
            form_kwargs={
                "variables": variables,
                "known": known,
                "source_prefix": source_prefix,
                "targets_list_id": self.targets_list_id,
            },
        )
        shown = pretty_json(transform)
        self.raw_form = RawTransformForm(
            data,
            name=name,
            label="Raw JsonLogic (for experts)",
            shown=shown,
            original=shown if self.rows_supported else "",
        )
        self.is_bound = data is not None
        self.errors_from_rows: list[str] = []
        self.source = "rows"
        self.validated = False
        self.transform: dict | None = None

    @property
    def raw(self) -> forms.BoundField:
        return self.raw_form[self.name]

    @property
    def original(self) -> forms.BoundField:
        return self.raw_form[f"{self.name}_original"]

    @property
    def raw_errors(self) -> list[str]:
        return list(self.raw_form.errors.get(self.name, [])) if self.validated else []

    @property
    def has_errors(self) -> bool:
        if not self.validated:
            return False
        rows_invalid = self.source == "rows" and self.formset.is_bound and not self.formset.is_valid()
        return bool(self.raw_errors or self.errors_from_rows or rows_invalid)

    @property
    def raw_panel_open(self) -> bool:
        return bool(self.raw_errors) or not self.rows_supported or self.source == "raw"

    def is_valid(self) -> bool:
        if not self.is_bound or not self.raw_form.is_valid():
            return False
        self.validated = True
        raw = self.raw_form.cleaned_data[self.name]
        original = self.raw_form.cleaned_data[f"{self.name}_original"]
        if _edited(raw, original) or (not self.rows_supported and raw.strip()):
            self.source = "raw"
            return self._take_raw(raw)
        self.source = "rows"
        pairs: list[tuple[str, str]] = []
        if self.rows_posted:
            self.formset.target_fields = schema_field_names(self.target_schema)
            self.formset.target_what = self.target_what
            if not self.formset.is_valid():
                return False
            pairs = [(form.cleaned_data["target"], form.cleaned_data["source"]) for form in self.formset.kept_forms()]
        transform = transform_from_mapping_rows(pairs)
        self.errors_from_rows = [_problem_text(problem) for problem in self._problems(transform)]
        if self.errors_from_rows:
            return False
        self.transform = transform
        return True

    def _take_raw(self, raw: str) -> bool:
        try:
            transform = _parse_json(raw)
        except ValidationError as error:
            self.raw_form.add_error(self.name, error)
            return False
        if transform is not None and not isinstance(transform, dict):
            self.raw_form.add_error(self.name, 'A transform is a JSON object: {"field": JsonLogic rule, …}.')
            return False
        problems = self._problems(transform or None)
        if problems:
            self.raw_form.add_error(self.name, [_problem_text(problem) for problem in problems])
            return False
        self.transform = transform or None
        return True

    def _problems(self, transform: dict | None) -> list:
        what = self.label[:1].upper() + self.label[1:]
        return validate_transform(transform, variables=self.known, path="", what=what, schema=self.target_schema)


# --- Workflow and task forms ------------------------------------------------------------------

# The same rule the validator applies to keys in bundles, so every key typed here round-trips.
key_validator = RegexValidator(
    KEY_PATTERN, "Use lowercase letters, digits, - and _, starting with a letter or digit (at most 80)."
)


class WorkflowCreateForm(StyledFormMixin, forms.Form):
    title = forms.CharField(max_length=255)
    key = forms.CharField(
        max_length=80,
        required=False,
        validators=[key_validator],
        help_text="A stable name for bundles and ticket types; made from the title if empty. It cannot change later.",
    )
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, company: Company, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.company = company
        self.fields["title"].widget.attrs["data-slug-source"] = ""
        self.fields["key"].widget.attrs.update({"data-slug-target": "", "data-slug-separator": "-"})

    def clean_key(self) -> str:
        key = self.cleaned_data["key"].strip()
        if key and WorkflowDefinition.objects.for_company(self.company).filter(key=key).exists():
            raise ValidationError("Another workflow already uses this key.")
        return key


class WorkflowDetailsForm(StyledFormMixin, forms.Form):
    title = forms.CharField(max_length=255)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


_HOUR, _DAY = 3600, 86400
DURATION_CHOICES = [
    ("", "Never"),
    *[(str(hours * _HOUR), f"{hours} hour{'s' if hours > 1 else ''}") for hours in (1, 2, 4, 6, 12)],
    *[(str(days * _DAY), f"{days} day{'s' if days > 1 else ''}") for days in (1, 2, 3, 5, 7, 14)],
]


def duration_label(value: timedelta | None) -> str:
    """ "6 hours", "1 day", "36 hours", "" for none."""
    if value is None:
        return ""
    seconds = int(value.total_seconds())
    if seconds % _DAY == 0:
        days = seconds // _DAY
        return f"{days} day{'s' if days != 1 else ''}"
    if seconds % _HOUR == 0:
        hours = seconds // _HOUR
        return f"{hours} hour{'s' if hours != 1 else ''}"
    minutes = seconds // 60
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


class DurationChoiceField(forms.TypedChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            choices=DURATION_CHOICES,
            coerce=lambda seconds: timedelta(seconds=int(seconds)),
            empty_value=None,
            required=False,
            **kwargs,
        )

    def allow(self, value: timedelta | None) -> None:
        """Keep an existing value that is not one of the usual choices."""
        if value is not None and str(int(value.total_seconds())) not in dict(self.choices):
            self.choices = [*self.choices, (str(int(value.total_seconds())), duration_label(value))]


class TaskForm(StyledFormMixin, forms.Form):
    """A task of a draft workflow, with a field builder for the form the task produces."""

    title = forms.CharField(max_length=255)
    key = forms.CharField(
        max_length=80,
        required=False,
        validators=[key_validator],
        help_text="Conditions name this task's fields by key; made from the title if empty.",
    )
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    task_type = forms.ChoiceField(choices=TaskType.choices, label="Type", initial=TaskType.FORM)
    assignee_role = forms.ModelChoiceField(
        queryset=CompanyRole.objects.none(),
        required=False,
        label="Assignee company role",
        empty_label="Any task worker",
    )
    remind_after = DurationChoiceField(label="Remind the assignee after")
    escalate_after = DurationChoiceField(label="Escalate to ticket admins after")
    action_url = forms.URLField(
        max_length=500, required=False, label="Action URL", assume_scheme="https", help_text="http(s) only."
    )
    timeout_seconds = forms.IntegerField(required=False, min_value=1, max_value=60, label="Timeout (seconds)")

    ACTION_FIELDS = ("action_url", "timeout_seconds")

    def __init__(
        self,
        data: Any = None,
        *,
        workflow: WorkflowDefinition,
        task: TaskDefinition | None = None,
        variables: dict[str, tuple[str, str, str]] | None = None,
        readable: set[str] | None = None,
        **kwargs: Any,
    ) -> None:
        """`variables`: what the input mapping offers (ticket fields, earlier tasks' outputs);
        `readable`: every variable a transform may read (defaults to `variables`)."""
        if task is not None:
            kwargs["initial"] = {
                "title": task.title,
                "key": task.key,
                "description": task.description,
                "task_type": task.task_type,
                "assignee_role": task.assignee_role_id,
                "remind_after": str(int(task.remind_after.total_seconds())) if task.remind_after else "",
                "escalate_after": str(int(task.escalate_after.total_seconds())) if task.escalate_after else "",
                "action_url": task.action_url,
                "timeout_seconds": task.timeout_seconds,
            }
        super().__init__(data, **kwargs)
        self.workflow, self.task = workflow, task
        self.fields["assignee_role"].queryset = CompanyRole.objects.for_company(workflow.company).order_by("name")
        if task is not None:
            self.fields["remind_after"].allow(task.remind_after)
            self.fields["escalate_after"].allow(task.escalate_after)
        self.fields["title"].widget.attrs["data-slug-source"] = ""
        self.fields["key"].widget.attrs.update({"data-slug-target": "", "data-slug-separator": "-"})
        self.fields["task_type"].widget.attrs["data-type-select"] = ""
        self.builder = FieldBuilder(
            data,
            schema=task.output_schema if task else {},
            prefix="output",
            label="Form the task produces",
            help_text="What the assignee fills in (or the action replies). Later conditions can use these fields.",
        )
        variables = variables or {}
        readable = {*(readable if readable is not None else variables), "ticket.*"}
        self.input_mapping = MappingBuilder(
            data,
            transform=task.input_transform if task else None,
            name="input_transform",
            label="input transform",
            help_text="What the action is sent: each field is filled from a ticket field or an earlier task's answer.",
            variables=variables,
            known=readable,
            target_schema=task.input_schema if task else None,
            target_what="The task's input",
        )
        self.output_mapping = MappingBuilder(
            data,
            transform=task.output_transform if task else None,
            name="output_transform",
            label="output transform",
            help_text="What the task keeps from the action's reply: response.<field> is a field of the reply.",
            source_prefix="response.",
            known=readable | known_variables(task_outputs={}, for_output_transform=True),
            target_schema=task.output_schema if task else None,
            target_what="The form the task produces",
        )

    def clean_key(self) -> str:
        key = self.cleaned_data["key"].strip()
        others = self.workflow.tasks.exclude(pk=self.task.pk) if self.task else self.workflow.tasks.all()
        if key and others.filter(key=key).exists():
            raise ValidationError("Another task of this workflow already uses this key.")
        return key

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("task_type") in (TaskType.SYNC_ACTION, TaskType.ASYNC_ACTION):
            if not cleaned.get("action_url") and "action_url" not in self.errors:
                self.add_error("action_url", "An action task needs the URL to call.")
        else:
            for name in self.ACTION_FIELDS:
                cleaned[name] = None if name != "action_url" else ""
        return cleaned

    @property
    def is_action(self) -> bool:
        return getattr(self, "cleaned_data", {}).get("task_type") in (TaskType.SYNC_ACTION, TaskType.ASYNC_ACTION)

    @property
    def has_builder_errors(self) -> bool:
        return bool(
            self.builder.raw_errors
            or self.builder.errors_from_rows
            or self.input_mapping.has_errors
            or self.output_mapping.has_errors
        )

    def is_valid(self) -> bool:
        # Every part validates, so every error shows at once.
        form_ok = super().is_valid()
        builder_ok = self.builder.is_valid()
        mappings_ok = True
        if self.is_action:  # a form task has no transforms; its hidden mappings are ignored
            # The output transform fills the fields of the form as saved now, not as it was.
            self.output_mapping.target_schema = self.builder.schema if builder_ok else None
            input_ok = self.input_mapping.is_valid()
            mappings_ok = self.output_mapping.is_valid() and input_ok
        return form_ok and builder_ok and mappings_ok

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        kwargs = {
            name: data[name]
            for name in (
                "title",
                "description",
                "task_type",
                "assignee_role",
                "remind_after",
                "escalate_after",
                "action_url",
                "timeout_seconds",
            )
        }
        kwargs["input_transform"] = self.input_mapping.transform if self.is_action else None
        kwargs["output_transform"] = self.output_mapping.transform if self.is_action else None
        kwargs["timeout_seconds"] = kwargs["timeout_seconds"] or None
        kwargs["output_schema"] = self.builder.schema
        if data["key"] or self.task is None:
            kwargs["key"] = data["key"]
        return kwargs


class TransitionForm(StyledFormMixin, forms.Form):
    from_task = forms.ModelChoiceField(
        queryset=TaskDefinition.objects.none(), required=False, label="From", empty_label="Start"
    )
    to_task = forms.ModelChoiceField(
        queryset=TaskDefinition.objects.none(), required=False, label="To", empty_label="End"
    )
    priority = forms.IntegerField(
        required=False,
        min_value=-MAX_PRIORITY,
        max_value=MAX_PRIORITY,
        help_text="Lower is checked first; the first matching arrow wins. Empty: after the others from the same task.",
    )
    label = forms.CharField(max_length=100, required=False, help_text="Optional; shown on the diagram.")

    def __init__(
        self,
        data: Any = None,
        *,
        workflow: WorkflowDefinition,
        tasks: list[TaskDefinition],
        variables: dict[str, tuple[str, str, str]],
        transition: Any = None,
        **kwargs: Any,
    ) -> None:
        if transition is not None:
            kwargs["initial"] = {
                "from_task": transition.from_task_id,
                "to_task": transition.to_task_id,
                "priority": transition.priority,
                "label": transition.label,
            }
        super().__init__(data, **kwargs)
        self.workflow, self.transition = workflow, transition
        scoped = TaskDefinition.objects.for_company(workflow.company).filter(workflow=workflow)
        for name in ("from_task", "to_task"):
            self.fields[name].queryset = scoped
            self.fields[name].choices = [("", self.fields[name].empty_label), *((t.pk, t.title) for t in tasks)]
        self.condition = ConditionBuilderForm(
            data, variables=variables, rule=transition.condition if transition is not None else None
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if "from_task" in cleaned and "to_task" in cleaned and not cleaned["from_task"] and not cleaned["to_task"]:
            self.add_error("to_task", "An arrow from Start must lead to a task, not straight to End.")
        return cleaned

    def clean_priority(self) -> int:
        priority = self.cleaned_data.get("priority")
        if priority is not None:
            return priority
        from_task = self.cleaned_data.get("from_task")
        siblings = self.workflow.transitions.filter(from_task=from_task)
        if self.transition is not None:
            siblings = siblings.exclude(pk=self.transition.pk)
        top = max((sibling.priority for sibling in siblings), default=None)
        return 0 if top is None else min(top + 10, MAX_PRIORITY)

    def is_valid(self) -> bool:
        form_ok = super().is_valid()
        condition_ok = self.condition.is_valid()
        if form_ok and condition_ok and self.cleaned_data["from_task"] is None and self.condition.rule is not None:
            self.add_error("from_task", "The start arrow always runs; it cannot have a condition.")
            return False
        return form_ok and condition_ok

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "from_task": data["from_task"],
            "to_task": data["to_task"],
            "condition": self.condition.rule,
            "priority": data["priority"],
            "label": data["label"],
        }
