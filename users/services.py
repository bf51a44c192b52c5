"""Account writes: signup, team management, company roles, impersonation.

Every function is keyword-only and atomic, and records an AuditEvent with the
real actor (and whether they were impersonating).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.db import transaction
from django.http import HttpRequest

from ticketflower.text import and_list
from users import hooks
from users.models import AuditEvent, Company, CompanyRole, User
from users.roles import SystemRole
from users.tenancy import IMPERSONATION_SESSION_KEY


class NotAllowed(Exception):
    """A rule of the domain forbids this change; the message says which."""


@dataclass(frozen=True)
class Actor:
    """Who is making a change: the real user, and whether they impersonate a company."""

    user: User
    impersonating: bool = False

    @classmethod
    def from_request(cls, request: HttpRequest) -> Actor:
        return cls(user=request.user, impersonating=bool(getattr(request, "impersonating", False)))


def audit_record(*, company: Company, actor: Actor | None, action: str, detail: str = "") -> AuditEvent:
    return AuditEvent.objects.create(
        company=company,
        actor=actor.user if actor else None,
        impersonating=actor.impersonating if actor else False,
        action=action,
        detail=detail[:255],
    )


def system_role_groups(roles: Iterable[str]) -> list[Group]:
    return list(Group.objects.filter(name__in=list(roles)))


def _assert_same_company(company: Company, roles: Iterable[CompanyRole]) -> None:
    if any(role.company_id != company.pk for role in roles):
        raise NotAllowed("Company roles must belong to the same company.")


@transaction.atomic
def company_signup(
    *, company_name: str, email: str, password: str, first_name: str, last_name: str, time_zone: str = "UTC"
) -> User:
    """Create a company and its first user, who holds all five system roles."""
    company = Company.objects.create(name=company_name.strip(), time_zone=time_zone or "UTC")
    user = User.objects.create_user(
        email=email, password=password, first_name=first_name, last_name=last_name, company=company
    )
    user.groups.set(system_role_groups(SystemRole.values))
    audit_record(
        company=company,
        actor=Actor(user=user),
        action=AuditEvent.Action.COMPANY_SIGNUP,
        detail=f"{company.name} created by {user.email}",
    )
    return user


@transaction.atomic
def company_create(*, name: str, detail: str) -> Company:
    """A company with no users yet (e.g. for `import_bundle --create-company`); staff reach it by impersonating.

    `detail` says where it came from in the audit record.
    """
    company = Company.objects.create(name=name.strip())
    audit_record(company=company, actor=None, action=AuditEvent.Action.COMPANY_SIGNUP, detail=detail)
    return company


def _active_admins(company: Company) -> Iterable[User]:
    return User.objects.for_company(company).filter(is_active=True, groups__name=SystemRole.ADMIN)


def _assert_company_keeps_an_admin(company: Company, *, losing: User) -> None:
    if not _active_admins(company).exclude(pk=losing.pk).exists():
        raise NotAllowed("The company must keep at least one active company admin.")


@transaction.atomic
def team_member_add(
    *,
    company: Company,
    actor: Actor,
    email: str,
    first_name: str,
    last_name: str,
    password: str,
    system_roles: Iterable[Group],
    company_roles: Iterable[CompanyRole],
) -> User:
    """Add a user to `company` with a temporary password and the given roles."""
    company_roles = list(company_roles)
    _assert_same_company(company, company_roles)
    user = User.objects.create_user(
        email=email, password=password, first_name=first_name, last_name=last_name, company=company
    )
    user.groups.set(system_roles)
    user.company_roles.set(company_roles)
    audit_record(company=company, actor=actor, action=AuditEvent.Action.USER_ADDED, detail=user.email)
    return user


@transaction.atomic
def team_member_update(
    *,
    member: User,
    actor: Actor,
    first_name: str,
    last_name: str,
    system_roles: Iterable[Group],
    company_roles: Iterable[CompanyRole],
) -> User:
    """Change a member's name and roles; the company never loses its last admin."""
    company = member.company
    system_roles = list(system_roles)
    company_roles = list(company_roles)
    _assert_same_company(company, company_roles)
    if SystemRole.ADMIN not in {group.name for group in system_roles} and member.is_active:
        _assert_company_keeps_an_admin(company, losing=member)
    member.first_name = first_name
    member.last_name = last_name
    member.save(update_fields=["first_name", "last_name"])
    member.groups.set(system_roles)
    member.company_roles.set(company_roles)
    audit_record(company=company, actor=actor, action=AuditEvent.Action.USER_UPDATED, detail=member.email)
    hooks.member_changed(member=member, actor=actor)
    return member


@transaction.atomic
def team_member_deactivate(*, member: User, actor: Actor) -> User:
    """Stop a member from logging in. Never deletes: their history stays."""
    if member.pk == actor.user.pk:
        raise NotAllowed("You cannot deactivate yourself.")
    _assert_company_keeps_an_admin(member.company, losing=member)
    member.is_active = False
    member.save(update_fields=["is_active"])
    audit_record(company=member.company, actor=actor, action=AuditEvent.Action.USER_DEACTIVATED, detail=member.email)
    hooks.member_changed(member=member, actor=actor)
    return member


@transaction.atomic
def team_member_reactivate(*, member: User, actor: Actor) -> User:
    member.is_active = True
    member.save(update_fields=["is_active"])
    audit_record(company=member.company, actor=actor, action=AuditEvent.Action.USER_REACTIVATED, detail=member.email)
    return member


@transaction.atomic
def company_role_create(*, company: Company, actor: Actor, name: str, description: str = "") -> CompanyRole:
    role = CompanyRole.objects.create(company=company, name=name.strip(), description=description.strip())
    audit_record(company=company, actor=actor, action=AuditEvent.Action.ROLE_CREATED, detail=role.name)
    return role


@transaction.atomic
def company_role_update(*, role: CompanyRole, actor: Actor, name: str, description: str = "") -> CompanyRole:
    old_name = role.name
    role.name = name.strip()
    role.description = description.strip()
    role.save(update_fields=["name", "description"])
    detail = role.name if old_name == role.name else f"{old_name} → {role.name}"
    audit_record(company=role.company, actor=actor, action=AuditEvent.Action.ROLE_UPDATED, detail=detail)
    return role


@transaction.atomic
def company_settings_update(*, company: Company, actor: Actor, name: str, time_zone: str) -> Company:
    """Rename the company or change the time zone its pages show times in."""
    changes = []
    if company.name != name.strip():
        changes.append(f"name {company.name!r} → {name.strip()!r}")
    if company.time_zone != time_zone:
        changes.append(f"time zone {company.time_zone} → {time_zone}")
    company.name, company.time_zone = name.strip(), time_zone
    company.save(update_fields=["name", "time_zone"])
    if changes:
        audit_record(company=company, actor=actor, action=AuditEvent.Action.COMPANY_UPDATED, detail="; ".join(changes))
    return company


USAGE_NAMES_SHOWN = 5


@dataclass(frozen=True)
class RoleUse:
    """One kind of thing that uses a company role, by name: 2 users (Dana Worker, Eve Smith)."""

    kind: str
    names: list[str]

    def __str__(self) -> str:
        shown = self.names[:USAGE_NAMES_SHOWN]
        more = len(self.names) - len(shown)
        listed = ", ".join(shown) + (f" and {more} more" if more else "")
        return f"{len(self.names)} {self.kind} ({listed})"


def company_role_usage(role: CompanyRole) -> list[RoleUse]:
    """What refers to this role, grouped by kind (the referring model's verbose name), each name once.

    Walks the model's reverse relations (users, ticket types, tasks...) so this app needs no knowledge of
    the apps that refer to company roles. Prefetched relations (`CompanyRole.relation_accessors()`) are
    read from the prefetch. A task in several versions of a workflow is named once.
    """
    uses = []
    for relation in role._meta.related_objects:
        related = getattr(role, relation.get_accessor_name(), None)  # a missing one-to-one is None
        objects = list(related.all()) if relation.multiple else [related]
        names = list(dict.fromkeys(str(obj) for obj in objects if obj is not None))
        if names:
            meta = relation.related_model._meta
            uses.append(
                RoleUse(kind=str(meta.verbose_name if len(names) == 1 else meta.verbose_name_plural), names=names)
            )
    return uses


def usage_text(uses: list[RoleUse]) -> str:
    """ "1 ticket definition (Purchase request) and 2 users (Dana Worker, Eve Smith)"."""
    return and_list([str(use) for use in uses])


@transaction.atomic
def company_role_delete(*, role: CompanyRole, actor: Actor) -> None:
    """Delete a role that nothing uses; a used role must be removed from what uses it first (the error names it)."""
    uses = company_role_usage(role)
    if uses:
        raise NotAllowed(f"“{role.name}” is still in use by {usage_text(uses)}; remove it from them first.")
    audit_record(company=role.company, actor=actor, action=AuditEvent.Action.ROLE_DELETED, detail=role.name)
    role.delete()


def impersonation_start(*, request: HttpRequest, company: Company) -> None:
    """Act inside `company` as a superuser. The session key is cycled first."""
    if not request.user.is_superuser:
        raise NotAllowed("Only TicketFlower staff can impersonate a company.")
    previous = request.session.get(IMPERSONATION_SESSION_KEY)
    request.session.cycle_key()
    request.session[IMPERSONATION_SESSION_KEY] = company.pk
    actor = Actor(user=request.user, impersonating=True)
    if previous is not None and previous != company.pk:
        old = Company.objects.filter(pk=previous).first()
        if old is not None:
            audit_record(company=old, actor=actor, action=AuditEvent.Action.IMPERSONATION_STOPPED)
    audit_record(
        company=company, actor=actor, action=AuditEvent.Action.IMPERSONATION_STARTED, detail=request.user.email
    )


def impersonation_stop(*, request: HttpRequest) -> Company | None:
    """Leave the impersonated company, if any. The session key is cycled."""
    company_id = request.session.pop(IMPERSONATION_SESSION_KEY, None)
    request.session.cycle_key()
    company = Company.objects.filter(pk=company_id).first() if company_id is not None else None
    if company is not None and request.user.is_superuser:
        audit_record(
            company=company,
            actor=Actor(user=request.user, impersonating=True),
            action=AuditEvent.Action.IMPERSONATION_STOPPED,
            detail=request.user.email,
        )
    return company
