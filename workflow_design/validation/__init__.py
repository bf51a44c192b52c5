"""The one definition validator: the editor, publishing, ticket types and the bundle importer use it.

- `shape`: a document's shape, by the bundle's JSON Schema, in our words;
- `fields_schema`: the JSON Schema subset that ticket and task forms are made of;
- `workflows` and `graph`: tasks, arrows, transforms, roles, durations, reachability;
- `conditions`: what rules may read, and fields with choices compared with values they cannot hold;
- `lint`: warnings (a task where a ticket can stop, arrows with the same priority, …);
- `names`: tasks and arrows named by their titles in messages;
- `ticket_types`: a ticket type's fields, workflow and roles;
- `stored`: the same rules for stored definitions (turned into documents first).

Nothing here raises on bad input: each finding is a `Problem` with a path and a sentence,
and a severity: errors block publishing and importing, warnings do not.
"""

from workflow_design.validation.conditions import RuleScope, condition_problems, rule_scope
from workflow_design.validation.fields_schema import schema_field_names, validate_fields_schema
from workflow_design.validation.shape import shape_problems
from workflow_design.validation.stored import (
    company_role_names,
    ticket_type_problems,
    workflow_problems,
    workflow_rule_scope,
    workflow_ticket_type_docs,
)
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
    workflow_tasks_by_key,
)

__all__ = [
    "RuleScope",
    "condition_problems",
    "rule_scope",
    "workflow_rule_scope",
    "workflow_ticket_type_docs",
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
    "workflow_tasks_by_key",
    "workflow_ticket_variables",
]
