"""JSON typed or uploaded by a person -> a value, never a crash.

Bundles, raw JSON Schema and raw JsonLogic textareas all go through
`parse_json_text`, so every one of them refuses the same hostile input with the
same words: bad syntax (with line and column), duplicate keys, NaN/Infinity,
nesting too deep, numbers too long, and text no database can store.
"""

from __future__ import annotations

import json
from typing import Any

from workflow_design.problems import Problem, join

# Deeper documents are refused before validation (no real definition comes close).
MAX_DEPTH = 64


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict:
    doc = {}
    for key, value in pairs:
        if key in doc:
            raise ValueError(f"the key {key!r} appears twice in one object")
        doc[key] = value
    return doc


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not valid JSON")


def json_depth(doc: Any) -> int:
    """How deeply `doc` nests (stops counting past MAX_DEPTH)."""
    deepest, stack = 0, [(doc, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest > MAX_DEPTH:
            break
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
        stack.extend((child, depth + 1) for child in children)
    return deepest


def parse_json_text(text: str, *, check_text: bool = True) -> Any:
    """Parse JSON a person typed. Raises ValueError whose message completes "The text …".

    With `check_text`, text a database cannot store is refused too; bundles leave
    that to `unstorable_text_problems`, which names each path.
    """
    try:
        value = json.loads(text, object_pairs_hook=_no_duplicate_keys, parse_constant=_refuse_constant)
    except json.JSONDecodeError as error:
        raise ValueError(f"is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}.") from None
    except RecursionError:
        raise ValueError(f"is nested more than {MAX_DEPTH} levels deep.") from None
    except ValueError as error:  # duplicate keys, NaN, numbers over Python's digit limit
        raise ValueError(f"is not valid JSON: {error}.") from None
    if json_depth(value) > MAX_DEPTH:
        raise ValueError(f"is nested more than {MAX_DEPTH} levels deep.")
    if check_text and unstorable_text_problems(value):
        raise ValueError("contains a NUL character or an invalid \\u escape, which cannot be stored.")
    return value


def unstorable_text_problems(doc: Any) -> list[Problem]:
    """Text a database cannot store: NUL characters and lone surrogates (from JSON escapes)."""
    problems, stack = [], [("", doc)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                if _unstorable(key):
                    problems.append(Problem(path, "A key contains a NUL character or an invalid \\u escape."))
                stack.append((join(path, key), value))
        elif isinstance(node, list):
            stack.extend((join(path, index), value) for index, value in enumerate(node))
        elif isinstance(node, str) and _unstorable(node):
            problems.append(Problem(path, "The text contains a NUL character or an invalid \\u escape."))
    return sorted(problems, key=lambda problem: problem.path)


def _unstorable(text: Any) -> bool:
    if not isinstance(text, str):
        return False
    if "\x00" in text:
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False
