"""CONDITION BUILDER — an arrow's condition as "variable, operator, value", or raw JsonLogic.

`ConditionBuilderForm(data, variables=..., scope=..., rule=...)`; after `is_valid()`,
`form.rule` is the JsonLogic, or None for "always". The same "edited side wins" rule
as the other builders decides between the rows and the raw text.

A variable with choices (a choice field of a task's form or of the ticket types)
offers them as a dropdown (a checkbox each for "is one of"); the page's script
shows the right value input for the chosen variable and operator, and hides
operator and value while "Always" is chosen. Whatever the input, the rule is
checked by the one validator (`validation.condition_problems`), so a value that
is not one of the choices is refused here as it is on publishing and importing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from ticketflower.forms import StyledFormMixin
from workflow_design.forms.raw_json import parse_json_field, pretty_json, raw_edited
from workflow_design.schema_builder import (
    CONDITION_OPERATORS,
    VALUE_OPERATORS,
    condition_to_jsonlogic,
    jsonlogic_to_condition,
)
from workflow_design.validation import RuleScope, condition_problems

# Operators whose value is picked from a field's choices when it has some.
CHOICE_OPERATORS = ("equals", "not_equals", "is_one_of")


@dataclass(frozen=True)
class ChoiceBlock:
    """The choices of one variable, as the template offers them."""

    var: str
    options: list[tuple[str, bool]]  # (choice, selected)
    active: bool  # shown (and submitted) when the page opens
    multiple: bool  # "is one of": a checkbox each


class ConditionBuilderForm(StyledFormMixin, forms.Form):
    """A transition condition as "variable operator value", or raw JsonLogic.

    `variables`: {var: (label, field type, group)} — ticket fields and task outputs;
    `scope`: what the workflow's rules may read (choices included), from the validator.
    After `is_valid()`, `rule` is the JsonLogic (None means "always").
    """

    variable = forms.ChoiceField(required=False, label="When")
    operator = forms.ChoiceField(choices=list(CONDITION_OPERATORS.items()), required=False, label="Operator")
    value = forms.CharField(
        required=False, max_length=500, label="Value", help_text="For “is one of”, separate values with commas."
    )
    choice = forms.MultipleChoiceField(required=False, label="Value")
    raw = forms.CharField(
        required=False,
        label="Raw JsonLogic (for experts)",
        widget=forms.Textarea(attrs={"rows": 4, "class": "font-monospace", "spellcheck": "false"}),
    )
    original = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        variables: dict[str, tuple[str, str, str]],
        scope: RuleScope | None = None,
        rule: Any = None,
        **kwargs: Any,
    ):
        kwargs.setdefault("prefix", "condition")
        parsed = jsonlogic_to_condition(rule) if rule is not None else None
        initial = {"raw": pretty_json(rule), "original": pretty_json(rule) if parsed or rule is None else ""}
        self.initial_values: list[str] = []
        if parsed:
            var, operator, value = parsed
            self.initial_values = [str(item) for item in value] if isinstance(value, list) else [str(value)]
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
        # Without the workflow's scope, the listed variables and any ticket field may be read.
        self.scope = scope or RuleScope(task_docs={}, ticket_types=None, variables={*variables, "ticket.*"})
        self.choices = {
            var: facts.choices
            for var, facts in self.scope.fields.items()
            if facts.choices is not None and var in variables
        }
        self.complex_rule = rule is not None and parsed is None
        groups: dict[str, list[tuple[str, str]]] = {}
        for var, (label, _type, group) in variables.items():
            groups.setdefault(group, []).append((var, label))
        self.fields["variable"].choices = [("", "Always (no condition)"), *groups.items()]
        self.fields["variable"].widget.attrs["data-condition-variable"] = ""
        self.fields["operator"].widget.attrs["data-condition-operator"] = ""
        self.fields["value"].widget.attrs["data-condition-text"] = ""
        self.fields["choice"].choices = sorted(
            {(choice, choice) for options in self.choices.values() for choice in options}
        )
        if self.choices_active:  # the choices are offered instead: the text box is not sent
            self.fields["value"].widget.attrs["disabled"] = True
        self.rule: Any = None

    @property
    def raw_panel_open(self) -> bool:
        return self.complex_rule or bool(self.errors.get("raw"))

    # --- What the page shows -------------------------------------------------------------

    def _current(self, name: str) -> Any:
        return self[name].value() or ""

    @property
    def is_always(self) -> bool:
        """No variable chosen: operator and value are hidden."""
        return not self._current("variable")

    @property
    def needs_value(self) -> bool:
        return (self._current("operator") or "equals") in VALUE_OPERATORS

    @property
    def choice_blocks(self) -> list[ChoiceBlock]:
        var, operator = self._current("variable"), self._current("operator") or "equals"
        if self.is_bound:
            picked = set(self.data.getlist(self.add_prefix("choice"))) if hasattr(self.data, "getlist") else set()
            picked |= {item.strip() for item in str(self._current("value")).split(",") if item.strip()}
        else:
            picked = set(self.initial_values)
        blocks = []
        for name, choices in self.choices.items():
            current = name == var
            blocks.append(
                ChoiceBlock(
                    var=name,
                    options=[(choice, current and choice in picked) for choice in choices],
                    active=current and operator in CHOICE_OPERATORS,
                    multiple=operator == "is_one_of",
                )
            )
        return blocks

    @property
    def choices_active(self) -> bool:
        return any(block.active for block in self.choice_blocks)

    @property
    def value_operators(self) -> str:
        return " ".join(sorted(VALUE_OPERATORS))

    @property
    def choice_operators(self) -> str:
        return " ".join(CHOICE_OPERATORS)

    # --- Cleaning ---------------------------------------------------------------------------

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
                problems = condition_problems(rule, self.scope, "condition")
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
        value: Any = cleaned.get("value", "")
        picked = cleaned.get("choice") or []
        if var in self.choices and operator in CHOICE_OPERATORS and picked:
            value = picked if operator == "is_one_of" else picked[0]
        if operator in VALUE_OPERATORS and (value == [] or (isinstance(value, str) and value.strip() == "")):
            message = "Choose a value." if var in self.choices else "Enter the value to compare with."
            self.add_error("value", message)
            return cleaned
        field_type = self.variables.get(var, ("", "", ""))[1]
        try:
            rule = condition_to_jsonlogic(var, operator, value, field_type=field_type)
        except ValueError:
            kind = {"integer": "a whole number", "number": "a number", "boolean": "yes or no"}.get(field_type, "valid")
            self.add_error("value", f"This field holds {kind}; enter a value of that kind.")
            return cleaned
        problems = condition_problems(rule, self.scope, "condition")
        for problem in problems:
            # An unknown variable is the variable's problem; anything else is about the value.
            self.add_error("variable" if problem.path.endswith(".var") else "value", problem.message)
        if not problems:
            self.rule = rule
        return cleaned
