"""CONDITION BUILDER — an arrow's condition as "variable, operator, value", or raw JsonLogic.

`ConditionBuilderForm(data, variables=..., rule=...)`; after `is_valid()`, `form.rule`
is the JsonLogic, or None for "always". The same "edited side wins" rule as the
other builders decides between the rows and the raw text.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from ticketflower.forms import StyledFormMixin
from workflow_design.forms.raw_json import parse_json_field, pretty_json, raw_edited
from workflow_design.jsonlogic import validate_jsonlogic
from workflow_design.schema_builder import (
    CONDITION_OPERATORS,
    VALUE_OPERATORS,
    condition_to_jsonlogic,
    jsonlogic_to_condition,
)


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
        if raw_edited(raw, original) or (self.complex_rule and raw.strip() and not original):
            try:
                rule = parse_json_field(raw)
            except ValidationError as error:
                self.add_error("raw", error)
                return cleaned
            if rule is not None:
                problems = validate_jsonlogic(rule, variables={*self.variables, "ticket.*"}, path="condition")
                if problems:
                    self.add_error("raw", [str(problem) for problem in problems])
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
