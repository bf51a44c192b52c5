"""The ticket-type form: what it is called, which workflow it starts, who may submit.

Its fields (the JSON Schema submitters fill in) come from the field builder.
"""

from __future__ import annotations

from django import forms

from ticketflower.forms import StyledFormMixin
from users.models import Company, CompanyRole
from workflow_design.forms import key_validator
from workflow_design.models import TicketDefinition
from workflow_design.selectors import workflow_key_choices


class TicketDefinitionForm(StyledFormMixin, forms.Form):
    title = forms.CharField(max_length=255, help_text="What people ask for, e.g. “Purchase request”.")
    key = forms.CharField(
        max_length=80,
        required=False,
        validators=[key_validator],
        help_text="Stable name used by bundles. Leave empty to derive it from the title.",
    )
    description = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text="Shown to submitters above the form."
    )
    workflow_key = forms.ChoiceField(label="Workflow", help_text="The workflow each new ticket of this type starts.")
    allowed_roles = forms.ModelMultipleChoiceField(
        queryset=CompanyRole.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Who may submit",
        help_text="Leave all unticked to let every submitter use it.",
    )

    def __init__(self, *args, company: Company, instance: TicketDefinition | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.company = company
        self.instance = instance
        self.fields["workflow_key"].choices = [("", "Choose a workflow…"), *workflow_key_choices(company)]
        self.fields["allowed_roles"].queryset = CompanyRole.objects.for_company(company).order_by("name")
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
