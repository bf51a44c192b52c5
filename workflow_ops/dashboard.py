"""Dashboard cards for the working pages: tickets to file and follow, tasks to do, errors to clear."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from users.dashboard import DashboardCard
from users.roles import PERM_MANAGE_TICKETS, PERM_SUBMIT_TICKETS, PERM_WORK_TASKS
from workflow_design.plans import submittable_ticket_types
from workflow_ops.models import ErrorStatus, TicketInstance, TicketStatus, WorkflowError
from workflow_ops.selectors.counts import capped_count, label
from workflow_ops.selectors.tasks import my_open_tasks, pool_tasks


def ops_cards(request: HttpRequest) -> list[DashboardCard]:
    user, company = request.user, request.company
    cards = []
    if user.has_perm(PERM_SUBMIT_TICKETS):
        open_mine = TicketInstance.objects.for_company(company).filter(requester=user, status=TicketStatus.OPEN)
        can_file = submittable_ticket_types(company=company, user=user).exists()
        cards.append(
            DashboardCard(
                title="My tickets",
                description="What you asked for, where each one is, and who has it.",
                url=reverse("ops:my-tickets"),
                count=open_mine.count(),
                count_label="open tickets",
                action_label="See my tickets",
                empty_hint=""
                if can_file
                else "No ticket type is open to you yet: your workflow creators publish them.",
                order=10,
            )
        )
        if can_file:
            cards.append(
                DashboardCard(
                    title="New ticket",
                    description="Ask for something: pick what it is about and fill in the form.",
                    url=reverse("ops:ticket-new"),
                    action_label="Submit a ticket",
                    order=5,
                )
            )
    if user.has_perm(PERM_WORK_TASKS):
        mine = my_open_tasks(company, user).count()
        pool = capped_count(pool_tasks(company, user)) if not mine else 0
        hint = f"Nothing assigned to you; {label(pool)} task{'s' * (pool != 1)} wait in the pool." if pool else ""
        cards.append(
            DashboardCard(
                title="My tasks",
                description="Steps of tickets that are yours to do, due soonest first.",
                url=reverse("ops:my-tasks"),
                count=mine,
                count_label="open tasks",
                action_label="Open my tasks",
                empty_hint=hint,
                order=20,
            )
        )
    if user.has_perm(PERM_MANAGE_TICKETS):
        errors = WorkflowError.objects.for_company(company).exclude(status=ErrorStatus.RESOLVED).count()
        cards.append(
            DashboardCard(
                title="Workflow errors",
                description="Tickets stopped at a step the workflow could not take: fix the cause, then retry.",
                url=reverse("ops:error-list"),
                count=errors,
                count_label="open errors",
                action_label="Review errors",
                empty_hint="No ticket is stopped." if not errors else "",
                order=30,
            )
        )
    return cards
