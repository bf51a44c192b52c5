"""What the rules of one workflow may read, and the checks every rule and condition gets.

`rule_scope` gathers what a workflow's conditions and transforms can read: each
task's outputs and, when the ticket types that start the workflow are known, their
fields (otherwise any `ticket.<field>` is accepted: a workflow alone does not know
its ticket types). It also knows each field's choices and whether it is always
filled, for the choice checks here and the lint in `validation.lint`.

- `rule_problems`: JsonLogic the engine can run, reading only what exists; an
  unknown variable is explained ("ticket type “Purchase” has no field 'budget' …").
- `condition_problems`: that, plus comparisons of a field with choices against a
  value that is not one of them (`decision == 'Approve'` when the choices are
  approve / reject): such an arrow can never be taken.

The editor's arrow form, publishing and the bundle importer all call these.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from workflow_design.jsonlogic import RuleError, is_true, validate_jsonlogic
from workflow_design.problems import Problem, join, quote
from workflow_design.schema_builder import display_variable
from workflow_design.validation.fields_schema import schema_field_names
from workflow_design.validation.names import titled

MAX_LISTED = 40
# Each comparison, and the equality it negates or is: "!=" is "not ==" (with JsonLogic's loose equality).
_EQUALITIES = {"==": "==", "!=": "==", "===": "===", "!==": "==="}
_NEGATED = {"!=", "!=="}
# Operators whose second argument is evaluated per item, with its own variables.
_SCOPED = {"map", "reduce"}
_NESTED_TYPES = ("array", "object")


def listing(names: Iterable[str], limit: int = MAX_LISTED) -> str:
    """ "a, b, c", or "a, b …and 3 more" past `limit`: nothing is cut without saying so."""
    names = list(names)
    shown = ", ".join(names[:limit])
    return f"{shown} …and {len(names) - limit} more" if len(names) > limit else shown


def shown_value(value: Any) -> str:
    """A value as conditions show it: 'reject', true, empty."""
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "true" if value else "false"
    return quote(value) if isinstance(value, str) else str(value)


def task_output_fields(task: dict) -> list[str]:
    """What a task adds under `tasks.<key>`: its output schema's fields and output transform keys."""
    fields = schema_field_names(task.get("output_schema"))
    transform = task.get("output_transform")
    if isinstance(transform, dict):
        fields += [name for name in transform if isinstance(name, str) and name not in fields]
    return fields


@dataclass(frozen=True)
class FieldFacts:
    """What the lint and the choice checks know of one readable field."""

    var: str
    choices: tuple[str, ...] | None = None  # a field with choices (a string enum)
    item_choices: tuple[str, ...] | None = None  # a multi-choice field (a list of choices)
    boolean: bool = False
    always_filled: bool = False  # required, or a yes/no a form always answers

    @property
    def label(self) -> str:
        return display_variable(self.var)

    @property
    def values(self) -> list[Any] | None:
        """Every value the field can hold (None: empty), when they can be listed."""
        if self.choices is not None:
            values: list[Any] = list(self.choices)
        elif self.boolean:
            values = [True, False]
        else:
            return None
        return values if self.always_filled else [*values, None]


@dataclass(frozen=True)
class TicketTypeFacts:
    name: str  # “Purchase request”
    fields: tuple[str, ...]


def _properties(schema: Any) -> dict[str, dict]:
    properties = schema.get("properties") if isinstance(schema, dict) else None
    if not isinstance(properties, dict):
        return {}
    return {name: prop for name, prop in properties.items() if isinstance(name, str) and isinstance(prop, dict)}


def _required(schema: Any) -> set[str]:
    required = schema.get("required") if isinstance(schema, dict) else None
    return {name for name in required if isinstance(name, str)} if isinstance(required, list) else set()


def _strings(values: Any) -> tuple[str, ...] | None:
    if isinstance(values, list) and values and all(isinstance(value, str) for value in values):
        return tuple(values)
    return None


def _facts(var: str, prop: dict, *, required: bool, form_answers: bool) -> FieldFacts:
    items = prop.get("items")
    boolean = prop.get("type") == "boolean"
    return FieldFacts(
        var=var,
        choices=_strings(prop.get("enum")),
        item_choices=_strings(items.get("enum")) if prop.get("type") == "array" and isinstance(items, dict) else None,
        boolean=boolean,
        # A form always answers a yes/no field (unticked is false); only an action may leave it out.
        always_filled=required or (boolean and form_answers),
    )


def _readable(prefix: str, name: str, prop: dict | None) -> set[str]:
    """`prefix.name`, and below it for a list or an object (`ticket.lines.0.sku`)."""
    names = {f"{prefix}.{name}"}
    if prop is not None and prop.get("type") in _NESTED_TYPES:
        names.add(f"{prefix}.{name}.*")
    return names


@dataclass
class RuleScope:
    """What the rules of one workflow may read (see the module docstring)."""

    task_docs: dict[str, dict]
    ticket_types: list[TicketTypeFacts] | None
    variables: set[str] = field(default_factory=set)
    fields: dict[str, FieldFacts] = field(default_factory=dict)
    outputs: dict[str, list[str]] = field(default_factory=dict)

    def explain(self, name: str) -> str | None:
        """Why `name` is not readable, in words; None for the general hint."""
        parts = name.split(".")
        if parts[0] == "ticket" and len(parts) > 1 and self.ticket_types:
            lacking = [ticket for ticket in self.ticket_types if parts[1] not in ticket.fields]
            if not lacking:
                return None
            first = lacking[0]
            if len(lacking) == 1:
                fields = listing(first.fields) or "none"
                return f"ticket type {first.name} has no field {quote(parts[1])} (its fields: {fields})."
            names = ", ".join(ticket.name for ticket in lacking)
            return f"ticket types {names} have no field {quote(parts[1])}."
        if parts[0] == "tasks" and len(parts) > 2:
            key = parts[1]
            if key not in self.task_docs:
                keys = listing(quote(other) for other in self.task_docs) or "none"
                return f"this workflow has no task {quote(key)} (its task keys: {keys})."
            task = titled(self.task_docs[key]) or quote(key)
            outputs = self.outputs.get(key) or []
            if not outputs:
                return f"task {task} gives no outputs: its form has no fields."
            if parts[2] not in outputs:
                return f"task {task} has no output {quote(parts[2])} (its outputs: {listing(outputs)})."
        return None


def rule_scope(task_docs: dict[str, dict], ticket_types: list[dict] | None = None) -> RuleScope:
    """What the rules of a workflow with these tasks (key -> task document) may read.

    `ticket_types`: the documents of the ticket types that start the workflow (key,
    title, fields_schema); None or empty when they are not known: any `ticket.*` goes.
    """
    scope = RuleScope(task_docs=task_docs, ticket_types=None)
    for key, task in task_docs.items():
        schema = task.get("output_schema")
        properties, required = _properties(schema), _required(schema)
        form_answers = task.get("type") == "FORM"
        scope.outputs[key] = task_output_fields(task)
        for name in scope.outputs[key]:
            prop = properties.get(name)
            scope.variables |= _readable(f"tasks.{key}", name, prop)
            if prop is not None:
                var = f"tasks.{key}.{name}"
                scope.fields[var] = _facts(var, prop, required=name in required, form_answers=form_answers)
    # A ticket type whose fields are not even an object is the shape check's to name.
    tickets = [
        ticket
        for ticket in ticket_types or []
        if isinstance(ticket, dict) and isinstance(ticket.get("fields_schema", {}), dict)
    ]
    if not tickets:
        scope.variables.add("ticket.*")
        return scope
    scope.ticket_types = []
    shared: dict[str, list[FieldFacts]] | None = None
    for ticket in tickets:
        schema = ticket.get("fields_schema")
        properties, required = _properties(schema), _required(schema)
        title = ticket.get("title").strip() if isinstance(ticket.get("title"), str) else ""
        name = f"“{title}”" if title else quote(ticket.get("key") or "")
        scope.ticket_types.append(TicketTypeFacts(name=name, fields=tuple(properties)))
        facts = {
            field_name: [_facts(f"ticket.{field_name}", prop, required=field_name in required, form_answers=True)]
            for field_name, prop in properties.items()
        }
        # A rule may read only what every ticket type starting the workflow has.
        shared = facts if shared is None else {name: shared[name] + facts[name] for name in shared if name in facts}
    for name, per_type in (shared or {}).items():
        var = f"ticket.{name}"
        nested = any(
            prop.get("type") in _NESTED_TYPES
            for ticket in tickets
            for field_name, prop in _properties(ticket.get("fields_schema")).items()
            if field_name == name
        )
        scope.variables |= {var, f"{var}.*"} if nested else {var}
        scope.fields[var] = _merge(var, per_type)
    return scope


def _merge(var: str, per_type: list[FieldFacts]) -> FieldFacts:
    """One field as several ticket types have it: the choices of any, filled only if filled in all."""
    choices: list[str] | None = []
    for facts in per_type:
        if facts.choices is None or choices is None:
            choices = None
        else:
            choices += [choice for choice in facts.choices if choice not in choices]
    return FieldFacts(
        var=var,
        choices=tuple(choices) if choices else None,
        item_choices=per_type[0].item_choices if len(per_type) == 1 else None,
        boolean=all(facts.boolean for facts in per_type),
        always_filled=all(facts.always_filled for facts in per_type),
    )


# --- Checks -----------------------------------------------------------------------------------


def rule_problems(rule: Any, scope: RuleScope, path: str, *, extra: set[str] | None = None) -> list[Problem]:
    """JsonLogic the engine can run, reading only what `scope` (and `extra`) has; unknown names explained."""
    variables = scope.variables | (extra or set())
    return validate_jsonlogic(rule, variables=variables, path=path, explain=scope.explain)


def condition_problems(rule: Any, scope: RuleScope, path: str) -> list[Problem]:
    """An arrow's condition: `rule_problems`, then comparisons with values a field cannot hold."""
    problems = rule_problems(rule, scope, path)
    if problems:
        return problems
    return _choice_problems(rule, scope, path, top=True, depth=0)


def var_name(term: Any) -> str | None:
    """The name `{"var": name}` (or `{"var": [name, default]}`) reads; None for anything else."""
    if isinstance(term, dict) and len(term) == 1 and "var" in term:
        name = term["var"]
        if isinstance(name, list) and name:
            name = name[0]
        if isinstance(name, str) and name:
            return name
    return None


def _is_literal(value: Any) -> bool:
    return isinstance(value, (str, int, float, bool))


def _choice_problems(node: Any, scope: RuleScope, path: str, *, top: bool, depth: int) -> list[Problem]:
    if depth > 60:
        return []
    if isinstance(node, list):
        problems = []
        for index, item in enumerate(node):
            problems += _choice_problems(item, scope, join(path, index), top=False, depth=depth + 1)
        return problems
    if not isinstance(node, dict) or len(node) != 1:
        return []
    ((operator, args),) = node.items()
    if operator in _EQUALITIES and isinstance(args, list) and len(args) == 2:
        problem = _equality_problem(operator, args, scope, path, top)
        if problem:
            return [problem]
    if operator == "in" and isinstance(args, list) and len(args) == 2:
        problem = _in_problem(args, scope, path, top)
        if problem:
            return [problem]
    if operator == "var":
        return []
    problems = []
    items = args if isinstance(args, list) else [args]
    for index, arg in enumerate(items):
        if operator in _SCOPED and index == 1:
            continue  # reads the items, not the workflow's fields
        where = join(join(path, operator), index) if isinstance(args, list) else join(path, operator)
        # `!`, `and`, `or`, `if` keep their arguments' meaning for the arrow.
        problems += _choice_problems(arg, scope, where, top=False, depth=depth + 1)
    return problems


def _equal(operator: str, left: Any, right: Any) -> bool:
    """Whether the engine finds `left` and `right` equal by `operator` ("==" is loose: 1 == "1")."""
    try:
        return is_true({operator: [left, right]}, {})
    except RuleError:
        return False


def _not_a_choice(facts: FieldFacts, bad: list[Any], choices: tuple[str, ...], outcome: str) -> str:
    shown = ", ".join(shown_value(value) for value in bad)
    verb = "is not one of them" if len(bad) == 1 else "are not among them"
    near = [
        choice
        for value in bad
        if isinstance(value, str)
        for choice in choices
        if choice.casefold() == value.casefold().strip() and choice != value
    ]
    hint = f" (did you mean {quote(near[0])}?)" if near else ""
    return f"{facts.label} has the choices {listing(choices)}; {shown} {verb}{hint}, so {outcome}."


def _equality_problem(operator: str, args: list, scope: RuleScope, path: str, top: bool) -> Problem | None:
    name, literal = var_name(args[0]), args[1]
    if name is None:
        name, literal = var_name(args[1]), args[0]
    facts = scope.fields.get(name) if name else None
    if facts is None or facts.choices is None or not _is_literal(literal):
        return None
    if any(_equal(_EQUALITIES[operator], literal, choice) for choice in facts.choices):
        return None
    if operator in _NEGATED:
        outcome = "this condition always holds" if top else "this comparison is always true"
    else:
        outcome = "this arrow can never be taken" if top else "this comparison is never true"
    return Problem(path, _not_a_choice(facts, [literal], facts.choices, outcome))


def _in_problem(args: list, scope: RuleScope, path: str, top: bool) -> Problem | None:
    name, values = var_name(args[0]), args[1]
    facts = scope.fields.get(name) if name else None
    if facts is not None and facts.choices is not None and isinstance(values, list):
        # "is one of": each listed value must be a choice.
        listed = [value for value in values if _is_literal(value)]
        bad = [value for value in listed if value not in facts.choices]
        if not bad:
            return None
        if len(bad) == len(listed):
            outcome = "this arrow can never be taken" if top else "this comparison is never true"
        else:
            outcome = "it never matches" if len(bad) == 1 else "they never match"
        return Problem(path, _not_a_choice(facts, bad, facts.choices, outcome))
    # A multi-choice field "contains" a value: {"in": ["urgent", {"var": "ticket.tags"}]}.
    name, value = var_name(args[1]), args[0]
    facts = scope.fields.get(name) if name else None
    if facts is None or facts.item_choices is None or not _is_literal(value) or value in facts.item_choices:
        return None
    outcome = "this arrow can never be taken" if top else "this comparison is never true"
    return Problem(path, _not_a_choice(facts, [value], facts.item_choices, outcome))
