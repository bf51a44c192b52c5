"""MAPPING BUILDER — a transform as rows "field ← variable", or raw JsonLogic for the rest:

    mapping = MappingBuilder(request.POST or None, transform=task.input_transform, name="input_transform",
                             variables=condition_variables(...), known={...})
    if mapping.is_valid():
        save(input_transform=mapping.transform)
    # template: {% include "workflow_design/includes/mapping_builder.html" with mapping=mapping %}

The raw textarea is posted as `name`, so clients that send JsonLogic directly keep working.
"Add a mapping" clones the builder's <template> row in designer.js (no server round trip).
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from ticketflower.forms import StyledFormMixin
from workflow_design.forms.raw_json import BuilderRowFormSet, parse_json_field, pretty_json, raw_edited, row_formset
from workflow_design.jsonlogic import variable_is_known
from workflow_design.limits import FIELD_NAME_PATTERN
from workflow_design.schema_builder import mapping_rows_from_transform, transform_from_mapping_rows
from workflow_design.validation import schema_field_names, validate_transform

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


MappingRowFormSet = row_formset(MappingRowForm, BaseMappingRowFormSet, MAX_MAPPING_ROWS)


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
        if raw_edited(raw, original) or (not self.rows_supported and raw.strip()):
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
        self.errors_from_rows = [str(problem) for problem in self._problems(transform)]
        if self.errors_from_rows:
            return False
        self.transform = transform
        return True

    def _take_raw(self, raw: str) -> bool:
        try:
            transform = parse_json_field(raw)
        except ValidationError as error:
            self.raw_form.add_error(self.name, error)
            return False
        if transform is not None and not isinstance(transform, dict):
            self.raw_form.add_error(self.name, 'A transform is a JSON object: {"field": JsonLogic rule, …}.')
            return False
        problems = self._problems(transform or None)
        if problems:
            self.raw_form.add_error(self.name, [str(problem) for problem in problems])
            return False
        self.transform = transform or None
        return True

    def _problems(self, transform: dict | None) -> list:
        what = self.label[:1].upper() + self.label[1:]
        return validate_transform(transform, variables=self.known, path="", what=what, schema=self.target_schema)
