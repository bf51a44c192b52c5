"""The rules of a workflow document beyond its shape: tasks, arrows, transforms, roles, durations.

`validate_workflow_doc` checks shape (the bundle schema) and these rules;
`workflow_rule_problems` only the rules, for callers that checked the shape of a
whole bundle already. Both take documents as bundles write them, and never raise
on bad input: values of the wrong type are skipped (the shape check names them).
They end with the lint (`validation.lint`): warnings, which block nothing.

Messages name tasks and arrows by their titles (`validation.names`); the path says
where in the document.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings

from ticketflower.outbound import TargetRefused, check_action_url, check_link_url
from workflow_design.durations import parse_iso_duration
from workflow_design.jsonlogic import UnknownVariableHint, known_variables, validate_jsonlogic
from workflow_design.limits import FIELD_NAME_PATTERN, MAX_DURATION
from workflow_design.models import SAME_AS_PREFIX
from workflow_design.problems import Problem, join, quote, under
from workflow_design.validation.conditions import RuleScope, condition_problems, rule_scope, task_output_fields
from workflow_design.validation.fields_schema import schema_field_names, validate_fields_schema
from workflow_design.validation.graph import graph_problems
from workflow_design.validation.lint import lint_problems
from workflow_design.validation.names import arrow_name, task_name, task_ref
from workflow_design.validation.shape import shape_problems

ACTION_TASK_TYPES = ("SYNC_ACTION", "ASYNC_ACTION")


def typed(doc: Any, key: str, kind: type | tuple[type, ...], default: Any = None) -> Any:
    """`doc[key]` if `doc` is an object and the value has the right type, else `default`."""
    if not isinstance(doc, dict):
        return default
    value = doc.get(key, default)
    if isinstance(value, bool) and bool not in (kind if isinstance(kind, tuple) else (kind,)):
        return default
    return value if isinstance(value, kind) else default


def fold(names: Iterable[Any]) -> set[str]:
    return {name.casefold() for name in names if isinstance(name, str)}


__all__ = ["task_output_fields", "validate_transform", "validate_workflow_doc", "workflow_rule_problems"]


def validate_workflow_doc(
    doc: Any, *, path: str, company_role_names: set[str], ticket_types: list[dict] | None = None
) -> list[Problem]:
    """Shape and rules of one workflow document."""
    problems = shape_problems(doc, definition="workflow", path=path)
    return problems + workflow_rule_problems(
        doc, path=path, company_role_names=company_role_names, ticket_types=ticket_types
    )


def workflow_tasks_by_key(doc: Any) -> dict[str, dict]:
    """The workflow document's tasks by key (the first of each key)."""
    task_docs: dict[str, dict] = {}
    for task in typed(doc, "tasks", list, []):
        key = typed(task, "key", str)
        if key is not None:
            task_docs.setdefault(key, task)
    return task_docs


def workflow_rule_problems(
    doc: Any, *, path: str, company_role_names: set[str], ticket_types: list[dict] | None = None
) -> list[Problem]:
    """Tasks, rules and graph of one workflow document whose shape was checked elsewhere, then the lint.

    `ticket_types`: the documents of the ticket types that start this workflow, when
    known; a rule reading a ticket field one of them lacks is a problem at the rule.
    """
    if not isinstance(doc, dict):
        return []
    problems = ext_ref_problems(doc.get("ext_ref"), join(path, "ext_ref"))
    tasks = typed(doc, "tasks", list, [])
    transitions = typed(doc, "transitions", list, [])

    # Task keys first: every rule below refers to tasks by key.
    task_docs: dict[str, dict] = {}
    for index, task in enumerate(tasks):
        key = typed(task, "key", str)
        if key is None:
            continue
        if key in task_docs:
            problems.append(
                Problem(
                    join(join(path, "tasks"), index),
                    f"{task_name(task)}: its key {quote(key)} is used by another task too; keys must be unique.",
                )
            )
        else:
            task_docs[key] = task
    scope = rule_scope(task_docs, ticket_types)
    roles = fold(company_role_names)
    for index, task in enumerate(tasks):
        problems += _task_problems(task, join(join(path, "tasks"), index), scope=scope, roles=roles)
        problems += _assignment_problems(task, join(join(path, "tasks"), index), task_docs)
    broken = set()
    for index, transition in enumerate(transitions):
        found = _transition_problems(transition, join(join(path, "transitions"), index), task_docs, scope)
        if found:
            broken.add(index)
        problems += found
    problems += graph_problems(tasks, transitions, task_docs, path)
    problems += lint_problems(tasks, transitions, task_docs, scope, path, broken=broken)
    return problems


def ext_ref_problems(value: Any, path: str) -> list[Problem]:
    """Links to outside documents are shown to people: http(s) only."""
    problems = []
    for index, item in enumerate(value if isinstance(value, list) else []):
        uri = typed(item, "uri", str)
        if uri is None:
            continue
        try:
            check_link_url(uri)
        except TargetRefused as refused:
            message = f"The link {quote(uri)} cannot be used. {refused}"
            problems.append(Problem(join(join(path, index), "uri"), message))
    return problems


def _task_problems(task: Any, path: str, *, scope: RuleScope, roles: set[str]) -> list[Problem]:
    if not isinstance(task, dict):
        return []
    name = task_name(task)
    problems = [under(name, problem) for problem in ext_ref_problems(task.get("ext_ref"), join(path, "ext_ref"))]
    for schema_key in ("input_schema", "output_schema"):
        schema = typed(task, schema_key, dict)
        if schema is not None:
            problems += [under(name, problem) for problem in validate_fields_schema(schema, join(path, schema_key))]
    problems += validate_transform(
        task.get("input_transform"),
        variables=scope.variables,
        path=join(path, "input_transform"),
        what=f"{name}: the input transform",
        schema=task.get("input_schema"),
        explain=scope.explain,
    )
    task_type = typed(task, "type", str)
    if task_type in ACTION_TASK_TYPES:
        problems += _action_problems(name, task, path)
        problems += validate_transform(
            typed(task, "output_transform", dict),
            variables=scope.variables | known_variables(task_outputs={}, for_output_transform=True),
            path=join(path, "output_transform"),
            what=f"{name}: the output transform",
            schema=task.get("output_schema"),
            explain=scope.explain,
        )
    elif task_type == "FORM":
        # Values of the wrong type are the shape check's to name.
        settings_of_actions = {
            "action_url": typed(task, "action_url", str),
            "timeout_seconds": typed(task, "timeout_seconds", int),
            "output_transform": typed(task, "output_transform", dict),
        }
        for setting, value in settings_of_actions.items():
            if value not in (None, ""):
                problems.append(
                    Problem(join(path, setting), f"{name} is a FORM task; remove {setting} (only actions have it).")
                )
    role = typed(task, "assignee_role", str)
    if role is not None and role.casefold() not in roles:
        problems.append(
            Problem(
                join(path, "assignee_role"),
                f"{name}: company role {quote(role)} does not exist in this company or in the bundle's company_roles.",
            )
        )
    problems += _duration_problems(name, task, path)
    return problems


def _assignment_problems(task: Any, path: str, task_docs: dict[str, dict]) -> list[Problem]:
    """`same_as:<key>` names another task of this workflow (whoever completed it does this one)."""
    assignment = typed(task, "assignment", str) or ""
    if not assignment.startswith(SAME_AS_PREFIX):
        return []
    other = assignment.removeprefix(SAME_AS_PREFIX)
    key = typed(task, "key", str)
    name = task_name(task)
    if other == key:
        message = f"{name} cannot go to whoever did itself; a task done again goes to its last assignee anyway."
        return [Problem(join(path, "assignment"), message)]
    if other not in task_docs:
        return [
            Problem(join(path, "assignment"), f"{name} goes to whoever did task {quote(other)}, which does not exist.")
        ]
    return []


def _action_problems(name: str, task: dict, path: str) -> list[Problem]:
    problems = []
    action_url = typed(task, "action_url", str)
    if not action_url:
        if task.get("action_url") in (None, ""):
            problems.append(Problem(join(path, "action_url"), f"{name} is an action; it needs an http(s) action_url."))
    else:
        try:
            check_action_url(action_url, allow_private=settings.ACTIONS_ALLOW_PRIVATE_TARGETS)
        except TargetRefused as refused:
            message = f"{name}: the action URL {quote(action_url)} cannot be used. {refused}"
            problems.append(Problem(join(path, "action_url"), message))
    if task.get("timeout_seconds") is None:
        problems.append(Problem(join(path, "timeout_seconds"), f"{name} is an action; set timeout_seconds (1 to 60)."))
    return problems


def _duration_problems(name: str, task: dict, path: str) -> list[Problem]:
    problems = []
    parsed: dict[str, timedelta] = {}
    for setting in ("remind_after", "escalate_after"):
        value = typed(task, setting, str)
        if value is None:
            continue
        try:
            parsed[setting] = parse_iso_duration(value)
        except ValueError:
            problems.append(
                Problem(
                    join(path, setting),
                    f"{name}: {setting} {quote(value)} is not an ISO 8601 duration such as 'PT6H' or 'P1D' "
                    "(days, hours, minutes, seconds).",
                )
            )
            continue
        if parsed[setting] <= timedelta(0):
            problems.append(Problem(join(path, setting), f"{name}: {setting} must be longer than zero."))
        elif parsed[setting] > MAX_DURATION:
            problems.append(Problem(join(path, setting), f"{name}: {setting} must be at most 365 days (P365D)."))
    if "remind_after" in parsed and "escalate_after" in parsed and parsed["escalate_after"] < parsed["remind_after"]:
        problems.append(
            Problem(join(path, "escalate_after"), f"{name}: escalate_after must not be shorter than remind_after.")
        )
    return problems


def _transition_problems(transition: Any, path: str, task_docs: dict[str, dict], scope: RuleScope) -> list[Problem]:
    if not isinstance(transition, dict):
        return []
    name = arrow_name(transition, task_docs)
    problems = []
    for end in ("from", "to"):
        key = typed(transition, end, str)
        if key is not None and key not in task_docs:
            # Named by its other end: "Arrow from “Quote”: its 'to' names task 'aprove', …".
            other = arrow_name({side: value for side, value in transition.items() if side != end}, task_docs)
            problems.append(
                Problem(join(path, end), f"{other}: its '{end}' names task {quote(key)}, which does not exist.")
            )
    ends = "to" in transition and transition["to"] is None and typed(transition, "from", str) is not None
    if ends and not (typed(transition, "label", str) or "").strip():
        problems.append(
            Problem(
                join(path, "label"),
                f"{name} needs a label: it becomes the ticket's outcome (for example “Approved”).",
            )
        )
    condition = transition.get("condition")
    if condition is not None:
        if "from" in transition and transition["from"] is None:
            problems.append(
                Problem(
                    join(path, "condition"),
                    f"The start arrow (to {task_ref(transition.get('to'), task_docs)}) cannot have a condition.",
                )
            )
        else:
            problems += [
                under(name, problem) for problem in condition_problems(condition, scope, join(path, "condition"))
            ]
    return problems


def validate_transform(
    transform: Any,
    *,
    variables: set[str],
    path: str,
    what: str,
    schema: Any,
    explain: UnknownVariableHint | None = None,
) -> list[Problem]:
    """A transform maps output field -> JsonLogic rule; `explain` says why a variable is unknown."""
    if transform is None:
        return []
    if not isinstance(transform, dict):
        return [Problem(path, f"{what} must be an object mapping field names to JsonLogic rules.")]
    declared = schema_field_names(schema)
    problems = []
    for name, rule in transform.items():
        where = join(path, str(name))
        if not isinstance(name, str) or not FIELD_NAME_PATTERN.match(name):
            problems.append(Problem(where, f"{what}: {quote(name)} is not a valid field name."))
        elif declared and name not in declared:
            problems.append(Problem(where, f"{what}: field {quote(name)} is not in the matching schema."))
        problems += [
            under(what, problem)
            for problem in validate_jsonlogic(rule, variables=variables, path=where, explain=explain)
        ]
    return problems
