"""Which arrow a completed task takes: its arrows by priority, the first whose condition holds."""

from __future__ import annotations

import json
from typing import Any

from workflow_design.jsonlogic import RuleError, is_true, jsonlogic_variables
from workflow_design.plans import ArrowPlan, WorkflowPlan
from workflow_design.schema_builder import condition_text, display_variable
from workflow_ops.engine.errors import NoArrowMatched, RuleFailed


def _arrow_name(arrow: ArrowPlan, plan: WorkflowPlan) -> str:
    target = plan.tasks[arrow.to_task_id].title if arrow.to_task_id else "End"
    return f"“{arrow.label}”" if arrow.label else f"the arrow to “{target}”"


def _value(data: dict[str, Any], name: str) -> Any:
    node: Any = data
    for part in name.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def _shown(value: Any) -> str:
    return "nothing" if value is None else json.dumps(value, ensure_ascii=False)[:80]


def choose_arrow(plan: WorkflowPlan, task_id: int, data: dict[str, Any]) -> ArrowPlan | None:
    """The arrow to take after task `task_id`; None when the task has no arrows (the workflow ends).

    Raises NoArrowMatched (naming the values the conditions saw and the arrows tried)
    and RuleFailed (naming the arrow whose condition could not be evaluated).
    """
    arrows = plan.outgoing(task_id)
    if not arrows:
        return None
    for arrow in arrows:
        try:
            if is_true(arrow.condition, data):
                return arrow
        except RuleError as error:
            task = plan.tasks[task_id].title
            raise RuleFailed(
                f"The condition of {_arrow_name(arrow, plan)} after “{task}” "
                f"({condition_text(arrow.condition)}) could not be evaluated: {error}"
            ) from error
    seen = sorted({name for arrow in arrows for name in jsonlogic_variables(arrow.condition)})
    values = ", ".join(f"{display_variable(name)} = {_shown(_value(data, name))}" for name in seen)
    tried = "; ".join(f"{_arrow_name(arrow, plan)} ({condition_text(arrow.condition)})" for arrow in arrows)
    raise NoArrowMatched(
        f"No arrow after “{plan.tasks[task_id].title}” matched. The conditions saw {values or 'no values'}. "
        f"Arrows tried: {tried}."
    )
