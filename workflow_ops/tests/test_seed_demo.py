"""seed_demo: the demo company, its users, the reference processes, and tickets worked through the services."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from users.demo import DEMO_COMPANY_NAME, DEMO_USERS, demo_company_seed
from users.models import Company, User
from workflow_design.bundles import reference_bundle_paths
from workflow_design.demo import reference_processes_load
from workflow_design.models import (
    DefinitionStatus,
    TaskDefinition,
    TicketDefinition,
    WorkflowDefinition,
    WorkflowTransition,
)
from workflow_design.services import workflow_draft_for_editing, workflow_publish, workflow_update_details
from workflow_ops.demo import DemoSeedError, demo_tickets_seed
from workflow_ops.models import (
    OPEN_TASK_STATUSES,
    Comment,
    ErrorKind,
    ErrorStatus,
    FileUpload,
    Priority,
    StatusChange,
    Subject,
    TaskInstance,
    TaskStatus,
    TicketInstance,
    TicketStatus,
    WorkflowError,
    WorkflowInstance,
)
from workflow_ops.recovery import recover_workflows

# The engine moves tickets on after each commit, as it does when the command runs: no test transaction.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("system_role_groups")]
REFERENCE_WORKFLOWS = {"it-support", "procurement", "customer-order", "artwork-approval", "supplier-link"}


def test_seed_demo_creates_users_for_every_role_once(capsys):
    call_command("seed_demo")
    first = capsys.readouterr().out
    call_command("seed_demo")
    second = capsys.readouterr().out

    company = Company.objects.get(name=DEMO_COMPANY_NAME)
    assert User.objects.for_company(company).count() == len(DEMO_USERS)
    roles = set(User.objects.for_company(company).values_list("groups__name", flat=True))
    assert roles == {"admin", "user", "ticket_admin", "task_worker", "workflow_creator"}
    assert User.objects.filter(is_superuser=True, company=None).count() == 1
    assert "shown only this once" in first
    assert "nothing changed" in second


def test_printed_demo_password_logs_in(client, capsys):
    call_command("seed_demo")
    line = next(line for line in capsys.readouterr().out.splitlines() if "submitter@" in line)
    password = line.split()[1]
    response = client.post("/login/", {"username": "submitter@demo.ticketflower.test", "password": password})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(User.objects.get(email="submitter@demo.ticketflower.test").pk)


def test_seed_demo_loads_every_reference_process_once(capsys):
    call_command("seed_demo")
    first = capsys.readouterr().out
    company = Company.objects.get(name=DEMO_COMPANY_NAME)
    published = set(WorkflowDefinition.objects.for_company(company).published().values_list("key", "version"))
    # The reference processes, and the demo's expense claim that stops one ticket.
    assert published == {(key, 1) for key in REFERENCE_WORKFLOWS | {"expense-claim"}}
    assert TicketDefinition.objects.for_company(company).filter(status=DefinitionStatus.PUBLISHED).count() == 6
    assert "procurement.json: " in first and "workflow procurement v1" in first

    call_command("seed_demo")
    second = capsys.readouterr().out

    assert WorkflowDefinition.objects.for_company(company).count() == 6
    assert set(TicketDefinition.objects.for_company(company).values_list("version", flat=True)) == {1}
    assert second.count("already loaded; nothing changed") == len(reference_bundle_paths())


def test_seed_demo_reloads_a_reference_process_that_was_changed(capsys):
    call_command("seed_demo")
    company = Company.objects.get(name=DEMO_COMPANY_NAME)
    current = WorkflowDefinition.objects.for_company(company).published().get(key="it-support")
    draft = workflow_draft_for_editing(workflow=current, actor=None)
    workflow_update_details(actor=None, workflow=draft, title="Changed by hand")
    workflow_publish(actor=None, workflow=draft)
    capsys.readouterr()

    call_command("seed_demo")

    latest = WorkflowDefinition.objects.for_company(company).published().get(key="it-support")
    assert (latest.version, latest.title) == (3, "IT support request")
    assert "it-support.json: workflow it-support v3" in capsys.readouterr().out


def test_seed_demo_reset_passwords_prints_new_working_passwords(capsys):
    call_command("seed_demo")
    capsys.readouterr()
    call_command("seed_demo", "--reset-passwords")
    line = next(line for line in capsys.readouterr().out.splitlines() if "worker@" in line)
    assert User.objects.get(email="worker@demo.ticketflower.test").check_password(line.split()[1])


def test_the_demo_action_calls_the_server_it_runs_on(settings, allow_private_action_targets, capsys):
    settings.DEMO_ACTION_BASE_URL = "http://127.0.0.1:8123"
    call_command("seed_demo")
    task = TaskDefinition.objects.get(key="stock-check", workflow__status=DefinitionStatus.PUBLISHED)
    assert task.action_url == "http://127.0.0.1:8123/demo-actions/stock-check/"

    settings.DEMO_ACTION_BASE_URL = "http://127.0.0.1:9000/"  # make run PORT=9000 later on
    call_command("seed_demo")
    task = TaskDefinition.objects.get(key="stock-check", workflow__status=DefinitionStatus.PUBLISHED)
    assert task.action_url == "http://127.0.0.1:9000/demo-actions/stock-check/"


def test_without_private_targets_seed_demo_skips_the_action_process_and_says_why(settings, capsys):
    settings.DEMO_ACTION_BASE_URL = "http://127.0.0.1:8000"  # as under production settings

    call_command("seed_demo")

    out = capsys.readouterr().out
    assert "customer-order.json: skipped. Its action task calls this server's demo endpoint" in out
    assert "ACTIONS_ALLOW_PRIVATE_TARGETS is off" in out
    assert not WorkflowDefinition.objects.filter(key="customer-order").exists()
    assert WorkflowDefinition.objects.filter(key="procurement", status=DefinitionStatus.PUBLISHED).exists()
    # The ticket stories of the skipped process are skipped too; the others are told.
    assert "Order from Blue Oak Café: skipped (the ticket type customer-order is not loaded here)" in out
    assert not TicketInstance.objects.filter(title="Order from Blue Oak Café").exists()
    assert TicketInstance.objects.filter(status=TicketStatus.FINISHED, outcome="Ordered").exists()
    assert WorkflowError.objects.exclude(status=ErrorStatus.RESOLVED).count() == 1


# --- Demo tickets --------------------------------------------------------------------------------


@pytest.fixture
def demo(capsys):
    call_command("seed_demo")
    capsys.readouterr()
    return Company.objects.get(name=DEMO_COMPANY_NAME)


def current_tasks(company):
    ids = WorkflowInstance.objects.for_company(company).exclude(current_task=None).values("current_task")
    return TaskInstance.objects.filter(pk__in=ids, status__in=OPEN_TASK_STATUSES).select_related("definition")


def test_demo_tickets_finish_with_every_outcome_of_the_processes_that_run_here(demo):
    outcomes = set(
        TicketInstance.objects.for_company(demo).filter(status=TicketStatus.FINISHED).values_list("outcome", flat=True)
    )
    # Every arrow to End of a published process without an HTTP action (nothing runs actions yet).
    with_actions = TaskDefinition.objects.exclude(task_type="FORM").values("workflow")
    ends = WorkflowTransition.objects.filter(
        workflow__company=demo, workflow__status=DefinitionStatus.PUBLISHED, to_task=None
    ).exclude(workflow__in=with_actions)
    labels = set(ends.values_list("label", flat=True))
    assert {"Done", "Ordered", "Production ready", "Linked", "Denied", "Blocked"} <= labels
    assert labels <= outcomes
    # The customer order waits at its action, queued.
    order = TicketInstance.objects.get(company=demo, ticket_type__key="customer-order")
    assert TaskInstance.objects.get(pk=order.workflow.current_task_id).status == TaskStatus.QUEUED


def test_demo_tickets_wait_at_different_steps_in_every_open_state(demo):
    waiting = list(current_tasks(demo))
    assert len({task.definition.key for task in waiting}) >= 6
    by_status = {}
    for task in waiting:
        by_status.setdefault(task.status, []).append(task)
    assert set(by_status) >= {TaskStatus.ASSIGNED, TaskStatus.UNASSIGNED, TaskStatus.IN_PROGRESS, TaskStatus.QUEUED}
    (drafted,) = by_status[TaskStatus.IN_PROGRESS]
    assert drafted.output_data["resolution"] and drafted.completed_at is None
    assigned_by_admin = [task for task in by_status[TaskStatus.ASSIGNED] if "by Tara" in task.assignment_reason]
    assert len(assigned_by_admin) == 1
    workers = {task.assigned_to.email.split("@")[0] for task in waiting if task.assigned_to}
    assert workers >= {"worker", "worker2", "supervisor"}


def test_one_demo_ticket_is_cancelled_and_one_stopped_by_a_workflow_error(demo):
    (cancelled,) = TicketInstance.objects.for_company(demo).filter(status=TicketStatus.CANCELLED)
    assert cancelled.outcome == "Cancelled" and cancelled.cancel_reason
    assert set(cancelled.tasks.values_list("status", flat=True)) == {TaskStatus.CANCELLED}
    assert cancelled.workflow.status == "cancelled"

    (error,) = WorkflowError.objects.for_company(demo).exclude(status=ErrorStatus.RESOLVED)
    assert error.kind == ErrorKind.WORKFLOW_TRANSITION
    assert error.message.startswith("No arrow after “Check the claim” matched")
    assert error.ticket.status == TicketStatus.OPEN
    assert (error.task.status, error.task.advanced_at) == (TaskStatus.COMPLETED, None)


def test_exactly_one_demo_task_is_overdue_and_priorities_vary(demo):
    now = timezone.now()
    overdue = [task for task in current_tasks(demo) if task.due_at and task.due_at < now]
    assert len(overdue) == 1
    assert overdue[0].definition.key == "vendor-quote"
    assert overdue[0].due_at < now - timedelta(days=1)
    priorities = set(TicketInstance.objects.for_company(demo).values_list("priority", flat=True))
    assert priorities == set(Priority.values)
    raised = TicketInstance.objects.get(company=demo, title="Standing desk for the design studio")
    assert raised.status_changes.filter(note__startswith="Priority Normal → High").exists()


def test_every_demo_ticket_went_through_the_services(demo):
    tickets = TicketInstance.objects.for_company(demo)
    assert tickets.count() == 18
    history = StatusChange.objects.for_company(demo)
    for ticket in tickets:
        submitted = history.get(subject=Subject.TICKET, object_id=ticket.pk, from_status="")
        assert (submitted.to_status, submitted.actor) == (TicketStatus.OPEN, ticket.submitted_by)
        assert history.filter(subject=Subject.WORKFLOW, object_id=ticket.workflow.pk, from_status="").exists()
        if not ticket.is_open:
            assert history.filter(subject=Subject.TICKET, object_id=ticket.pk, to_status=ticket.status).exists()
    for task in TaskInstance.objects.for_company(demo):
        assert history.filter(subject=Subject.TASK, object_id=task.pk, from_status="").exists()
        if task.status == TaskStatus.COMPLETED:
            done = history.get(subject=Subject.TASK, object_id=task.pk, to_status=TaskStatus.COMPLETED)
            assert done.actor == task.completed_by is not None
    on_behalf = tickets.exclude(submitted_by=F("requester"))
    assert on_behalf.count() == 3  # filed by the ticket admin
    # The engine moved every completed task on, but the one the error stopped: nothing to recover.
    assert TaskInstance.objects.for_company(demo).filter(status=TaskStatus.COMPLETED, advanced_at=None).count() == 1
    report = recover_workflows(grace=timedelta(0))
    assert (report.advanced, report.started, report.failed) == ([], [], [])


def test_running_seed_demo_again_adds_no_tickets(demo, capsys):
    counts = (TicketInstance.objects.count(), TaskInstance.objects.count(), StatusChange.objects.count())

    call_command("seed_demo")

    assert "The demo company has tickets already; no tickets added." in capsys.readouterr().out
    assert (TicketInstance.objects.count(), TaskInstance.objects.count(), StatusChange.objects.count()) == counts


def test_demo_tickets_inside_a_transaction_fail_loudly_instead_of_half_seeding():
    company, _ = demo_company_seed()
    reference_processes_load(company=company, actor=None)

    with pytest.raises(DemoSeedError, match="seed the demo outside a transaction"), transaction.atomic():
        demo_tickets_seed(company=company)


def test_demo_tickets_carry_a_conversation_and_files(demo):
    comments = Comment.objects.filter(company=demo)
    assert comments.filter(internal=False).count() >= 3 and comments.filter(internal=True).count() >= 2
    uploads = FileUpload.objects.filter(company=demo)
    assert set(uploads.values_list("filename", flat=True)) >= {
        "chair-specification.pdf",
        "spring-flyer-v1.pdf",
        "spring-flyer-v2.pdf",
    }
    flyer = TicketInstance.objects.get(company=demo, title="Spring flyer for Bloom Florists")
    proof = TaskInstance.objects.filter(ticket=flyer, definition__key="send-for-approval").latest("created_at")
    assert proof.output_data["proof"].startswith("upload:")
