"""The rules of a ticket-type document beyond its shape: fields, workflow, roles."""

from __future__ import annotations

from typing import Any

from workflow_design.jsonlogic import jsonlogic_variables
from workflow_design.problems import Problem, join, quote
from workflow_design.validation.fields_schema import schema_field_names, validate_fields_schema
from workflow_design.validation.shape import shape_problems
from workflow_design.validation.workflows import ext_ref_problems, fold, typed


def validate_ticket_type_doc(
    doc: Any,
    *,
    path: str,
    workflow_keys: set[str],
    company_role_names: set[str],
    workflow_docs: dict | None = None,
) -> list[Problem]:
    """Shape and rules of one ticket-type document."""
    problems = shape_problems(doc, definition="ticket_definition", path=path)
    return problems + ticket_type_rule_problems(
        doc,
        path=path,
        workflow_keys=workflow_keys,
        company_role_names=company_role_names,
        workflow_docs=workflow_docs,
    )


def ticket_type_rule_problems(
    doc: Any,
    *,
    path: str,
    workflow_keys: set[str],
    company_role_names: set[str],
    workflow_docs: dict | None = None,
) -> list[Problem]:
    """Fields schema, workflow and roles of a ticket-type document whose shape was checked elsewhere.

    With `workflow_docs` (key -> workflow document), the ticket fields its workflow
    reads (`ticket.<field>`) must exist in `fields_schema`.
    """
    if not isinstance(doc, dict):
        return []
    key = typed(doc, "key", str)
    name = f"Ticket type {quote(key)}" if key else "The ticket type"
    problems = ext_ref_problems(doc.get("ext_ref"), join(path, "ext_ref"))
    schema = typed(doc, "fields_schema", dict, {})
    schema_problems = validate_fields_schema(schema, join(path, "fields_schema"))
    problems += schema_problems
    workflow_key = typed(doc, "workflow_key", str)
    if workflow_key is not None and workflow_key not in workflow_keys:
        problems.append(
            Problem(
                join(path, "workflow_key"),
                f"{name}: workflow {quote(workflow_key)} is neither in the bundle nor published in this company.",
            )
        )
    roles = fold(company_role_names)
    allowed = typed(doc, "allowed_roles", list, [])
    for index, role in enumerate(allowed):
        if isinstance(role, str) and role.casefold() not in roles:
            problems.append(
                Problem(
                    join(join(path, "allowed_roles"), index),
                    f"{name}: company role {quote(role)} does not exist in this company or in the bundle's "
                    "company_roles.",
                )
            )
    names = [role for role in allowed if isinstance(role, str)]
    if len(fold(names)) != len(names) and len(set(names)) == len(names):
        problems.append(Problem(join(path, "allowed_roles"), f"{name}: allowed_roles lists a role more than once."))
    workflow_doc = (workflow_docs or {}).get(workflow_key) if workflow_key else None
    if isinstance(workflow_doc, dict) and not schema_problems:
        fields = set(schema_field_names(schema))
        missing = sorted({var.split(".")[1] for var in workflow_ticket_variables(workflow_doc)} - fields - {""})
        if missing:
            listed = ", ".join(repr(field) for field in missing)
            problems.append(
                Problem(
                    join(path, "fields_schema"),
                    f"{name}: its workflow {quote(workflow_key)} reads ticket field(s) {listed}, "
                    "which this ticket type does not have.",
                )
            )
    return problems


def workflow_ticket_variables(workflow_doc: dict) -> set[str]:
    """`ticket.<field>` names read by a workflow's conditions and transforms."""
    rules: list[Any] = []
    for transition in typed(workflow_doc, "transitions", list, []):
        if isinstance(transition, dict):
            rules.append(transition.get("condition"))
    for task in typed(workflow_doc, "tasks", list, []):
        if isinstance(task, dict):
            for key in ("input_transform", "output_transform"):
                if isinstance(task.get(key), dict):
                    rules += list(task[key].values())
    names = set()
    for rule in rules:
        names |= {name for name in jsonlogic_variables(rule) if name.startswith("ticket.")}
    return names
