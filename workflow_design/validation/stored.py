"""Problems of stored definitions: each is turned into its document and checked by the same rules."""

from __future__ import annotations

import re

from users.models import Company, CompanyRole
from workflow_design.documents import ticket_type_to_doc, workflow_doc_with_ids, workflow_to_doc
from workflow_design.models import TicketDefinition, WorkflowDefinition
from workflow_design.problems import Problem, quote
from workflow_design.validation.ticket_types import ticket_type_rule_problems
from workflow_design.validation.workflows import workflow_rule_problems

_TASK_PATH = re.compile(r"^tasks\[(\d+)\]")
_TRANSITION_PATH = re.compile(r"^transitions\[(\d+)\]")


def company_role_names(company: Company) -> set[str]:
    return set(CompanyRole.objects.for_company(company).values_list("name", flat=True))


def workflow_problems(workflow: WorkflowDefinition) -> list[Problem]:
    """Problems of a stored workflow version, located for the editor.

    Task problems have paths `tasks.<key>...` and `task_key`; arrow problems keep
    `transitions[i]...` (i in the editor's order) and carry `transition_id`.
    """
    doc, task_keys, transition_ids = workflow_doc_with_ids(workflow)
    problems = []
    for problem in workflow_rule_problems(doc, path="", company_role_names=company_role_names(workflow.company)):
        if match := _TASK_PATH.match(problem.path):
            key = task_keys[int(match.group(1))]
            problem = Problem(f"tasks.{key}{problem.path[match.end() :]}", problem.message, task_key=key)
        elif match := _TRANSITION_PATH.match(problem.path):
            problem = Problem(problem.path, problem.message, transition_id=transition_ids[int(match.group(1))])
        problems.append(problem)
    return problems


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
