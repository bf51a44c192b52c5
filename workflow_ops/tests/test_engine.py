"""The WorkflowStateManager: tickets run through their workflows, step by step."""

import pytest
from django.db import transaction
from django_fsm import TransitionNotAllowed

from users.services import Actor
from users.tests.factories import CompanyRoleFactory
from workflow_ops.engine.errors import EngineError
from workflow_ops.engine.manager import advance_workflow, start_workflow, workflow_advance
from workflow_ops.engine.steps import advance_step, record_failure
from workflow_ops.models import (
    ErrorKind,
    ErrorStatus,
    StatusChange,
    TaskInstance,
    TaskStatus,
    TicketStatus,
    WorkflowError,
    WorkflowStatus,
)
from workflow_ops.services.common import InvalidData, NotAllowed
from workflow_ops.services.errors import error_retry
from workflow_ops.services.tasks import task_complete, task_correct_output
from workflow_ops.services.tickets import ticket_cancel
from workflow_ops.tests.factories import form_task, simple_process, submit, submitter, worker
from workflow_ops.transitions import change_status

pytestmark = pytest.mark.django_db

DECISION = {"decision": {"type": "string", "enum": ["approve", "reject"]}}


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Call a service and run what it leaves for after the commit, as a request would."""

    def call(function, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(**kwargs)

    return call


@pytest.fixture
def people(tenant):
    helpdesk = CompanyRoleFactory(company=tenant.company, name="Helpdesk")
    return {
        "role": helpdesk,
        "dana": worker(tenant.company, "Dana", helpdesk),
        "sam": submitter(tenant.company, "Sam"),
    }


def current(ticket):
    ticket.refresh_from_db()
    ticket.workflow.refresh_from_db()
    return ticket.workflow.current_task


def complete(run, task, output=None):
    return run(task_complete, task=task, actor=Actor(user=task.assigned_to), output=output or {})


def approval_process(company, **review_extra):
    """review → (approve) order → end "Ordered"; review → (reject) end "Rejected"."""
    return simple_process(
        company,
        tasks=[form_task("review", DECISION, assignee_role="Helpdesk", **review_extra), form_task("order")],
        transitions=[
            {"from": None, "to": "review"},
            {"from": "review", "to": "order", "condition": {"==": [{"var": "tasks.review.decision"}, "approve"]}},
            {
                "from": "review",
                "to": None,
                "condition": {"==": [{"var": "tasks.review.decision"}, "reject"]},
                "priority": 1,
                "label": "Rejected",
            },
            {"from": "order", "to": None, "label": "Ordered"},
        ],
    )


# --- Start -----------------------------------------------------------------------------------------


def test_submitting_starts_the_workflow_and_its_first_task_after_the_commit(tenant, people, run):
    ticket_type = approval_process(tenant.company)
    ticket = run(submit, ticket_type=ticket_type, requester=people["sam"], data={}, title="Chairs")
    task = current(ticket)
    assert (ticket.number, ticket.status, ticket.ticket_type_version) == (1, TicketStatus.OPEN, 1)
    assert ticket.fields_schema == ticket_type.fields_schema
    assert ticket.workflow.status == WorkflowStatus.RUNNING
    assert (task.definition.key, task.status, task.assigned_to, task.came_from) == (
        "review",
        TaskStatus.ASSIGNED,
        people["dana"],
        None,
    )


def test_without_the_commit_nothing_starts(tenant, people):
    ticket = submit(approval_process(tenant.company), people["sam"])
    assert not TaskInstance.objects.filter(ticket=ticket).exists()


def test_starting_twice_creates_one_workflow_and_one_first_task(tenant, people, run):
    ticket = run(submit, ticket_type=approval_process(tenant.company), requester=people["sam"])
    assert start_workflow(ticket.pk) is True
    assert TaskInstance.objects.filter(ticket=ticket).count() == 1


def test_tickets_are_numbered_per_company(tenant, other_tenant, people, run):
    ticket_type = approval_process(tenant.company)
    numbers = [run(submit, ticket_type=ticket_type, requester=people["sam"]).number for _ in range(3)]
    theirs = approval_process(other_tenant.company)
    other = run(submit, ticket_type=theirs, requester=submitter(other_tenant.company, "Olga"))
    assert numbers == [1, 2, 3] and other.number == 1


def test_submitted_data_is_checked_against_the_ticket_type(tenant, people):
    ticket_type = simple_process(
        tenant.company,
        tasks=[form_task("only")],
        transitions=[{"from": None, "to": "only"}, {"from": "only", "to": None, "label": "Done"}],
        fields={
            "type": "object",
            "properties": {"amount": {"type": "number", "minimum": 0}, "item": {"type": "string"}},
            "required": ["item"],
        },
    )
    with pytest.raises(InvalidData) as invalid:
        submit(ticket_type, people["sam"], {"amount": -5}, title=" ")
    assert set(invalid.value.errors) == {"item", "amount", "title"}


# --- Routing -----------------------------------------------------------------------------------------


def test_a_condition_chooses_the_branch(tenant, people, run):
    ticket = run(submit, ticket_type=approval_process(tenant.company), requester=people["sam"])
    complete(run, current(ticket), {"decision": "approve"})
    assert current(ticket).definition.key == "order"


def test_an_arrow_to_end_gives_the_outcome(tenant, people, run):
    ticket = run(submit, ticket_type=approval_process(tenant.company), requester=people["sam"])
    complete(run, current(ticket), {"decision": "reject"})
    ticket.refresh_from_db()
    assert (ticket.status, ticket.outcome) == (TicketStatus.FINISHED, "Rejected")
    assert ticket.workflow.current_task is None


def test_a_task_without_arrows_out_ends_the_workflow(tenant, people, run):
    ticket_type = simple_process(tenant.company, tasks=[form_task("only")], transitions=[{"from": None, "to": "only"}])
    ticket = run(submit, ticket_type=ticket_type, requester=people["sam"])
    complete(run, current(ticket))
    ticket.refresh_from_db()
    assert (ticket.status, ticket.outcome) == (TicketStatus.FINISHED, "Completed")


def test_a_loop_back_goes_to_whoever_did_the_step_before(tenant, people, run):
    role = people["role"]
    worker(tenant.company, "Wes", role)  # another helpdesk worker with fewer tasks later on
    ticket_type = simple_process(
        tenant.company,
        tasks=[
            form_task("quote", {"amount": {"type": "integer"}}, assignee_role="Helpdesk"),
            form_task("approve", DECISION, assignee_role="Helpdesk"),
        ],
        transitions=[
            {"from": None, "to": "quote"},
            {"from": "quote", "to": "approve"},
            {
                "from": "approve",
                "to": None,
                "condition": {"==": [{"var": "tasks.approve.decision"}, "approve"]},
                "label": "Yes",
            },
            {"from": "approve", "to": "quote", "priority": 1},
        ],
    )
    ticket = run(submit, ticket_type=ticket_type, requester=people["sam"])
    first_quote = current(ticket)
    complete(run, first_quote, {"amount": 900})
    complete(run, current(ticket), {"decision": "reject"})

    again = current(ticket)
    assert again.definition.key == "quote" and again.pk != first_quote.pk
    assert again.assigned_to == first_quote.assigned_to
    assert "did this step before" in again.assignment_reason
    assert ticket.workflow.workflow_data["tasks"]["approve"] == {"decision": "reject"}


def test_no_matching_arrow_stops_the_ticket_with_an_error_naming_what_it_saw(tenant, people, run):
    ticket_type = simple_process(
        tenant.company,
        tasks=[form_task("review", {"decision": {"type": "string"}}, assignee_role="Helpdesk")],
        transitions=[
            {"from": None, "to": "review"},
            {
                "from": "review",
                "to": None,
                "condition": {"==": [{"var": "tasks.review.decision"}, "approve"]},
                "label": "Approved",
            },
        ],
    )
    ticket = run(submit, ticket_type=ticket_type, requester=people["sam"])
    task = current(ticket)
    complete(run, task, {"decision": "Approve"})

    task.refresh_from_db()
    assert task.status == TaskStatus.COMPLETED and task.advanced_at is None  # the completion stands
    error = WorkflowError.objects.get(ticket=ticket)
    assert (error.kind, error.status, error.task) == (ErrorKind.WORKFLOW_TRANSITION, ErrorStatus.NEW, task)
    assert "No arrow after “Review” matched" in error.message
    assert 'review.decision = "Approve"' in error.message
    assert "“Approved” (review.decision equals 'approve')" in error.message
    assert error.attempts.count() == 1


def test_a_rule_that_cannot_be_evaluated_is_an_error_naming_the_rule(tenant, people, run):
    ticket_type = simple_process(
        tenant.company,
        tasks=[form_task("count", {"n": {"type": "integer"}}, assignee_role="Helpdesk")],
        transitions=[
            {"from": None, "to": "count"},
            {
                "from": "count",
                "to": None,
                "condition": {">": [{"/": [10, {"var": "tasks.count.n"}]}, 1]},
                "label": "Big",
            },
            {"from": "count", "to": None, "priority": 1, "label": "Small"},
        ],
    )
    ticket = run(submit, ticket_type=ticket_type, requester=people["sam"])
    complete(run, current(ticket), {"n": 0})
    error = WorkflowError.objects.get(ticket=ticket)
    assert "The condition of “Big” after “Count”" in error.message
    assert "ZeroDivisionError" in error.message


def test_retry_after_correcting_the_answer_moves_the_ticket_on(tenant, people, run):
    ticket = run(submit, ticket_type=approval_process(tenant.company), requester=people["sam"])
    task = current(ticket)
    # An answer the arrows do not expect (e.g. an old client): the ticket stops.
    task.output_data = {"decision": "maybe"}
    task.completed_by, task.completed_at = task.assigned_to, task.assigned_at
    with transaction.atomic():
        change_status(task, "complete", actor=None, fields=["output_data", "completed_by", "completed_at"])
    advance_workflow(task.pk)
    error = WorkflowError.objects.get(ticket=ticket)
    admin = Actor(user=tenant.by_role["ticket_admin"])

    assert error_retry(error=error, actor=admin) is False  # nothing changed: fails again
    error.refresh_from_db()
    assert (error.attempt_count, error.status) == (2, ErrorStatus.NEW)

    task_correct_output(task=task, actor=admin, output={"decision": "approve"})
    assert error_retry(error=error, actor=admin) is True

    error.refresh_from_db()
    assert error.status == ErrorStatus.RESOLVED and error.resolved_by == admin.user
    assert current(ticket).definition.key == "order"
    notes = list(StatusChange.objects.filter(ticket=ticket).values_list("note", flat=True))
    assert any("Answer corrected by" in note and "'maybe' → 'approve'" in note for note in notes)
    assert any(note.startswith("Retried by") for note in notes)


def test_only_ticket_admins_correct_answers_and_only_of_stuck_tasks(tenant, people, run):
    ticket = run(submit, ticket_type=approval_process(tenant.company), requester=people["sam"])
    task = current(ticket)
    with pytest.raises(NotAllowed):
        task_correct_output(task=task, actor=Actor(user=people["dana"]), output={"decision": "approve"})
    with pytest.raises(NotAllowed):  # not stuck: nothing to correct
        task_correct_output(task=task, actor=Actor(user=tenant.by_role["ticket_admin"]), output={})


# --- Completing ---------------------------------------------------------------------------------------


def test_an_answer_that_does_not_fit_the_form_is_refused_by_field(tenant, people, run):
    ticket = run(submit, ticket_type=approval_process(tenant.company), requester=people["sam"])
    task = current(ticket)
    with pytest.raises(InvalidData) as invalid:
        task_complete(task=task, actor=Actor(user=people["dana"]), output={"decision": "perhaps"})
    assert invalid.value.errors == {"decision": ["Choose one of: approve, reject."]}


def test_only_the_assignee_completes_and_only_once(tenant, people, run):
    ticket = run(submit, ticket_type=approval_process(tenant.company), requester=people["sam"])
    task = current(ticket)
    with pytest.raises(NotAllowed):
        task_complete(task=task, actor=Actor(user=people["sam"]), output={"decision": "approve"})
    stale = TaskInstance.objects.get(pk=task.pk)
    complete(run, task, {"decision": "approve"})
    with pytest.raises(NotAllowed, match="Someone else completed"):
        task_complete(task=stale, actor=Actor(user=people["dana"]), output={"decision": "reject"})
    assert TaskInstance.objects.filter(ticket=ticket).count() == 2


def test_advancing_twice_creates_one_next_task(tenant, people, run):
    ticket = run(submit, ticket_type=approval_process(tenant.company), requester=people["sam"])
    task = current(ticket)
    complete(run, task, {"decision": "approve"})
    assert workflow_advance(task.pk) is None
    assert TaskInstance.objects.filter(came_from=task).count() == 1


def test_a_forbidden_transition_raises(tenant, people, run):
    ticket = run(submit, ticket_type=approval_process(tenant.company), requester=people["sam"])
    task = current(ticket)
    with pytest.raises(TransitionNotAllowed):
        task.requeue()  # only an action in error goes back to the queue
    ticket.cancel(reason="in memory only")
    with pytest.raises(TransitionNotAllowed):
        ticket.finish(outcome="Done")


def test_every_status_change_is_recorded_with_its_actor(tenant, people, run):
    ticket = run(submit, ticket_type=approval_process(tenant.company), requester=people["sam"])
    complete(run, current(ticket), {"decision": "reject"})
    rows = list(StatusChange.objects.filter(ticket=ticket).values_list("subject", "from_status", "to_status"))
    assert rows == [
        ("ticket", "", "open"),
        ("workflow", "", "running"),
        ("task", "", "assigned"),
        ("task", "assigned", "completed"),
        ("workflow", "running", "completed"),
        ("ticket", "open", "finished"),
    ]
    completed = StatusChange.objects.get(ticket=ticket, to_status="completed", subject="task")
    assert (
        completed.actor == people["dana"]
        and completed.note == "Completed by Dana " + people["dana"].last_name + ": reject"
    )


# --- Cancel --------------------------------------------------------------------------------------------


def test_cancelling_stops_the_workflow_and_its_open_tasks(tenant, people, run):
    ticket = run(submit, ticket_type=approval_process(tenant.company), requester=people["sam"])
    task = current(ticket)
    with pytest.raises(InvalidData):
        ticket_cancel(ticket=ticket, actor=Actor(user=people["sam"]), reason="  ")
    with pytest.raises(NotAllowed):
        ticket_cancel(ticket=ticket, actor=Actor(user=people["dana"]), reason="Not mine")

    ticket_cancel(ticket=ticket, actor=Actor(user=people["sam"]), reason="Found chairs in storage")

    ticket.refresh_from_db()
    task.refresh_from_db()
    assert (ticket.status, ticket.outcome, ticket.cancel_reason) == (
        TicketStatus.CANCELLED,
        "Cancelled",
        "Found chairs in storage",
    )
    assert ticket.workflow.status == WorkflowStatus.CANCELLED
    assert task.status == TaskStatus.CANCELLED
    with pytest.raises(NotAllowed):
        task_complete(task=task, actor=Actor(user=people["dana"]), output={"decision": "approve"})


def test_a_ticket_admin_may_cancel_a_stopped_ticket_and_its_error_is_resolved(tenant, people, run):
    ticket = run(submit, ticket_type=approval_process(tenant.company), requester=people["sam"])
    error = record_failure(advance_step(current(ticket).pk), EngineError("stuck"))
    ticket_cancel(ticket=ticket, actor=Actor(user=tenant.by_role["ticket_admin"]), reason="Duplicate")
    error.refresh_from_db()
    assert error.status == ErrorStatus.RESOLVED
