"""Lint: what is allowed but likely wrong, said as warnings (they do not block publishing).

- A task whose arrows all have conditions, with none to catch the rest: when no
  condition holds the engine stops the ticket there (a workflow transition error).
  When the conditions compare one field with choices (or a yes/no), the values no
  arrow takes are named: "a ticket stops here when review.decision = 'reject'".
- Two arrows of one task with the same priority: which one is tried first does not show.
- A condition on an optional field of a task with no fallback arrow: when the field
  is left empty, no arrow may be taken.

A required field that nothing reads is fine; so is a task without arrows (it ends the workflow).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from workflow_design.jsonlogic import RuleError, is_true, jsonlogic_variables
from workflow_design.problems import WARNING, Problem, is_int, join
from workflow_design.validation.conditions import RuleScope, shown_value
from workflow_design.validation.names import arrow_name, task_name

# Operators whose answer depends on more than the variables they name.
_OPAQUE = {"missing", "missing_some"}


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _priority(transition: dict) -> int:
    priority = transition.get("priority", 0)
    return priority if is_int(priority) else 0


def _operators(rule: Any, depth: int = 0) -> set[str]:
    if depth > 60:
        return set()
    if isinstance(rule, list):
        return set().union(*(_operators(item, depth + 1) for item in rule)) if rule else set()
    if isinstance(rule, dict):
        found = set(rule)
        for value in rule.values():
            found |= _operators(value, depth + 1)
        return found
    return set()


def _data(var: str, value: Any) -> dict:
    """Workflow data in which `var` holds `value` (None: left out) and nothing else is set."""
    data: dict = {}
    if value is None:
        return data
    node = data
    *parents, last = var.split(".")
    for part in parents:
        node = node.setdefault(part, {})
    node[last] = value
    return data


def _taken_for(condition: Any, var: str, values: list[Any]) -> list[Any] | None:
    """The values of `var` for which `condition` holds, or None when that cannot be said."""
    taken = []
    for value in values:
        try:
            if is_true(condition, _data(var, value)):
                taken.append(value)
        except RuleError:
            return None
    return taken


def _when(label: str, values: list[Any]) -> str:
    """ "review.decision = 'reject'", "review.decision is 'reject' or empty"."""
    if len(values) == 1 and values[0] is not None:
        return f"{label} = {shown_value(values[0])}"
    return f"{label} is " + " or ".join(shown_value(value) for value in values)


def lint_problems(
    tasks: list,
    transitions: list,
    task_docs: dict[str, dict],
    scope: RuleScope,
    path: str,
    *,
    broken: set[int],
) -> list[Problem]:
    """Warnings for a workflow document; `broken`: indexes of arrows with errors (not linted)."""
    task_index = {}
    for index, task in enumerate(tasks):
        key = task.get("key") if isinstance(task, dict) else None
        if isinstance(key, str) and task_docs.get(key) is task:
            task_index[key] = index
    outgoing: dict[str, list[int]] = defaultdict(list)
    for index, transition in enumerate(transitions):
        source = transition.get("from") if isinstance(transition, dict) else None
        if isinstance(source, str) and source in task_index and "to" in transition:
            outgoing[source].append(index)
    problems: list[Problem] = []
    for key, indexes in outgoing.items():
        if any(index in broken for index in indexes):
            continue
        ordered = sorted(indexes, key=lambda index: (_priority(transitions[index]), index))
        # Arrows after one without a condition are never taken (an error said elsewhere).
        tried = []
        for index in ordered:
            tried.append(index)
            if transitions[index].get("condition") is None:
                break
        problems += _same_priority(tried, transitions, task_docs, path)
        if transitions[tried[-1]].get("condition") is None:
            continue  # the last arrow tried catches everything
        task = tasks[task_index[key]]
        problems += _no_fallback(
            task, join(join(path, "tasks"), task_index[key]), tried, transitions, task_docs, scope, path
        )
    return problems


def _same_priority(tried: list[int], transitions: list, task_docs: dict[str, dict], path: str) -> list[Problem]:
    problems = []
    first_with: dict[int, int] = {}
    for index in tried:
        priority = _priority(transitions[index])
        if priority not in first_with:
            first_with[priority] = index
            continue
        other = _lower_first(arrow_name(transitions[first_with[priority]], task_docs))
        problems.append(
            Problem(
                join(join(join(path, "transitions"), index), "priority"),
                f"{arrow_name(transitions[index], task_docs)} has the same priority ({priority}) as {other}: "
                "which of them is tried first does not show. Give them different priorities.",
                severity=WARNING,
            )
        )
    return problems


def _no_fallback(
    task: dict,
    task_path: str,
    tried: list[int],
    transitions: list,
    task_docs: dict[str, dict],
    scope: RuleScope,
    path: str,
) -> list[Problem]:
    name = task_name(task)
    conditions = {index: transitions[index].get("condition") for index in tried}
    reads = {index: jsonlogic_variables(condition) for index, condition in conditions.items()}
    read_by_all = set.union(*reads.values()) if reads else set()
    facts = scope.fields.get(next(iter(read_by_all))) if len(read_by_all) == 1 else None
    values = facts.values if facts is not None else None
    opaque = any(_operators(condition) & _OPAQUE for condition in conditions.values())
    problems = []
    if facts is not None and values is not None and not opaque:
        taken: list[Any] = []
        for condition in conditions.values():
            these = _taken_for(condition, facts.var, values)
            if these is None:
                taken = None
                break
            taken += these
        if taken is not None:
            missed = [value for value in values if not any(value is other or value == other for other in taken)]
            if missed:
                more = "that" if len(missed) == 1 else "those"
                problems.append(
                    Problem(
                        task_path,
                        f"{name}: a ticket stops here when {_when(facts.label, missed)}: no arrow from it is "
                        f"taken then. Add an arrow for {more}, or one without a condition to catch the rest.",
                        severity=WARNING,
                    )
                )
            return problems  # every value of the field is accounted for, empty included
    problems.append(
        Problem(
            task_path,
            f"{name}: every arrow from it has a condition, and no arrow catches what the conditions do not: "
            "a ticket stops here when none holds. Add an arrow without a condition to catch the rest.",
            severity=WARNING,
        )
    )
    for index in tried:
        optional = sorted(
            scope.fields[var].label
            for var in reads[index]
            if var in scope.fields and not scope.fields[var].always_filled
        )
        if optional:
            fields = " and ".join(optional)
            verb = "is" if len(optional) == 1 else "are"
            problems.append(
                Problem(
                    join(join(join(path, "transitions"), index), "condition"),
                    f"{arrow_name(transitions[index], task_docs)}: its condition reads {fields}, which {verb} "
                    f"optional; when left empty, no arrow from {_lower_first(name)} may be taken. Make it "
                    "required, or add an arrow without a condition.",
                    severity=WARNING,
                )
            )
    return problems
