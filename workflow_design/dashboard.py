"""The design card on the dashboard: workflows and ticket types, with next steps."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from users.dashboard import DashboardCard
from users.roles import PERM_DESIGN_WORKFLOWS, PERM_VIEW_DEFINITIONS
from workflow_design.models import DefinitionStatus, TicketDefinition, WorkflowDefinition


def design_cards(request: HttpRequest) -> list[DashboardCard]:
    if not request.user.has_perm(PERM_VIEW_DEFINITIONS):
        return []
    can_design = request.user.has_perm(PERM_DESIGN_WORKFLOWS)
    company = request.company
    workflows = WorkflowDefinition.objects.for_company(company).values("key").distinct().count()
    ticket_types = TicketDefinition.objects.for_company(company).filter(status=DefinitionStatus.PUBLISHED).count()
    workflow_hint = ""
    if workflows == 0:
        workflow_hint = (
            "No workflows yet: create one, or import a bundle of ready-made processes."
            if can_design
            else "No workflows yet: your workflow creators design them here."
        )
    ticket_hint = ""
    if ticket_types == 0:
        ticket_hint = (
            "No ticket type is open for submissions: create one and publish it."
            if can_design
            else "No ticket type is open for submissions yet."
        )
    return [
        DashboardCard(
            title="Workflows",
            description="The steps a ticket goes through: tasks, forms and the rules between them.",
            url=reverse("design:workflow-list"),
            count=workflows,
            count_label="workflows",
            action_label="Design workflows" if can_design else "View workflows",
            empty_hint=workflow_hint,
            order=60,
        ),
        DashboardCard(
            title="Ticket types",
            description="What people can ask for, the fields they fill in and the workflow it starts.",
            url=reverse("design:ticket-type-list"),
            count=ticket_types,
            count_label="published ticket types",
            action_label="Manage ticket types" if can_design else "View ticket types",
            empty_hint=ticket_hint,
            order=65,
        ),
    ]
