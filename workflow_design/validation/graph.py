"""Graph rules of a workflow: exactly one start, everything reachable, everything reachable can finish.

The engine tries a task's arrows by priority (then document order) and takes the
first whose condition holds; an arrow without a condition (None: "always")
always holds, so arrows after it are never taken. Only a missing condition means
"always": a literal `false` is a condition like any other.
"""

from __future__ import annotations

from typing import Any

from workflow_design.problems import Problem, is_int, join
from workflow_design.validation.names import arrow_name, task_name, task_ref


def graph_problems(tasks: list, transitions: list, task_docs: dict[str, dict], path: str) -> list[Problem]:
    """Exactly one start, everything reachable, everything reachable can finish."""
    if not tasks:
        return [Problem(join(path, "tasks"), "The workflow has no tasks; add at least one.")]

    def is_ref(value: Any) -> bool:
        return value is None or (isinstance(value, str) and value in task_docs)

    arrows = [
        (t["from"], t["to"], index)
        for index, t in enumerate(transitions)
        if isinstance(t, dict) and "from" in t and "to" in t and is_ref(t["from"]) and is_ref(t["to"])
    ]
    problems = []
    starts = [(to, index) for source, to, index in arrows if source is None]
    if not starts:
        return [
            Problem(join(path, "transitions"), 'The workflow has no start: add one arrow from Start ("from": null).')
        ]
    for _, index in starts[1:]:
        problems.append(
            Problem(join(join(path, "transitions"), index), "The workflow has more than one start arrow; keep one.")
        )
    first, first_index = starts[0]
    if first is None:
        problems.append(Problem(join(join(path, "transitions"), first_index), "The start arrow must lead to a task."))
        return problems

    # The engine tries a task's arrows by priority (then order) and takes the first whose
    # condition holds, so an arrow after one without a condition is never taken.
    def order(arrow: tuple) -> tuple:
        priority = transitions[arrow[2]].get("priority", 0)
        return (priority if is_int(priority) else 0, arrow[2])

    outgoing: dict[str, list[str | None]] = {key: [] for key in task_docs}
    always_from: dict[str, int] = {}
    for source, target, index in sorted((arrow for arrow in arrows if arrow[0] is not None), key=order):
        if source in always_from:
            winner = arrow_name(transitions[always_from[source]], task_docs)
            problems.append(
                Problem(
                    join(join(path, "transitions"), index),
                    f"{arrow_name(transitions[index], task_docs)} is never taken: "
                    f"{winner[:1].lower()}{winner[1:]} is tried before it, has no condition and always wins. "
                    "Give that one a condition or this one a lower priority.",
                )
            )
            continue
        outgoing[source].append(target)
        if transitions[index].get("condition") is None:
            always_from[source] = index
    reachable, queue = {first}, [first]
    while queue:
        for target in outgoing[queue.pop()]:
            if target is not None and target not in reachable:
                reachable.add(target)
                queue.append(target)
    for index, task in enumerate(tasks):
        key = task.get("key") if isinstance(task, dict) else None
        if isinstance(key, str) and key in task_docs and key not in reachable and task_docs[key] is task:
            problems.append(
                Problem(join(join(path, "tasks"), index), f"{task_name(task)} cannot be reached from the start.")
            )
    # A task finishes if it has no way onward, an arrow to the end, or an arrow to a task that finishes.
    finishes = {key for key, targets in outgoing.items() if not targets or None in targets}
    changed = True
    while changed:
        changed = False
        for key, targets in outgoing.items():
            if key not in finishes and any(target in finishes for target in targets):
                finishes.add(key)
                changed = True
    stuck = [key for key in task_docs if key in reachable and key not in finishes]
    if stuck:
        names = ", ".join(task_ref(key, task_docs) for key in stuck)
        problems.append(
            Problem(
                join(path, "transitions"),
                f'Tasks {names} loop with no way to finish; add an arrow to the end ("to": null) '
                "or to a task that finishes.",
            )
        )
    return problems
