"""What the three builders share: raw JSON beside rows, "the side the designer edited wins", row formsets.

Each builder (fields, conditions, mappings) shows rows a designer clicks and a
raw JSON textarea for experts. The page also posts the JSON it showed
(`original`); if the raw text differs from it, the raw text wins, otherwise the rows.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.formsets import BaseFormSet, formset_factory

from workflow_design.jsontext import parse_json_text


def pretty_json(value: Any) -> str:
    return "" if value in (None, {}) else json.dumps(value, indent=2, ensure_ascii=False)


def parse_json_field(text: str) -> Any:
    """Parsed JSON, None for blank text; ValidationError with the parser's message otherwise."""
    if not text.strip():
        return None
    try:
        return parse_json_text(text)
    except ValueError as error:
        raise ValidationError(f"This {error}") from error


def raw_edited(raw: str, original: str) -> bool:
    """Did the designer change the raw text the page showed? (Formatting alone is no change.)"""
    if raw.strip() == original.strip():
        return False
    try:
        return parse_json_field(raw) != parse_json_field(original)
    except ValidationError:
        return True


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


def row_formset(form: type[forms.Form], formset: type[BuilderRowFormSet], max_rows: int) -> type[BuilderRowFormSet]:
    """A builder's formset: rows added by the page, deletable, at most `max_rows`.

    At most one row too many is ever built (to say so), whatever TOTAL_FORMS claims.
    """
    return formset_factory(
        form,
        formset=formset,
        extra=0,
        can_delete=True,
        max_num=max_rows,
        absolute_max=max_rows + 1,
        validate_max=True,
    )
