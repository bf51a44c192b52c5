"""Who gets a task, and why: each assignment mode, the requester rule, and reassignment."""

from datetime import timedelta

import pytest
from django.utils import timezone

from users.roles import SystemRole
from users.services import Actor, system_role_groups, team_member_deactivate, team_member_update
from users.tests.factories import CompanyRoleFactory
from workflow_ops.models import Notification, NotificationKind, StatusChange, TaskInstance, TaskStatus
from workflow_ops.services.common import NotAllowed
from workflow_ops.services.tasks import task_assign, task_claim, task_complete
from workflow_ops.tests.factories import form_task, simple_process, submit, submitter, worker

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    def call(function, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(**kwargs)

    return call


@pytest.fixture
def purchasing(tenant):
    return CompanyRoleFactory(company=tenant.company, name="Purchasing")


def one_step(company, **task_extra):
    return simple_process(
        company,
        tasks=[form_task("buy", assignee_role="Purchasing", **task_extra)],
        transitions=[{"from": None, "to": "buy"}, {"from": "buy", "to": None, "label": "Bought"}],
    )


def first_task(run, ticket_type, requester):
    ticket = run(submit, ticket_type=ticket_type, requester=requester)
    return TaskInstance.objects.get(ticket=ticket)


def test_least_loaded_gives_the_task_to_the_worker_with_fewest_open_tasks(tenant, purchasing, run):
    busy, free = worker(tenant.company, "Busy", purchasing), worker(tenant.company, "Free", purchasing)
    worker(tenant.company, "Outsider")  # no Purchasing role: never eligible
    ticket_type = one_step(tenant.company)
    asker = submitter(tenant.company, "Sam")
    # Busy already has two open tasks.
    for _ in range(2):
        task = first_task(run, ticket_type, asker)
        if task.assigned_to != busy:
            task_assign(task=task, actor=Actor(user=tenant.by_role["ticket_admin"]), assignee=busy)

    task = first_task(run, ticket_type, asker)

    assert task.assigned_to == free
    assert task.assignment_reason == "0 open tasks, fewest among 2 eligible workers."


def test_ties_go_to_whoever_was_assigned_least_recently(tenant, purchasing, run):
    early, late = worker(tenant.company, "Early", purchasing), worker(tenant.company, "Late", purchasing)
    ticket_type = one_step(tenant.company)
    asker = submitter(tenant.company, "Sam")
    done = []
    for person in (early, late):
        task = first_task(run, ticket_type, asker)
        task_assign(task=task, actor=Actor(user=tenant.by_role["ticket_admin"]), assignee=person)
        task.refresh_from_db()
        run(task_complete, task=task, actor=Actor(user=person), output={})
        done.append(task)
    # Both have no open task now; Early was assigned longer ago.
    TaskInstance.objects.filter(pk=done[0].pk).update(assigned_at=timezone.now() - timedelta(days=1))

    assert first_task(run, ticket_type, asker).assigned_to == early


def test_the_requester_is_skipped_when_someone_else_can_do_it(tenant, purchasing, run):
    sue = worker(tenant.company, "Sue", purchasing, extra=(SystemRole.USER,))
    dana = worker(tenant.company, "Dana", purchasing)
    ticket_type = one_step(tenant.company)
    admin = Actor(user=tenant.by_role["ticket_admin"])
    for _ in range(2):  # Dana is busier than Sue, but Sue is the one asking
        task_assign(task=first_task(run, ticket_type, submitter(tenant.company, "X")), actor=admin, assignee=dana)

    task = first_task(run, ticket_type, sue)

    assert task.assigned_to == dana
    assert "Sue skipped: they asked for it" in task.assignment_reason


def test_the_requester_does_it_when_nobody_else_can(tenant, purchasing, run):
    sue = worker(tenant.company, "Sue", purchasing, extra=(SystemRole.USER,))
    task = first_task(run, one_step(tenant.company), sue)
    assert task.assigned_to == sue
    assert task.assignment_reason.startswith("The only eligible worker")


def test_nobody_eligible_leaves_the_task_waiting_and_tells_the_ticket_admins(tenant, purchasing, run):
    task = first_task(run, one_step(tenant.company), submitter(tenant.company, "Sam"))
    assert (task.status, task.assigned_to) == (TaskStatus.UNASSIGNED, None)
    assert "Nobody is an active task worker holding “Purchasing”" in task.assignment_reason
    told = Notification.objects.filter(kind=NotificationKind.TASK_UNASSIGNED).values_list("recipient", flat=True)
    assert set(told) == {tenant.owner.pk, tenant.by_role["ticket_admin"].pk}

    newcomer = worker(tenant.company, "Nia", purchasing)
    task_assign(task=task, actor=Actor(user=tenant.by_role["ticket_admin"]), assignee=newcomer)
    task.refresh_from_db()
    assert (task.status, task.assigned_to) == (TaskStatus.ASSIGNED, newcomer)
    assert task.due_at is None  # no remind/escalate settings on this task


def test_a_task_is_due_when_it_escalates(tenant, purchasing, run):
    worker(tenant.company, "Dana", purchasing)
    ticket_type = one_step(tenant.company, remind_after="PT6H", escalate_after="P1D")
    task = first_task(run, ticket_type, submitter(tenant.company, "Sam"))
    assert task.next_remind_at - task.assigned_at == timedelta(hours=6)
    assert task.escalate_at - task.assigned_at == timedelta(days=1)
    assert task.due_at == task.escalate_at


def test_pool_tasks_wait_to_be_claimed_by_an_eligible_worker(tenant, purchasing, run):
    dana = worker(tenant.company, "Dana", purchasing)
    outsider = worker(tenant.company, "Otto")
    task = first_task(run, one_step(tenant.company, assignment="pool"), submitter(tenant.company, "Sam"))
    assert (task.status, task.assigned_to) == (TaskStatus.UNASSIGNED, None)
    assert task.assignment_reason == "Waiting in the pool for any of 1 eligible worker to claim it."
    assert not Notification.objects.filter(kind=NotificationKind.TASK_UNASSIGNED).exists()

    with pytest.raises(NotAllowed):
        task_claim(task=task, actor=Actor(user=outsider))
    task_claim(task=task, actor=Actor(user=dana))
    task.refresh_from_db()
    assert (task.status, task.assigned_to) == (TaskStatus.ASSIGNED, dana)
    with pytest.raises(NotAllowed, match="taken this task already"):
        task_claim(task=task, actor=Actor(user=worker(tenant.company, "Late", purchasing)))


def test_requester_mode_gives_the_step_to_the_requester(tenant, purchasing, run):
    sam = submitter(tenant.company, "Sam")
    worker(tenant.company, "Dana", purchasing)
    task = first_task(run, one_step(tenant.company, assignment="requester"), sam)
    assert task.assigned_to == sam and task.assignment_reason == "The requester does this step."


def test_same_as_goes_to_whoever_completed_the_earlier_task(tenant, purchasing, run):
    dana, wes = worker(tenant.company, "Dana", purchasing), worker(tenant.company, "Wes", purchasing)
    ticket_type = simple_process(
        tenant.company,
        tasks=[
            form_task("quote", assignee_role="Purchasing"),
            form_task("check", assignee_role="Purchasing"),
            form_task("order", assignee_role="Purchasing", assignment="same_as:quote"),
        ],
        transitions=[
            {"from": None, "to": "quote"},
            {"from": "quote", "to": "check"},
            {"from": "check", "to": "order"},
            {"from": "order", "to": None, "label": "Ordered"},
        ],
    )
    ticket = run(submit, ticket_type=ticket_type, requester=submitter(tenant.company, "Sam"))
    quote = TaskInstance.objects.get(ticket=ticket)
    run(task_complete, task=quote, actor=Actor(user=quote.assigned_to), output={})
    check = TaskInstance.objects.get(came_from=quote)
    assert check.assigned_to != quote.assigned_to  # least loaded: the other one
    run(task_complete, task=check, actor=Actor(user=check.assigned_to), output={})

    order = TaskInstance.objects.get(came_from=check)
    assert order.assigned_to == quote.assigned_to
    assert order.assignment_reason.endswith("did “Quote”, so this step is theirs too.")
    assert {dana, wes} == {quote.assigned_to, check.assigned_to}


def test_deactivating_a_worker_sends_their_open_tasks_back_through_assignment(tenant, purchasing, run):
    dana, wes = worker(tenant.company, "Dana", purchasing), worker(tenant.company, "Wes", purchasing)
    task = first_task(run, one_step(tenant.company), submitter(tenant.company, "Sam"))
    leaving = task.assigned_to
    staying = wes if leaving == dana else dana

    team_member_deactivate(member=leaving, actor=Actor(user=tenant.owner))

    task.refresh_from_db()
    assert (task.status, task.assigned_to) == (TaskStatus.ASSIGNED, staying)
    assert (
        StatusChange.objects.filter(object_id=task.pk, subject="task")
        .last()
        .note.startswith(f"Assigned to {staying.first_name} — ")
    )
    assert Notification.objects.filter(recipient=staying, kind=NotificationKind.TASK_ASSIGNED).exists()


def test_losing_the_role_sends_the_task_back_too_and_nobody_left_means_unassigned(tenant, purchasing, run):
    dana = worker(tenant.company, "Dana", purchasing)
    task = first_task(run, one_step(tenant.company), submitter(tenant.company, "Sam"))
    assert task.assigned_to == dana

    team_member_update(
        member=dana,
        actor=Actor(user=tenant.owner),
        first_name="Dana",
        last_name=dana.last_name,
        system_roles=system_role_groups([SystemRole.TASK_WORKER]),
        company_roles=[],
    )

    task.refresh_from_db()
    assert (task.status, task.assigned_to) == (TaskStatus.UNASSIGNED, None)


def test_a_worker_keeping_the_role_keeps_their_tasks(tenant, purchasing, run):
    dana = worker(tenant.company, "Dana", purchasing)
    task = first_task(run, one_step(tenant.company), submitter(tenant.company, "Sam"))
    team_member_update(
        member=dana,
        actor=Actor(user=tenant.owner),
        first_name="Dana D.",
        last_name=dana.last_name,
        system_roles=system_role_groups([SystemRole.TASK_WORKER]),
        company_roles=[purchasing],
    )
    task.refresh_from_db()
    assert task.assigned_to == dana
