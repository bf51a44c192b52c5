"""The ticket-type form: what it is called, which workflow it starts, who may submit.

Its settings come from the field table; its fields (the JSON Schema submitters
fill in) come from the field builder.
"""

from __future__ import annotations

from typing import Any

from django import forms

from ticketflower.forms import StyledFormMixin
from users.models import Company
from workflow_design.definition_fields import TICKET_TYPE_FIELDS
from workflow_design.form_fields import key_field
from workflow_design.models import TicketDefinition
from workflow_design.selectors import workflow_key_choices


class TicketTypeForm(StyledFormMixin, forms.Form):
    key = key_field(help_text="Stable name used by bundles. Leave empty to derive it from the title.")
    workflow_key = forms.ChoiceField(label="Workflow", help_text="The workflow each new ticket of this type starts.")
    field_order = ["title", "key", "description", "workflow_key", "allowed_roles", "requester_sets_priority"]

    def __init__(self, *args: Any, company: Company, instance: TicketDefinition | None = None, **kwargs: Any) -> None:
        self.base_fields = {
            **TICKET_TYPE_FIELDS.form_fields(company),
            "key": self.base_fields["key"],
            "workflow_key": self.base_fields["workflow_key"],
        }
        if instance is not None:
            kwargs["initial"] = {
                **{name: getattr(instance, name) for name in TICKET_TYPE_FIELDS.form_fields(company)},
                "key": instance.key,
                "workflow_key": instance.workflow_key,
                "allowed_roles": instance.allowed_roles.all(),
            }
        super().__init__(*args, **kwargs)
        self.company = company
        self.instance = instance
        self.fields["workflow_key"].choices = [("", "Choose a workflow…"), *workflow_key_choices(company)]
        self.fields["title"].widget.attrs["data-slug-source"] = ""
        self.fields["key"].widget.attrs.update({"data-slug-target": "", "data-slug-separator": "-"})
        if instance is not None:
            # The key is what bundles and running tickets refer to; it never changes.
            self.fields["key"].disabled = True
            self.fields["key"].help_text = "Stable name used by bundles; it cannot change."

    def clean_key(self) -> str:
        key = self.cleaned_data["key"]
        if self.instance is not None:
            return self.instance.key
        if key and TicketDefinition.objects.for_company(self.company).filter(key=key).exists():
            raise forms.ValidationError("Another ticket type already uses this key.")
        return key
