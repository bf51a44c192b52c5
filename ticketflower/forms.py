"""Bootstrap styling for every product form, in one place."""

from __future__ import annotations

from django import forms

_CONTROL_CLASSES = {
    "select": "form-select",
    "selectmultiple": "form-select",
    "checkbox": "form-check-input",
    "checkboxselectmultiple": "",
    "radioselect": "",
}


class StyledBoundField(forms.BoundField):
    def build_widget_attrs(self, attrs: dict, widget: forms.Widget | None = None) -> dict:
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        css = _CONTROL_CLASSES.get(widget.__class__.__name__.lower(), "form-control")
        if self.errors:
            css = f"{css} is-invalid".strip()
            attrs["aria-invalid"] = "true"
        existing = attrs.get("class", "")
        attrs["class"] = f"{existing} {css}".strip()
        return attrs


class StyledFormMixin:
    bound_field_class = StyledBoundField
