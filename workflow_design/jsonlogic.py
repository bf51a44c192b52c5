"""The one JsonLogic module: what a rule may say, which variables it reads, and what it gives.

The editor, publishing and the bundle importer validate rules with
`validate_jsonlogic`; the engine evaluates them with `evaluate`. Both use the
same operator set (`OPERATORS`: exactly what maykin-json-logic-py evaluates), so
a rule that passes validation never meets an "unknown operator" at run time.

Variables. A rule reads `{"var": "a.b"}` names from the workflow's data:
- `ticket.<field>` — a field of the ticket;
- `tasks.<task key>.<field>` — the latest output of a task of the same workflow;
- `response.*` and `input.*` — in an action's output transform only: its JSON
  reply and the input that was sent (free-form, so wildcards).
A variable set entry ending in `.*` is a wildcard: `ticket.*` accepts
`ticket.amount` and `ticket.customer.name` but not plain `ticket`.

Tables. The library has `reduce` but nothing that counts a list, so this module
adds two operators, registered once with the evaluator (`TABLE_OPERATIONS`) and
allowed by the validator with their shapes checked:
- `{"length": <list>}`: how many rows a table (or ticks a multi-choice field,
  or characters a text) has; a missing value counts 0;
- `{"sum": [<list>, "<column>"]}`: the sum of a number column over a table's rows
  (rows without a value skipped), or `{"sum": [<list of numbers>]}`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import json_logic
from json_logic import ALL_OPERATIONS, jsonLogic

from workflow_design.problems import Problem, is_int, is_number, join, quote, type_name

# --- Operators for tables ------------------------------------------------------------------


def _length(value: Any = None, *more: Any) -> int:
    """`{"length": list}`: the number of items (a text's characters); nothing (null) has 0."""
    if more:
        raise TypeError("length takes one list.")
    if value is None:
        return 0
    if isinstance(value, (list, str)):
        return len(value)
    raise TypeError(f"length needs a list or text, not {type_name(value)}.")


def _sum(values: Any = None, column: Any = None, *more: Any) -> int | float:
    """`{"sum": [rows, "column"]}` or `{"sum": [numbers]}`: added exactly (math.fsum), nulls skipped."""
    if more:
        raise TypeError('sum takes [list] or [list, "column name"].')
    if values is None:
        return 0
    if not isinstance(values, list):
        raise TypeError(f"sum needs a list, not {type_name(values)}.")
    if column is not None and not isinstance(column, str):
        raise TypeError(f"sum: the column name must be text, not {type_name(column)}.")
    numbers = []
    for position, item in enumerate(values, start=1):
        where = f"item {position}"
        if column is not None:
            if not isinstance(item, dict):
                raise TypeError(f"sum: row {position} is {type_name(item)}, not an object with columns.")
            item, where = item.get(column), f"row {position}'s {quote(column)}"
        if item is None:
            continue
        if not is_number(item):
            raise TypeError(f"sum: {where} is {type_name(item)}, not a number.")
        numbers.append(item)
    return sum(numbers) if all(is_int(number) for number in numbers) else math.fsum(numbers)


# Ours, not the library's: registered with its evaluator here, once, so validation and evaluation agree.
TABLE_OPERATIONS = {"length": _length, "sum": _sum}
for _name, _operation in TABLE_OPERATIONS.items():
    if json_logic.operations.setdefault(_name, _operation) is not _operation:
        raise RuntimeError(f"maykin-json-logic-py now has its own {_name!r}: check it against ours.")

# The installed maykin-json-logic-py is the authority on which operators run (plus ours, above).
OPERATORS = frozenset(ALL_OPERATIONS) | frozenset(TABLE_OPERATIONS)
_TABLE_OPERATOR_SHAPES = {
    "length": (1, 1, '"length" takes one list: {"length": {"var": "ticket.lines"}}.'),
    "sum": (1, 2, '"sum" takes [list] or [list, "column name"].'),
}
# Scoped operators evaluate their second argument against each item: {"map": [array, logic]}.
# None: the item is free-form, any name goes.
_SCOPED_VARIABLES: dict[str, set[str] | None] = {
    "map": None,
    "reduce": {"current.*", "current", "accumulator.*", "accumulator"},
}
MAX_RULE_DEPTH = 50
# The most variable names an "unknown variable" message lists before "…and N more".
MAX_LISTED_VARIABLES = 40


class RuleError(Exception):
    """Evaluating a rule failed (a division by zero, a type the operator cannot use, …)."""


# --- Variables -----------------------------------------------------------------------------


def variable_is_known(name: str, variables: Iterable[str]) -> bool:
    """Exact names, or `prefix.*` wildcards matching `prefix.<anything>`."""
    for known in variables:
        if name == known or (known.endswith(".*") and name.startswith(known[:-1]) and len(name) > len(known) - 1):
            return True
    return False


def known_variables(
    *,
    ticket_fields: Iterable[str] | None = None,
    task_outputs: Mapping[str, Iterable[str]] | None = None,
    for_output_transform: bool = False,
) -> set[str]:
    """The `var` names a rule may read.

    `ticket_fields=None` means "unknown ticket type": `ticket.*` is accepted.
    `task_outputs` maps task key -> its output field names.
    """
    variables = {"ticket.*"} if ticket_fields is None else {f"ticket.{name}" for name in ticket_fields}
    for task_key, fields in (task_outputs or {}).items():
        variables |= {f"tasks.{task_key}.{name}" for name in fields}
    if for_output_transform:
        variables |= {"response.*", "response", "input.*", "input"}
    return variables


def jsonlogic_variables(rule: Any) -> set[str]:
    """Every literal `var` name a rule reads (outside map/reduce scopes)."""
    found: set[str] = set()

    def walk(node: Any, scoped: bool, depth: int = 0) -> None:
        if depth > 100:
            return
        if isinstance(node, list):
            for item in node:
                walk(item, scoped, depth + 1)
        elif isinstance(node, dict) and len(node) == 1:
            operator, args = next(iter(node.items()))
            args = args if isinstance(args, list) else [args]
            if operator == "var" and args and isinstance(args[0], str) and not scoped:
                found.add(args[0])
            for index, arg in enumerate(args):
                walk(arg, scoped or (operator in _SCOPED_VARIABLES and index == 1), depth + 1)

    walk(rule, False)
    return found


# --- Validation ----------------------------------------------------------------------------


def _json_problem(value: Any, path: str) -> Problem | None:
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError):
        return Problem(path, "The rule must be plain JSON (objects, lists, strings, numbers, true/false, null).")
    except RecursionError:
        return Problem(path, "The rule is nested too deeply.")
    return None


# Explains why a variable is unknown in a sentence of its own ("task “Review” has no output 'x' …"),
# or None for the general hint that lists the known variables.
UnknownVariableHint = Callable[[str], str | None]


def validate_jsonlogic(
    rule: Any, *, variables: set[str], path: str, explain: UnknownVariableHint | None = None
) -> list[Problem]:
    """Check that `rule` is JsonLogic the engine can run and reads only known variables.

    `explain(name)` may say why an unknown variable is unknown; otherwise the message
    lists every known variable, grouped (`describe_variables`).
    """
    problem = _json_problem(rule, path)
    if problem:
        return [problem]
    problems: list[Problem] = []
    _walk(rule, _Known(variables, explain) if explain else variables, path, problems, depth=0)
    return problems


class _Known(frozenset):
    """Known variable names that can also say why another name is not one of them."""

    def __new__(cls, names: Iterable[str], explain: UnknownVariableHint) -> _Known:
        known = super().__new__(cls, names)
        known.explain = explain
        return known


def _walk(node: Any, variables: set[str] | None, path: str, problems: list[Problem], depth: int) -> None:
    if depth > MAX_RULE_DEPTH:
        problems.append(Problem(path, "The rule is nested too deeply."))
        return
    if isinstance(node, list):
        for index, item in enumerate(node):
            _walk(item, variables, join(path, index), problems, depth + 1)
        return
    if not isinstance(node, dict):
        return  # a literal
    if len(node) != 1:
        problems.append(
            Problem(path, f"A JsonLogic rule has exactly one operator, but this object has {len(node)} keys.")
        )
        return
    operator, raw_args = next(iter(node.items()))
    where = join(path, operator)
    if operator not in OPERATORS:
        problems.append(Problem(where, f"Unknown JsonLogic operator {quote(operator)}."))
        return
    args = raw_args if isinstance(raw_args, list) else [raw_args]

    def arg_path(index: int) -> str:
        return join(where, index) if isinstance(raw_args, list) else where

    if operator in _TABLE_OPERATOR_SHAPES:
        fewest, most, shape = _TABLE_OPERATOR_SHAPES[operator]
        if not fewest <= len(args) <= most:
            problems.append(Problem(where, shape))
            return
        if operator == "sum" and len(args) == 2 and not (isinstance(args[1], str) and args[1]):
            problems.append(Problem(arg_path(1), 'The column name must be literal text, e.g. "meters".'))
            return

    if operator == "var":
        if not args or len(args) > 2:
            problems.append(Problem(where, '"var" takes a variable name and an optional default.'))
            return
        _check_variable(args[0], variables, arg_path(0), problems)
        if len(args) == 2:
            _walk(args[1], variables, arg_path(1), problems, depth + 1)
        return
    if operator == "missing":
        for index, arg in enumerate(args):
            if isinstance(arg, str):
                _check_variable(arg, variables, arg_path(index), problems)
            else:
                _walk(arg, variables, arg_path(index), problems, depth + 1)
        return
    if operator == "missing_some":
        if len(args) != 2 or not is_int(args[0]) or not isinstance(args[1], list):
            problems.append(Problem(where, '"missing_some" takes [how many, [variable names]].'))
            return
        for index, name in enumerate(args[1]):
            _check_variable(name, variables, join(arg_path(1), index), problems)
        return
    if operator in _SCOPED_VARIABLES:
        if len(args) < 2:
            initial = ", initial value" if operator == "reduce" else ""
            problems.append(Problem(where, f'"{operator}" takes [array, rule{initial}].'))
            return
        scope = _SCOPED_VARIABLES[operator]
        for index, arg in enumerate(args):
            _walk(arg, scope if index == 1 else variables, arg_path(index), problems, depth + 1)
        return
    for index, arg in enumerate(args):
        _walk(arg, variables, arg_path(index), problems, depth + 1)


def _check_variable(name: Any, variables: set[str] | None, path: str, problems: list[Problem]) -> None:
    if not isinstance(name, str):
        problems.append(Problem(path, f"A variable name must be a literal string, not {type_name(name)}."))
        return
    if variables is None or variable_is_known(name, variables):
        return
    if not name:
        problems.append(Problem(path, 'The empty variable ("var": "") reads all data; name a variable instead.'))
        return
    explain = getattr(variables, "explain", None)
    reason = explain(name) if explain is not None else None
    if reason:
        problems.append(Problem(path, f"Unknown variable {quote(name)}: {reason}"))
    else:
        problems.append(
            Problem(path, f"Unknown variable {quote(name)}; known: {describe_variables(variables, near=name)}.")
        )


def _variable_group(name: str) -> tuple[str, str]:
    """(group, the name within it): `tasks.quote.amount` -> ("task 'quote'", "amount")."""
    if name.startswith("ticket."):
        return "ticket fields", name.removeprefix("ticket.")
    parts = name.split(".", 2)
    if parts[0] == "tasks" and len(parts) == 3:
        return f"task {quote(parts[1])}", parts[2]
    return "other", name


def describe_variables(variables: Iterable[str], *, near: str = "", limit: int = MAX_LISTED_VARIABLES) -> str:
    """The known variables, grouped: "task 'quote': amount, vendor; ticket fields: any (ticket.*)".

    The group of `near` (the name that was not found) comes first; past `limit` names
    the list ends with "…and N more", so nothing is left out without saying so.
    """
    groups: dict[str, list[str]] = {}
    for name in sorted(variables):
        group, short = _variable_group(name)
        groups.setdefault(group, []).append("any (ticket.*)" if name == "ticket.*" else short)
    if not groups:
        return "none"
    first = _variable_group(near)[0] if near else ""
    order = sorted(groups, key=lambda group: (group != first, group == "other", group))
    parts, shown, total = [], 0, sum(len(names) for names in groups.values())
    for group in order:
        room = limit - shown
        if room <= 0:
            break
        names = groups[group][:room]
        shown += len(names)
        parts.append(f"{group}: {', '.join(names)}" if group != "other" else ", ".join(names))
    text = "; ".join(parts)
    return text + f" …and {total - shown} more" if shown < total else text


# --- Evaluation ----------------------------------------------------------------------------


def _json_value(value: Any) -> Any:
    """What a rule gave, as JSON the workflow can store (dates as ISO text)."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise RuleError("The rule gave a number that is not finite.")
        return value
    if isinstance(value, Decimal):
        return _json_value(float(value))
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, (list, tuple)):
        return [_json_value(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _json_value(item) for key, item in value.items()}
    raise RuleError(f"The rule gave {type(value).__name__}, which is not JSON.")


def evaluate(rule: Any, data: Mapping[str, Any]) -> Any:
    """The value of `rule` over `data`, as JSON. A rule that cannot be evaluated raises RuleError.

    The library raises ValueError, TypeError, AssertionError, ZeroDivisionError (and
    on odd data, others): a rule is the designer's data, so any failure is the rule's.
    """
    try:
        return _json_value(jsonLogic(rule, dict(data)))
    except RuleError:
        raise
    except RecursionError:
        raise RuleError("The rule is nested too deeply to evaluate.") from None
    except Exception as error:
        raise RuleError(f"{type(error).__name__}: {error}") from error


def is_true(rule: Any, data: Mapping[str, Any]) -> bool:
    """Whether a condition holds; a missing condition (None) always holds. RuleError on failure."""
    if rule is None:
        return True
    return bool(evaluate(rule, data))


def apply_transform(transform: Mapping[str, Any] | None, data: Mapping[str, Any]) -> dict[str, Any]:
    """`{field: rule}` -> `{field: value}`; no transform gives {}. RuleError names the failing field."""
    result = {}
    for name, rule in (transform or {}).items():
        try:
            result[name] = evaluate(rule, data)
        except RuleError as error:
            raise RuleError(f"field {name!r}: {error}") from error
    return result
