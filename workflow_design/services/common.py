"""What every definition service shares: its exceptions, company checks and the audit record."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.text import slugify

from users.models import Company, CompanyRole, User
from users.services import Actor
from workflow_design.models import DefinitionEvent, WorkflowDefinition
from workflow_design.problems import Problem


class NotEditable(Exception):
    """The definition is published or retired; edit its draft instead."""


class InvalidDefinition(Exception):
    """The definition has problems that stop it from being published."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(problem) for problem in problems))


def actor_user(actor: Actor | None) -> User | None:
    return actor.user if actor is not None else None


def record_event(
    *,
    company: Company,
    actor: Actor | None,
    action: str,
    subject: str = "",
    version: int | None = None,
    detail: str = "",
) -> DefinitionEvent:
    """Append an audit row: who changed which definition, and whether they were impersonating."""
    return DefinitionEvent.objects.create(
        company=company,
        actor=actor_user(actor),
        impersonating=actor.impersonating if actor is not None else False,
        action=action,
        subject=subject[:80],
        version=version,
        detail=detail[:255],
    )


def unique_key(title: str, taken: Iterable[str], *, fallback: str = "item") -> str:
    """A slug from `title` that is not in `taken` (`quote`, `quote-2`, ...)."""
    base = slugify(title)[:70].strip("-") or fallback
    taken = set(taken)
    key, n = base, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    return key


def assert_actor_of(company: Company, actor: Actor | None) -> None:
    # Staff superusers have no company; they act inside one by impersonating it.
    user = actor_user(actor)
    if user is not None and user.company_id != company.pk and not user.is_superuser:
        raise ValueError("The user belongs to another company.")


def assert_role_of(company: Company, role: CompanyRole | None) -> None:
    if role is not None and role.company_id != company.pk:
        raise ValueError("The company role belongs to another company.")


def assert_roles_of(company: Company, roles: Iterable[CompanyRole]) -> list[CompanyRole]:
    roles = list(roles)
    for role in roles:
        assert_role_of(company, role)
    return roles


def lock_draft(workflow: WorkflowDefinition) -> None:
    """Lock the workflow row and check it is still a draft (another tab may have published it).

    Callers are atomic, so the lock holds until their change is written.
    """
    status = (
        WorkflowDefinition.objects.select_for_update().filter(pk=workflow.pk).values_list("status", flat=True).first()
    )
    if status is None:
        raise NotEditable(f"{workflow} no longer exists; it was discarded.")
    workflow.status = status
    if not workflow.is_editable:
        raise NotEditable(f"{workflow} is {workflow.get_status_display().lower()}; edit its draft instead.")
