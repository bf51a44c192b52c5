"""The `--company` option shared by the definition commands."""

from __future__ import annotations

from django.core.management.base import CommandError

from users.models import Company, User
from users.services import company_create


def company_from_option(value: str | None) -> Company:
    """A company by id or exact name; CommandError if missing or ambiguous."""
    if not value:
        raise CommandError("Name the company with --company <id or exact name>.")
    if value.isascii() and value.isdigit():  # "²".isdigit() is true, int("²") fails
        company = Company.objects.filter(pk=int(value)).first()
        if company is not None:
            return company
    matches = list(Company.objects.filter(name=value)[:2])
    if not matches:
        raise CommandError(f"No company with id or name {value!r}.")
    if len(matches) > 1:
        raise CommandError(f"Several companies are named {value!r}; use the company's id.")
    return matches[0]


def company_from_option_or_new(value: str | None) -> tuple[Company, bool]:
    """A company by id or exact name, or a new one with that name; and whether it was created."""
    try:
        return company_from_option(value), False
    except CommandError:
        if not value or not value.strip() or (value.isascii() and value.isdigit()):
            raise
    if len(value.strip()) > Company._meta.get_field("name").max_length:
        raise CommandError(f"A company name has at most {Company._meta.get_field('name').max_length} characters.")
    return company_create(name=value, detail="Created by manage.py import_bundle --create-company"), True


def company_user_from_option(company: Company, email: str | None) -> User | None:
    """The user of `company` with that email (None without --user)."""
    if not email:
        return None
    user = User.objects.for_company(company).filter(email__iexact=email).first()
    if user is None:
        raise CommandError(f"{company} has no user with the email {email!r}.")
    return user
