"""Form fields for definition settings, used by the field table and the design forms."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.core.validators import RegexValidator

from workflow_design.durations import duration_label
from workflow_design.limits import KEY_PATTERN

# The same rule the validator applies to keys in bundles, so every key typed here round-trips.
key_validator = RegexValidator(
    KEY_PATTERN, "Use lowercase letters, digits, - and _, starting with a letter or digit (at most 80)."
)

_HOUR, _DAY = 3600, 86400
DURATION_CHOICES = [
    ("", "Never"),
    *[(str(hours * _HOUR), f"{hours} hour{'s' if hours > 1 else ''}") for hours in (1, 2, 4, 6, 12)],
    *[(str(days * _DAY), f"{days} day{'s' if days > 1 else ''}") for days in (1, 2, 3, 5, 7, 14)],
]


class DurationChoiceField(forms.TypedChoiceField):
    """A duration picked from the usual choices; an unusual stored value stays selectable."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            choices=DURATION_CHOICES,
            coerce=lambda seconds: timedelta(seconds=int(seconds)),
            empty_value=None,
            required=False,
            **kwargs,
        )

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, timedelta):
            return str(int(value.total_seconds()))
        return value

    def allow(self, value: timedelta | None) -> None:
        """Keep an existing value that is not one of the usual choices."""
        if isinstance(value, timedelta) and self.prepare_value(value) not in dict(self.choices):
            self.choices = [*self.choices, (self.prepare_value(value), duration_label(value))]


def key_field(*, help_text: str) -> forms.CharField:
    return forms.CharField(max_length=80, required=False, validators=[key_validator], help_text=help_text)
