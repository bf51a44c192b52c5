"""Problems of stored definitions: each is turned into its document and checked by the same rules."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

from users.models import Company, CompanyRole
from workflow_design.documents import ticket_type_to_doc, workflow_doc_with_ids, workflow_to_doc
from workflow_design.models import DefinitionStatus, TicketDefinition, WorkflowDefinition
from workflow_design.problems import Problem, quote
from workflow_design.validation.conditions import RuleScope, rule_scope
from workflow_design.validation.ticket_types import ticket_type_rule_problems
from workflow_design.validation.workflows import workflow_rule_problems, workflow_tasks_by_key

_TASK_PATH = re.compile(r"^tasks\[(\d+)\]")
_TRANSITION_PATH = re.compile(r"^transitions\[(\d+)\]")


def company_role_names(company: Company) -> set[str]:
    return set(CompanyRole.objects.for_company(company).values_list("name", flat=True))


def workflow_ticket_type_docs(company: Company, workflow_key: str, *, exclude: Iterable[str] = ()) -> list[dict]:
    """The ticket types that start (or will start) a workflow key, as far as its rules care:
    key, title and fields. Drafts count (they are being made for it); retired ones do not."""
    rows = (
        TicketDefinition.objects.for_company(company)
        .filter(workflow_key=workflow_key)
        .exclude(status=DefinitionStatus.RETIRED)
        .exclude(key__in=exclude)
        .order_by("title", "key")
        .values("key", "title", "fields_schema")
    )
    return [dict(row, fields_schema=row["fields_schema"] or {}) for row in rows]


def workflow_problems(workflow: WorkflowDefinition, *, with_ticket_types: bool = True) -> list[Problem]:
    """Problems (errors and warnings) of a stored workflow version, located for the editor.

    Task problems have paths `tasks.<key>...` and `task_key`; arrow problems keep
    `transitions[i]...` (i in the editor's order) and carry `transition_id`.
    Rules reading ticket fields are checked against the ticket types of the
    workflow's key, unless `with_ticket_types` is false (the importer checked them
    against the bundle's ticket types already).
    """
    doc, task_keys, transition_ids = workflow_doc_with_ids(workflow)
    ticket_types = workflow_ticket_type_docs(workflow.company, workflow.key) if with_ticket_types else None
    problems = []
    for problem in workflow_rule_problems(
        doc, path="", company_role_names=company_role_names(workflow.company), ticket_types=ticket_types
    ):
        if match := _TASK_PATH.match(problem.path):
            key = task_keys[int(match.group(1))]
            problem = replace(problem, path=f"tasks.{key}{problem.path[match.end() :]}", task_key=key)
        elif match := _TRANSITION_PATH.match(problem.path):
            problem = replace(problem, transition_id=transition_ids[int(match.group(1))])
        problems.append(problem)
    return problems


def workflow_rule_scope(workflow: WorkflowDefinition) -> RuleScope:
    """What the rules of a stored workflow version may read (for the arrow form)."""
    doc = workflow_to_doc(workflow)
    return rule_scope(workflow_tasks_by_key(doc), workflow_ticket_type_docs(workflow.company, workflow.key))


def ticket_type_problems(ticket_type: TicketDefinition, *, workflow: WorkflowDefinition | None = None) -> list[Problem]:
    """Problems of a stored ticket type; its workflow must have a published version.

    `workflow`: check against this version instead (one about to be published).
    """
    company = ticket_type.company
    published = workflow or (
        WorkflowDefinition.objects.for_company(company).published().filter(key=ticket_type.workflow_key).first()
    )
    workflow_docs = {published.key: workflow_to_doc(published)} if published else {}
    problems = ticket_type_rule_problems(
        ticket_type_to_doc(ticket_type),
        path="",
        workflow_keys={ticket_type.workflow_key},
        company_role_names=company_role_names(company),
        workflow_docs=workflow_docs,
    )
    if published is None:
        problems.append(
            Problem(
                "workflow_key",
                f"Workflow {quote(ticket_type.workflow_key)} has no published version in this company; "
                "publish it first.",
            )
        )
    return problems
