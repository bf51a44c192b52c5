"""Ticket types: create, edit, publish, retire; and create-or-update for bundle imports.

A ticket type is edited in place; tickets keep the `version` and a snapshot of
the fields they were submitted with, so `version` counts real changes only.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from users.models import Company, CompanyRole
from users.services import Actor
from workflow_design.definition_fields import TICKET_TYPE_FIELDS
from workflow_design.models import DefinitionEvent, DefinitionStatus, TicketDefinition
from workflow_design.services.common import (
    InvalidDefinition,
    actor_user,
    assert_actor_of,
    assert_roles_of,
    record_event,
    unique_key,
)
from workflow_design.validation import ticket_type_problems

Action = DefinitionEvent.Action


def _record(ticket_type: TicketDefinition, actor: Actor | None, action: str, detail: str = "") -> None:
    record_event(
        company=ticket_type.company,
        actor=actor,
        action=action,
        subject=ticket_type.key,
        version=ticket_type.version,
        detail=detail,
    )


# What the services may set besides title, workflow and roles (the field table says which).
TICKET_TYPE_SETTINGS = TICKET_TYPE_FIELDS.editable_attrs - {"title", "workflow_key", "allowed_roles"}


def _settings(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - TICKET_TYPE_SETTINGS
    if unknown:
        raise TypeError(f"Unknown ticket type fields: {sorted(unknown)}")
    cleaned = dict(fields)
    for name in ("description",):
        if name in cleaned:
            cleaned[name] = (cleaned[name] or "").strip()
    if "fields_schema" in cleaned:
        cleaned["fields_schema"] = cleaned["fields_schema"] or {}
    if "ext_ref" in cleaned:
        cleaned["ext_ref"] = cleaned["ext_ref"] or []
    return cleaned


@transaction.atomic
def ticket_type_create(
    *,
    company: Company,
    actor: Actor | None,
    title: str,
    workflow_key: str,
    key: str = "",
    allowed_roles: Iterable[CompanyRole] = (),
    **fields: Any,
) -> TicketDefinition:
    """A new ticket type, as a draft. `fields`: other settings of the field table (description, …)."""
    assert_actor_of(company, actor)
    roles = assert_roles_of(company, allowed_roles)
    taken = TicketDefinition.objects.for_company(company).values_list("key", flat=True)
    ticket_type = TicketDefinition.objects.create(
        company=company,
        key=key or unique_key(title, taken, fallback="ticket"),
        title=title.strip(),
        workflow_key=workflow_key,
        created_by=actor_user(actor),
        **_settings(fields),
    )
    ticket_type.allowed_roles.set(roles)
    _record(ticket_type, actor, Action.TICKET_TYPE_CREATED)
    return ticket_type


@transaction.atomic
def ticket_type_update(
    *,
    ticket_type: TicketDefinition,
    actor: Actor | None,
    title: str,
    workflow_key: str,
    allowed_roles: Iterable[CompanyRole] = (),
    **fields: Any,
) -> tuple[TicketDefinition, bool]:
    """Save changes (settings not named keep their value); returns the ticket type and whether anything changed.

    A real change bumps `version`; saving the same values changes nothing. A
    published ticket type must stay valid, or the change is refused (InvalidDefinition).
    """
    ticket_type = TicketDefinition.objects.select_for_update().get(pk=ticket_type.pk)
    roles = assert_roles_of(ticket_type.company, allowed_roles)
    values: dict[str, Any] = {"title": title.strip(), "workflow_key": workflow_key, **_settings(fields)}
    changed = [name for name, value in values.items() if getattr(ticket_type, name) != value]
    roles_changed = {role.pk for role in roles} != set(ticket_type.allowed_roles.values_list("pk", flat=True))
    if not changed and not roles_changed:
        return ticket_type, False
    for name in changed:
        setattr(ticket_type, name, values[name])
    if ticket_type.status == DefinitionStatus.PUBLISHED:
        problems = ticket_type_problems(ticket_type)
        if problems:
            raise InvalidDefinition(problems)
    ticket_type.version += 1
    ticket_type.save(update_fields=[*changed, "version", "updated_at"])
    if roles_changed:
        ticket_type.allowed_roles.set(roles)
    what = ", ".join(changed + (["allowed roles"] if roles_changed else []))
    _record(ticket_type, actor, Action.TICKET_TYPE_EDITED, f"Changed: {what}.")
    return ticket_type, True


@transaction.atomic
def ticket_type_publish(*, ticket_type: TicketDefinition, actor: Actor | None) -> TicketDefinition:
    """Open a valid ticket type for submissions."""
    problems = ticket_type_problems(ticket_type)
    if problems:
        raise InvalidDefinition(problems)
    ticket_type.publish()
    ticket_type.save(update_fields=["status", "updated_at"])
    _record(ticket_type, actor, Action.TICKET_TYPE_PUBLISHED)
    return ticket_type


@transaction.atomic
def ticket_type_retire(*, ticket_type: TicketDefinition, actor: Actor | None) -> TicketDefinition:
    """Stop new submissions; existing tickets are untouched."""
    ticket_type.retire()
    ticket_type.save(update_fields=["status", "updated_at"])
    _record(ticket_type, actor, Action.TICKET_TYPE_RETIRED)
    return ticket_type


@transaction.atomic
def ticket_type_upsert(
    *,
    company: Company,
    actor: Actor | None,
    key: str,
    title: str,
    workflow_key: str,
    allowed_roles: Iterable[CompanyRole] = (),
    **fields: Any,
) -> tuple[TicketDefinition, str]:
    """Create or update the ticket type `key` and publish it.

    Returns it and what happened: "created", "updated" or "unchanged". Publishing
    requires a valid definition whose workflow has a published version (InvalidDefinition).
    """
    assert_actor_of(company, actor)
    existing = TicketDefinition.objects.for_company(company).select_for_update().filter(key=key).first()
    values = {"title": title, "workflow_key": workflow_key, "allowed_roles": allowed_roles, **fields}
    if existing is None:
        ticket_type = ticket_type_create(company=company, actor=actor, key=key, **values)
        outcome = "created"
    else:
        ticket_type, changed = ticket_type_update(ticket_type=existing, actor=actor, **values)
        outcome = "updated" if changed else "unchanged"
    if ticket_type.status != DefinitionStatus.PUBLISHED:
        ticket_type_publish(ticket_type=ticket_type, actor=actor)
        outcome = "updated" if outcome == "unchanged" else outcome
    return ticket_type, outcome
