"""A workflow as Mermaid flowchart text, made on the server.

The page renders it in `<pre class="mermaid">` and the vendored mermaid.js
(securityLevel "strict") draws it. Every label goes through `mermaid_label`,
so a title can never inject diagram syntax or markup.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from workflow_design.models import TaskDefinition, WorkflowTransition
from workflow_design.schema_builder import condition_text

START_NODE = "start"
END_NODE = "finish"  # "end" is a Mermaid keyword
MAX_LABEL = 80

# Mermaid entity codes ("#quot;") for everything that could end a label or start syntax.
# "#" goes first so the codes themselves are not escaped again.
_ESCAPES = [
    ("#", "#35;"),
    ("&", "#amp;"),
    ('"', "#quot;"),
    ("<", "#lt;"),
    (">", "#gt;"),
    ("[", "#91;"),
    ("]", "#93;"),
    ("(", "#40;"),
    (")", "#41;"),
    ("{", "#123;"),
    ("}", "#125;"),
    ("|", "#124;"),
    ("`", "#96;"),
]


def mermaid_label(text: str) -> str:
    """Text safe inside a quoted Mermaid label: one line, no syntax characters."""
    text = " ".join(str(text).split())
    if len(text) > MAX_LABEL:
        text = text[: MAX_LABEL - 1].rstrip() + "…"
    for raw, code in _ESCAPES:
        text = text.replace(raw, code)
    return text


def node_id(task_id: int | None, *, end: bool = False) -> str:
    if task_id is None:
        return END_NODE if end else START_NODE
    return f"t{task_id}"


def transition_label(transition: WorkflowTransition) -> str:
    condition = condition_text(transition.condition) if transition.condition is not None else ""
    if transition.label and condition:
        return f"{transition.label}: {condition}"
    return transition.label or condition


def workflow_mermaid(
    tasks: Iterable[TaskDefinition],
    transitions: Iterable[WorkflowTransition],
    *,
    problem_task_ids: Collection[int] = (),
) -> str:
    """Flowchart text: Start (circle) → tasks (boxes) → End (stadium).

    A task without outgoing transitions ends the workflow; a dotted arrow shows it.
    Tasks with validation problems get the `problem` style.
    """
    tasks = list(tasks)
    transitions = list(transitions)
    lines = [
        "flowchart TD",
        f'  {START_NODE}(("Start"))',
        f'  {END_NODE}(["End"])',
    ]
    for task in tasks:
        lines.append(f'  {node_id(task.pk)}["{mermaid_label(task.title or task.key)}"]')
    with_outgoing = set()
    for transition in transitions:
        with_outgoing.add(transition.from_task_id)
        source = node_id(transition.from_task_id)
        target = node_id(transition.to_task_id, end=True)
        label = transition_label(transition)
        arrow = f'-->|"{mermaid_label(label)}"|' if label else "-->"
        lines.append(f"  {source} {arrow} {target}")
    for task in tasks:
        if task.pk not in with_outgoing:
            lines.append(f"  {node_id(task.pk)} -.-> {END_NODE}")
    lines.append("  classDef terminal fill:#2f4b7c,stroke:#203658,color:#fff")
    lines.append("  classDef problem fill:#fff3cd,stroke:#dc3545,stroke-width:2px")
    lines.append(f"  class {START_NODE},{END_NODE} terminal")
    flagged = [node_id(task.pk) for task in tasks if task.pk in problem_task_ids]
    if flagged:
        lines.append(f"  class {','.join(flagged)} problem")
    return "\n".join(lines)
