"""Failures the engine names in words (they become WorkflowErrors with that message)."""

from __future__ import annotations

from workflow_ops.models import ErrorKind


class EngineError(Exception):
    """A step of a workflow cannot be taken; `kind` says which sort of step."""

    kind: str = ErrorKind.WORKFLOW_TRANSITION

    def __init__(self, message: str, *, kind: str | None = None) -> None:
        super().__init__(message)
        if kind is not None:
            self.kind = kind


class NoArrowMatched(EngineError):
    """A completed task's arrows all have conditions, and none holds."""


class RuleFailed(EngineError):
    """A condition or transform could not be evaluated."""
