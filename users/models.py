"""Companies, their users and their roles.

System roles are Django Groups (see `users.roles`); company roles are labels a
company defines itself to decide who may submit which ticket types.
"""

from __future__ import annotations

from zoneinfo import available_timezones

from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower

from users.querysets import CompanyQuerySet


def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(available_timezones()) if "/" in name or name == "UTC"]


class Company(models.Model):
    name = models.CharField(max_length=255)
    # Every time on every page shows in it (the middleware activates it per request).
    time_zone = models.CharField(max_length=64, default="UTC")
    created_at = models.DateTimeField(auto_now_add=True)
    # A new random number with every change of the company's people, roles, permissions, ticket types
    # or workflows: what pages derive from them is cached under it (users.company_cache).
    setup_version = models.PositiveBigIntegerField(default=0, editable=False)

    class Meta:
        verbose_name_plural = "companies"
        ordering = ["name"]
        # The system-role permissions live here: they belong to no single model.
        permissions = [
            ("manage_team", "Can manage the company's users and company roles"),
            ("submit_tickets", "Can submit tickets and follow their own tickets"),
            ("manage_tickets", "Can run the ticket queue, review and retry errors"),
            ("work_tasks", "Can be assigned tasks and complete them"),
            ("view_definitions", "Can view workflow and ticket definitions"),
            ("design_workflows", "Can create and edit workflow and ticket definitions"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding and kwargs.get("update_fields") is None:
            # setup_version changes only through company_cache.setup_changed: a save from a copy read
            # before it changed must not put it back, or values cached under the old one would return.
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name != "setup_version"
            ]
        super().save(*args, **kwargs)


class CompanyRole(models.Model):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="company_roles")
    name = models.CharField(max_length=100)
    description = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CompanyQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint("company", Lower("name"), name="users_companyrole_unique_name_per_company")
        ]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def relation_accessors(cls) -> list[str]:
        """The reverse relations that point at a company role: its users, and what other apps add (ticket
        types, tasks...). This app reads them without importing those apps."""
        return [relation.get_accessor_name() for relation in cls._meta.related_objects]


class UserQuerySet(CompanyQuerySet):
    pass


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True

    def get_by_natural_key(self, email: str) -> User:
        # Logins are case-insensitive; emails are stored lower-cased anyway.
        return self.get(email__iexact=email)

    def _create_user(self, email: str, password: str | None, **extra) -> User:
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A person who logs in with their email. `company` is null only for TicketFlower staff."""

    username = None
    email = models.EmailField("email address", unique=True)
    company = models.ForeignKey(Company, on_delete=models.PROTECT, null=True, blank=True, related_name="users")
    company_roles = models.ManyToManyField(CompanyRole, blank=True, related_name="users")

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        ordering = ["first_name", "last_name", "email"]

    def __str__(self) -> str:
        return self.name_of(self.first_name, self.last_name, self.email)

    @classmethod
    def from_db(cls, db, field_names, values) -> User:
        user = super().from_db(db, field_names, values)
        # The company it was read with: a save that moves it changes both companies' setup (users.signals).
        user.company_id_as_read = user.__dict__.get("company_id")
        return user

    @staticmethod
    def name_of(first_name: str, last_name: str, email: str) -> str:
        """How every page and message names a person: their full name, else their email."""
        return f"{first_name} {last_name}".strip() or email

    def save(self, *args, **kwargs) -> None:
        self.email = self.email.lower()
        super().save(*args, **kwargs)


class AuditEvent(models.Model):
    """Append-only record of account actions, with the real actor behind impersonation."""

    class Action(models.TextChoices):
        COMPANY_SIGNUP = "company_signup", "Company signed up"
        COMPANY_UPDATED = "company_updated", "Company settings changed"
        USER_ADDED = "user_added", "User added"
        USER_UPDATED = "user_updated", "User updated"
        USER_DEACTIVATED = "user_deactivated", "User deactivated"
        USER_REACTIVATED = "user_reactivated", "User reactivated"
        ROLE_CREATED = "role_created", "Company role created"
        ROLE_UPDATED = "role_updated", "Company role updated"
        ROLE_DELETED = "role_deleted", "Company role deleted"
        IMPERSONATION_STARTED = "impersonation_started", "Impersonation started"
        IMPERSONATION_STOPPED = "impersonation_stopped", "Impersonation stopped"

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="audit_events")
    actor = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="audit_events")
    impersonating = models.BooleanField(default=False)
    action = models.CharField(max_length=40, choices=Action.choices)
    detail = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = CompanyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} by {self.actor} ({self.created_at:%Y-%m-%d %H:%M})"
