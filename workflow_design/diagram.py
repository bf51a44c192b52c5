"""A workflow as Mermaid flowchart text, made on the server.

The page renders it in `<pre class="mermaid">` and the vendored mermaid.js
(securityLevel "strict") draws it, loaded by static/js/diagram.js. Every label
goes through `mermaid_label`, so a title can never inject diagram syntax or markup.

An arrow's words (its label and condition) are a small node of their own on the
arrow (`t1 --- a5("…") --> t2`), not a Mermaid edge label: Mermaid places edge
labels at the middle of the drawn curve, so the labels of two arrows between the
same tasks (there and back) can land on each other, while the layout never lets
two nodes overlap.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from workflow_design.models import TaskDefinition, WorkflowTransition
from workflow_design.schema_builder import condition_text

START_NODE = "start"
END_NODE = "finish"  # "end" is a Mermaid keyword
MAX_LABEL = 80
# The class of the nodes that carry an arrow's words (the browser tests look for it).
ARROW_WORDS = "arrowWords"

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


def transition_label(transition: WorkflowTransition, *, from_key: str | None = None) -> str:
    """The arrow's words as Mermaid label text: its label (bold), and its condition on a line below.

    The condition names the fields of the task the arrow leaves (`from_key`) by name alone.
    """
    lines = []
    if transition.label:
        lines.append(f"<b>{mermaid_label(transition.label)}</b>")
    if transition.condition is not None:
        lines.append(mermaid_label(condition_text(transition.condition, own_task=from_key)))
    return "<br>".join(lines)


def workflow_mermaid(
    tasks: Iterable[TaskDefinition],
    transitions: Iterable[WorkflowTransition],
    *,
    problem_task_ids: Collection[int] = (),
) -> str:
    """Flowchart text: Start (circle) → tasks (boxes) → End (stadium); an arrow's words sit on it in a dashed box.

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
    keys = {task.pk: task.key for task in tasks}
    with_outgoing = set()
    labelled = []
    for number, transition in enumerate(transitions, start=1):
        with_outgoing.add(transition.from_task_id)
        source = node_id(transition.from_task_id)
        target = node_id(transition.to_task_id, end=True)
        label = transition_label(transition, from_key=keys.get(transition.from_task_id))
        if label:
            words = f"a{number}"
            labelled.append(words)
            lines.append(f'  {source} --- {words}("{label}") --> {target}')
        else:
            lines.append(f"  {source} --> {target}")
    for task in tasks:
        if task.pk not in with_outgoing:
            lines.append(f"  {node_id(task.pk)} -.-> {END_NODE}")
    lines.append("  classDef terminal fill:#2f4b7c,stroke:#203658,color:#fff")
    lines.append("  classDef problem fill:#fff3cd,stroke:#dc3545,stroke-width:2px")
    lines.append(f"  classDef {ARROW_WORDS} fill:#f8f9fa,stroke:#adb5bd,stroke-dasharray:4 3,color:#343a40")
    lines.append(f"  class {START_NODE},{END_NODE} terminal")
    if labelled:
        lines.append(f"  class {','.join(labelled)} {ARROW_WORDS}")
    flagged = [node_id(task.pk) for task in tasks if task.pk in problem_task_ids]
    if flagged:
        lines.append(f"  class {','.join(flagged)} problem")
    return "\n".join(lines)
