"""Tasks and arrows of a draft workflow: add, change, delete, reorder.

Each function locks the draft first (`lock_draft`), so a change never lands on a
version another tab has just published, and records what changed.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import Max

from users.services import Actor
from workflow_design.definition_fields import TASK_FIELDS
from workflow_design.models import TaskDefinition, TaskType, WorkflowDefinition, WorkflowTransition
from workflow_design.services.common import assert_role_of, lock_draft, unique_key
from workflow_design.services.workflows import record_edit

# What the editor and the services may set on a task (its key is set on its own).
TASK_SETTINGS = TASK_FIELDS.editable_attrs - {"key"}


def _clean_task_fields(workflow: WorkflowDefinition, fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - TASK_SETTINGS
    if unknown:
        raise TypeError(f"Unknown task fields: {sorted(unknown)}")
    assert_role_of(workflow.company, fields.get("assignee_role"))
    if fields.get("task_type", TaskType.FORM) == TaskType.FORM:
        # A form task has no action settings; clearing them keeps the definition honest.
        # Its input transform stays: it is what the assignee is shown.
        fields.update(action_url="", timeout_seconds=None, output_transform=None)
    for name in ("remind_after", "escalate_after"):
        if isinstance(fields.get(name), (int, float)):
            fields[name] = timedelta(seconds=fields[name])
        if fields.get(name) is not None and fields[name] < timedelta(seconds=1):
            raise ValueError(f"{name} must be at least one second, or None.")
    return fields


@transaction.atomic
def task_create(
    *, workflow: WorkflowDefinition, actor: Actor | None, title: str, key: str = "", **fields: Any
) -> TaskDefinition:
    lock_draft(workflow)
    fields = _clean_task_fields(workflow, fields)
    key = key or unique_key(title, workflow.tasks.values_list("key", flat=True), fallback="task")
    position = (workflow.tasks.aggregate(top=Max("position"))["top"] or 0) + 1
    task = TaskDefinition.objects.create(
        company=workflow.company, workflow=workflow, key=key, title=title.strip(), position=position, **fields
    )
    if not workflow.transitions.filter(from_task__isnull=True).exists():
        # The first task of a new workflow is where it starts.
        WorkflowTransition.objects.create(company=workflow.company, workflow=workflow, from_task=None, to_task=task)
    record_edit(workflow, actor, f"Task “{task.title}” added.")
    return task


@transaction.atomic
def task_update(*, task: TaskDefinition, actor: Actor | None, key: str | None = None, **fields: Any) -> TaskDefinition:
    """Change the given settings of a draft's task; settings not named keep their value."""
    lock_draft(task.workflow)
    fields = _clean_task_fields(task.workflow, fields)
    if key is not None:
        task.key = key
    for name, value in fields.items():
        setattr(task, name, value)
    task.save()
    record_edit(task.workflow, actor, f"Task “{task.title}” changed.")
    return task


@transaction.atomic
def task_delete(*, task: TaskDefinition, actor: Actor | None) -> None:
    """Delete a task and the arrows that touch it."""
    lock_draft(task.workflow)
    task.delete()
    record_edit(task.workflow, actor, f"Task “{task.title}” deleted with its arrows.")


@transaction.atomic
def task_move(*, task: TaskDefinition, actor: Actor | None, direction: str) -> None:
    """Swap the task with its neighbour above ("up") or below ("down")."""
    lock_draft(task.workflow)
    tasks = list(task.workflow.tasks.order_by("position", "id"))
    index = tasks.index(task)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(tasks):
        return
    tasks[index], tasks[other] = tasks[other], tasks[index]
    for position, item in enumerate(tasks, start=1):
        if item.position != position:
            item.position = position
            item.save(update_fields=["position"])


# --- Arrows ------------------------------------------------------------------------------------


def _assert_tasks_of(workflow: WorkflowDefinition, *tasks: TaskDefinition | None) -> None:
    if any(task is not None and task.workflow_id != workflow.pk for task in tasks):
        raise ValueError("An arrow can only join tasks of its own workflow.")


@transaction.atomic
def transition_create(
    *,
    workflow: WorkflowDefinition,
    actor: Actor | None,
    from_task: TaskDefinition | None,
    to_task: TaskDefinition | None,
    condition: Any = None,
    priority: int = 0,
    label: str = "",
) -> WorkflowTransition:
    lock_draft(workflow)
    _assert_tasks_of(workflow, from_task, to_task)
    transition = WorkflowTransition.objects.create(
        company=workflow.company,
        workflow=workflow,
        from_task=from_task,
        to_task=to_task,
        condition=condition,
        priority=priority,
        label=label.strip(),
    )
    record_edit(workflow, actor, f"Arrow {transition} added.")
    return transition


@transaction.atomic
def transition_update(
    *,
    transition: WorkflowTransition,
    actor: Actor | None,
    from_task: TaskDefinition | None,
    to_task: TaskDefinition | None,
    condition: Any = None,
    priority: int = 0,
    label: str = "",
) -> WorkflowTransition:
    lock_draft(transition.workflow)
    _assert_tasks_of(transition.workflow, from_task, to_task)
    transition.from_task = from_task
    transition.to_task = to_task
    transition.condition = condition
    transition.priority = priority
    transition.label = label.strip()
    transition.save()
    record_edit(transition.workflow, actor, f"Arrow {transition} changed.")
    return transition


@transaction.atomic
def transition_delete(*, transition: WorkflowTransition, actor: Actor | None) -> None:
    lock_draft(transition.workflow)
    transition.delete()
    record_edit(transition.workflow, actor, f"Arrow {transition} deleted.")
