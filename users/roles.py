"""The five system roles and the permissions each grants.

Roles are Django Groups created by a data migration; code checks the
permissions (`users.manage_team`, ...), never the group names.
"""

from django.db import models


class SystemRole(models.TextChoices):
    ADMIN = "admin", "Company admin"
    USER = "user", "Ticket submitter"
    TICKET_ADMIN = "ticket_admin", "Ticket admin"
    TASK_WORKER = "task_worker", "Task worker"
    WORKFLOW_CREATOR = "workflow_creator", "Workflow creator"


ROLE_DESCRIPTIONS = {
    SystemRole.ADMIN: "Manages the team and company roles.",
    SystemRole.USER: "Submits tickets and follows them.",
    SystemRole.TICKET_ADMIN: "Runs the ticket queue, reviews and retries errors.",
    SystemRole.TASK_WORKER: "Receives tasks and completes them.",
    SystemRole.WORKFLOW_CREATOR: "Designs workflows and ticket types.",
}

# What a holder of each role can do, as the dashboard says it: "You can submit tickets and follow them."
ROLE_ABILITIES = {
    SystemRole.ADMIN: "add teammates and give them roles",
    SystemRole.USER: "submit tickets and follow them",
    SystemRole.TICKET_ADMIN: "run the ticket queue and retry stopped tickets",
    SystemRole.TASK_WORKER: "receive tasks and complete them",
    SystemRole.WORKFLOW_CREATOR: "design workflows and ticket types",
}

# Codenames of the permissions declared on users.Company (Meta.permissions).
ROLE_PERMISSIONS: dict[str, list[str]] = {
    SystemRole.ADMIN: ["manage_team"],
    SystemRole.USER: ["submit_tickets"],
    SystemRole.TICKET_ADMIN: ["manage_tickets", "view_definitions"],
    SystemRole.TASK_WORKER: ["work_tasks"],
    SystemRole.WORKFLOW_CREATOR: ["design_workflows", "view_definitions"],
}

PERM_MANAGE_TEAM = "users.manage_team"
PERM_SUBMIT_TICKETS = "users.submit_tickets"
PERM_MANAGE_TICKETS = "users.manage_tickets"
PERM_WORK_TASKS = "users.work_tasks"
PERM_VIEW_DEFINITIONS = "users.view_definitions"
PERM_DESIGN_WORKFLOWS = "users.design_workflows"
