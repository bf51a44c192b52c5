"""Reads for the design pages. Every function is scoped to one company."""

from __future__ import annotations

from collections.abc import Iterable

from users.models import Company
from workflow_design.models import DefinitionStatus, WorkflowDefinition


def current_workflows(company: Company, keys: Iterable[str]) -> dict[str, WorkflowDefinition]:
    """What each workflow key means today: its published version, else its newest. One query."""
    chosen: dict[str, WorkflowDefinition] = {}
    versions = WorkflowDefinition.objects.for_company(company).filter(key__in=set(keys)).order_by("key", "-version")
    for workflow in versions:
        current = chosen.get(workflow.key)
        if current is None or (
            workflow.status == DefinitionStatus.PUBLISHED and current.status != DefinitionStatus.PUBLISHED
        ):
            chosen[workflow.key] = workflow
    return chosen


def workflow_key_choices(company: Company) -> list[tuple[str, str]]:
    """(key, label) for every workflow a ticket type can start, published ones first."""
    keys = WorkflowDefinition.objects.for_company(company).values_list("key", flat=True).distinct()
    workflows = current_workflows(company, keys)
    ordered = sorted(
        workflows.values(), key=lambda wf: (wf.status != DefinitionStatus.PUBLISHED, wf.title.lower(), wf.key)
    )
    return [
        (
            wf.key,
            wf.title if wf.status == DefinitionStatus.PUBLISHED else f"{wf.title} (not published yet)",
        )
        for wf in ordered
    ]
