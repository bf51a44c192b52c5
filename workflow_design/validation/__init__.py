"""The one definition validator: the editor, publishing, ticket types and the bundle importer use it.

- `shape`: a document's shape, by the bundle's JSON Schema, in our words;
- `fields_schema`: the JSON Schema subset that ticket and task forms are made of;
- `workflows` and `graph`: tasks, arrows, transforms, roles, durations, reachability;
- `ticket_types`: a ticket type's fields, workflow and roles;
- `stored`: the same rules for stored definitions (turned into documents first).

Nothing here raises on bad input: each finding is a `Problem` with a path and a sentence.
"""

from workflow_design.validation.fields_schema import schema_field_names, validate_fields_schema
from workflow_design.validation.shape import shape_problems
from workflow_design.validation.stored import company_role_names, ticket_type_problems, workflow_problems
from workflow_design.validation.ticket_types import (
    ticket_type_rule_problems,
    validate_ticket_type_doc,
    workflow_ticket_variables,
)
from workflow_design.validation.workflows import (
    task_output_fields,
    validate_transform,
    validate_workflow_doc,
    workflow_rule_problems,
)

__all__ = [
    "company_role_names",
    "schema_field_names",
    "shape_problems",
    "task_output_fields",
    "ticket_type_problems",
    "ticket_type_rule_problems",
    "validate_fields_schema",
    "validate_ticket_type_doc",
    "validate_transform",
    "validate_workflow_doc",
    "workflow_problems",
    "workflow_rule_problems",
    "workflow_ticket_variables",
]
