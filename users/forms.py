"""Account forms. Validation here; the services decide and write."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import password_validators_help_text_html, validate_password
from django.core.exceptions import ValidationError

from ticketflower.forms import StyledFormMixin
from users.models import Company, CompanyRole, User, time_zone_choices
from users.roles import ROLE_DESCRIPTIONS, SystemRole


def _unique_email(email: str) -> str:
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError("An account with this email already exists.")
    return email


def _check_password(form: forms.Form, field: str, user: User) -> None:
    password = form.cleaned_data.get(field)
    if not password:
        return
    try:
        validate_password(password, user)
    except ValidationError as error:
        form.add_error(field, error)


class SignupForm(StyledFormMixin, forms.Form):
    company_name = forms.CharField(max_length=255, label="Company name")
    first_name = forms.CharField(max_length=150, label="First name")
    last_name = forms.CharField(max_length=150, label="Last name")
    email = forms.EmailField(label="Work email", help_text="You will log in with this address.")
    password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validators_help_text_html(),
    )
    # Filled in by the browser (static/js/timezone.js); UTC when it cannot tell.
    time_zone = forms.CharField(required=False, widget=forms.HiddenInput(attrs={"data-browser-time-zone": ""}))

    def clean_time_zone(self) -> str:
        zone = self.cleaned_data.get("time_zone", "")
        return zone if zone in dict(time_zone_choices()) else "UTC"

    def clean_company_name(self) -> str:
        name = self.cleaned_data["company_name"].strip()
        if not name:
            raise ValidationError("Enter your company's name.")
        return name

    def clean_email(self) -> str:
        return _unique_email(self.cleaned_data["email"])

    def clean(self) -> dict:
        cleaned = super().clean()
        candidate = User(
            email=cleaned.get("email", ""),
            first_name=cleaned.get("first_name", ""),
            last_name=cleaned.get("last_name", ""),
        )
        _check_password(self, "password", candidate)
        return cleaned


class EmailAuthenticationForm(StyledFormMixin, AuthenticationForm):
    username = forms.EmailField(
        label="Email", widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "That email and password do not match an active account.",
    }


class SystemRolesField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs) -> None:
        super().__init__(
            queryset=Group.objects.filter(name__in=SystemRole.values).order_by("name"),
            required=False,
            label="System roles",
            **kwargs,
        )

    def label_from_instance(self, group: Group) -> str:
        role = SystemRole(group.name)
        return f"{role.label} — {ROLE_DESCRIPTIONS[role]}"


class CompanyRolesField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, *, company: Company, **kwargs) -> None:
        # Only this company's roles are offered, so a forged id is "not a valid choice".
        super().__init__(
            queryset=CompanyRole.objects.for_company(company),
            required=False,
            label="Company roles",
            **kwargs,
        )


class TeamMemberRolesForm(StyledFormMixin, forms.Form):
    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150, required=False)

    def __init__(self, *args, company: Company, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["system_roles"] = SystemRolesField()
        self.fields["company_roles"] = CompanyRolesField(company=company)
        self.fields["company_roles"].help_text = (
            "Decide which ticket types this person may submit."
            if self.fields["company_roles"].queryset.exists()
            else "No company roles yet. Create them under Company roles."
        )


class TeamMemberCreateForm(TeamMemberRolesForm):
    email = forms.EmailField()
    password = forms.CharField(
        label="Temporary password",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="Share it with them; they can change it with “Forgot password”.",
    )
    field_order = ["email", "first_name", "last_name", "password", "system_roles", "company_roles"]

    def clean_email(self) -> str:
        return _unique_email(self.cleaned_data["email"])

    def clean(self) -> dict:
        cleaned = super().clean()
        candidate = User(
            email=cleaned.get("email", ""),
            first_name=cleaned.get("first_name", ""),
            last_name=cleaned.get("last_name", ""),
        )
        _check_password(self, "password", candidate)
        return cleaned


class CompanyRoleForm(StyledFormMixin, forms.Form):
    name = forms.CharField(max_length=100)
    description = forms.CharField(max_length=255, required=False)

    def __init__(self, *args, company: Company, instance: CompanyRole | None = None, **kwargs) -> None:
        self.company = company
        self.instance = instance
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {"name": instance.name, "description": instance.description}
        super().__init__(*args, **kwargs)

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise ValidationError("Enter a name.")
        clashes = CompanyRole.objects.for_company(self.company).filter(name__iexact=name)
        if self.instance is not None:
            clashes = clashes.exclude(pk=self.instance.pk)
        if clashes.exists():
            raise ValidationError(f"Your company already has a role named “{name}”.")
        return name


class CompanySettingsForm(StyledFormMixin, forms.Form):
    name = forms.CharField(max_length=255, label="Company name")
    time_zone = forms.ChoiceField(
        choices=time_zone_choices, label="Time zone", help_text="Every time on every page shows in this time zone."
    )

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise ValidationError("Enter the company's name.")
        return name
