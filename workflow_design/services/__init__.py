"""Writes to definitions. Each function is keyword-only and atomic, takes the acting person
(`users.services.Actor`, or None for the system) and records a DefinitionEvent.

- `workflows`: create, edit details, start a draft, publish, discard;
- `tasks`: the tasks and arrows of a draft;
- `ticket_types`: create, edit, publish, retire, create-or-update;
- `imports`: plan and import a bundle.
"""

from workflow_design.services.common import InvalidDefinition, NotEditable, unique_key
from workflow_design.services.imports import (
    DraftsInTheWay,
    ImportPlan,
    ImportResult,
    PlanChanged,
    bundle_import,
    bundle_import_plan,
)
from workflow_design.services.tasks import (
    task_create,
    task_delete,
    task_move,
    task_update,
    transition_create,
    transition_delete,
    transition_update,
)
from workflow_design.services.ticket_types import (
    ticket_type_create,
    ticket_type_publish,
    ticket_type_retire,
    ticket_type_update,
    ticket_type_upsert,
)
from workflow_design.services.workflows import (
    published_ticket_type_problems,
    workflow_create,
    workflow_discard_draft,
    workflow_draft_for_editing,
    workflow_publish,
    workflow_update_details,
)

__all__ = [
    "DraftsInTheWay",
    "ImportPlan",
    "ImportResult",
    "InvalidDefinition",
    "NotEditable",
    "PlanChanged",
    "bundle_import",
    "bundle_import_plan",
    "published_ticket_type_problems",
    "task_create",
    "task_delete",
    "task_move",
    "task_update",
    "ticket_type_create",
    "ticket_type_publish",
    "ticket_type_retire",
    "ticket_type_update",
    "ticket_type_upsert",
    "transition_create",
    "transition_delete",
    "transition_update",
    "unique_key",
    "workflow_create",
    "workflow_discard_draft",
    "workflow_draft_for_editing",
    "workflow_publish",
    "workflow_update_details",
]
