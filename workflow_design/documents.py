"""Stored definitions as `ticketflower/v1` documents, and documents in the form export writes.

Everything reads the field table (`workflow_design.definition_fields`), so a
field is converted in one place whichever way it goes.
"""

from __future__ import annotations

from workflow_design.definition_fields import (
    TASK_FIELDS,
    TICKET_TYPE_FIELDS,
    TRANSITION_FIELDS,
    WORKFLOW_FIELDS,
)
from workflow_design.models import TicketDefinition, WorkflowDefinition


def workflow_doc_with_ids(workflow: WorkflowDefinition) -> tuple[dict, list[str], list[int]]:
    """The workflow's document, plus the task keys and arrow ids in document order."""
    tasks = list(workflow.tasks.select_related("assignee_role").order_by("position", "id"))
    transitions = list(workflow.transitions.select_related("from_task", "to_task").order_by("priority", "id"))
    doc = WORKFLOW_FIELDS.to_doc(workflow)
    doc["tasks"] = [TASK_FIELDS.to_doc(task) for task in tasks]
    doc["transitions"] = [TRANSITION_FIELDS.to_doc(transition) for transition in transitions]
    return doc, [task.key for task in tasks], [transition.pk for transition in transitions]


def workflow_to_doc(workflow: WorkflowDefinition) -> dict:
    """One workflow version as a bundle document (tasks by position, arrows by priority)."""
    return workflow_doc_with_ids(workflow)[0]


def ticket_type_to_doc(ticket_type: TicketDefinition) -> dict:
    # An unsaved ticket type (a form being checked) has no roles yet.
    roles = [] if ticket_type.pk is None else None
    return TICKET_TYPE_FIELDS.to_doc(ticket_type, **({"allowed_roles": roles} if roles is not None else {}))


def normalize_workflow_doc(doc: dict) -> dict:
    """A valid workflow document in the form export writes (defaults filled, canonical values)."""
    normal = WORKFLOW_FIELDS.normalize(doc)
    normal["tasks"] = [TASK_FIELDS.normalize(task) for task in doc["tasks"]]
    transitions = [TRANSITION_FIELDS.normalize(item) for item in doc["transitions"]]
    # Export lists arrows by priority, then in the order they were created (= document order).
    normal["transitions"] = sorted(transitions, key=lambda item: item["priority"])
    return normal


def normalize_ticket_type_doc(doc: dict) -> dict:
    return TICKET_TYPE_FIELDS.normalize(doc)
