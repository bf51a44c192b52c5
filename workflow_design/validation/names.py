"""How problems name tasks and arrows: by their titles, as people see them in the editor.

"Task “Get a vendor quote”", "Arrow “Approved” from “Review”", "Arrow from “Review” to End",
"The start arrow". A key stands in (quoted) where a title is missing or a key names no task.
Paths (`workflows[0].transitions[2]`) stay in `Problem.path` for bundles and tools.
"""

from __future__ import annotations

from typing import Any

from workflow_design.problems import quote


def _text(doc: Any, name: str) -> str | None:
    value = doc.get(name) if isinstance(doc, dict) else None
    return value.strip() if isinstance(value, str) and value.strip() else None


def titled(task: Any) -> str | None:
    """“Get a vendor quote”, or 'vendor-quote' when the task has no title; None with neither."""
    title = _text(task, "title")
    if title:
        return f"“{title}”"
    key = _text(task, "key")
    return quote(key) if key else None


def task_name(task: Any) -> str:
    """ "Task “Get a vendor quote”"; "The task" when it has neither title nor key."""
    shown = titled(task)
    return f"Task {shown}" if shown else "The task"


def task_ref(key: Any, task_docs: dict[str, dict]) -> str:
    """A task named by key in an arrow or an assignment: its title if the key exists."""
    if key is None:
        return "Start"
    if isinstance(key, str) and key in task_docs:
        return titled(task_docs[key]) or quote(key)
    return quote(key)


def arrow_name(transition: Any, task_docs: dict[str, dict]) -> str:
    """ "Arrow “Approved” from “Review”", "Arrow from “Review” to End", "The start arrow"."""
    if not isinstance(transition, dict):
        return "The arrow"
    source, target = transition.get("from"), transition.get("to")
    if "from" in transition and source is None:
        return "The start arrow"
    label = _text(transition, "label")
    origin = f" from {task_ref(source, task_docs)}" if isinstance(source, str) else ""
    if label:
        return f"Arrow “{label}”{origin}"
    if "to" not in transition or not (target is None or isinstance(target, str)):
        return f"Arrow{origin}" if origin else "The arrow"
    destination = "End" if target is None else task_ref(target, task_docs)
    return f"Arrow{origin} to {destination}"
