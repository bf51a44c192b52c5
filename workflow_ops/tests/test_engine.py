"""The WorkflowStateManager: tickets run through their workflows, step by step."""

import pytest

from users.services import Actor
from users.tests.factories import CompanyRoleFactory
from workflow_ops.models import TaskStatus, TicketStatus, WorkflowStatus
from workflow_ops.services.tasks import task_complete
from workflow_ops.tests.factories import form_task, simple_process, submit, submitter, worker

pytestmark = pytest.mark.django_db


def test_a_ticket_runs_through_a_linear_workflow_to_its_outcome(tenant, django_capture_on_commit_callbacks):
    role = CompanyRoleFactory(company=tenant.company, name="Helpdesk")
    dana = worker(tenant.company, "Dana", role)
    sam = submitter(tenant.company, "Sam")
    ticket_type = simple_process(
        tenant.company,
        tasks=[form_task("triage", {"note": {"type": "string"}}, assignee_role="Helpdesk"), form_task("fix")],
        transitions=[
            {"from": None, "to": "triage"},
            {"from": "triage", "to": "fix"},
            {"from": "fix", "to": None, "label": "Fixed"},
        ],
    )
    with django_capture_on_commit_callbacks(execute=True):
        ticket = submit(ticket_type, sam)
    triage = ticket.workflow.current_task
    assert (triage.definition.key, triage.status, triage.assigned_to) == ("triage", TaskStatus.ASSIGNED, dana)

    with django_capture_on_commit_callbacks(execute=True):
        task_complete(task=triage, actor=Actor(user=dana), output={"note": "Screen cable"})
    ticket.workflow.refresh_from_db()
    fix = ticket.workflow.current_task
    assert fix.definition.key == "fix" and fix.came_from == triage
    with django_capture_on_commit_callbacks(execute=True):
        task_complete(task=fix, actor=Actor(user=fix.assigned_to), output={})

    ticket.refresh_from_db()
    ticket.workflow.refresh_from_db()
    assert (ticket.status, ticket.outcome) == (TicketStatus.FINISHED, "Fixed")
    assert ticket.workflow.status == WorkflowStatus.COMPLETED
    assert ticket.workflow.workflow_data["tasks"] == {"triage": {"note": "Screen cable"}, "fix": {}}
