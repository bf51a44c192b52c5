"""seed_volume: bulk tickets that look like the engine's own work, numbered on from the company's counter."""

from collections import Counter
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from users.models import Company, User
from workflow_design.models import WorkflowTransition
from workflow_ops.models import (
    OPEN_TASK_STATUSES,
    Comment,
    Priority,
    StatusChange,
    Subject,
    TaskInstance,
    TaskStatus,
    TicketCounter,
    TicketInstance,
    TicketStatus,
    WorkflowInstance,
    WorkflowStatus,
)
from workflow_ops.recovery import recover_workflows
from workflow_ops.volume.tables import Table, UnfilledColumns

pytestmark = pytest.mark.django_db


def seed(capsys, company="Volume Co", tickets=200, *extra):
    call_command("seed_volume", "--company", company, "--tickets", str(tickets), "--seed", "7", *extra)
    return capsys.readouterr().out


@pytest.fixture
def volume(capsys):
    out = seed(capsys, "Volume Co", 200, "--batch-size", "64")
    return Company.objects.get(name="Volume Co"), out


def chains(company):
    """{ticket id: its tasks in came_from order}, checking that each forms one unbroken chain."""
    by_ticket = {}
    for task in TaskInstance.objects.for_company(company).select_related("definition"):
        by_ticket.setdefault(task.ticket_id, []).append(task)
    result = {}
    for ticket_id, tasks in by_ticket.items():
        (first,) = [task for task in tasks if task.came_from_id is None]
        following = {task.came_from_id: task for task in tasks if task.came_from_id}
        chain = [first]
        while chain[-1].pk in following:
            chain.append(following[chain[-1].pk])
        assert len(chain) == len(tasks), f"ticket {ticket_id}: tasks outside the chain"
        assert all(task.workflow_id == first.workflow_id for task in chain)
        assert [task.created_at for task in chain] == sorted(task.created_at for task in chain)
        result[ticket_id] = chain
    return result


def test_seed_volume_builds_the_mix_with_consistent_task_chains(volume):
    company, out = volume
    tickets = {ticket.pk: ticket for ticket in TicketInstance.objects.for_company(company)}
    assert len(tickets) == 200
    statuses = Counter(ticket.status for ticket in tickets.values())
    assert statuses == {TicketStatus.OPEN: 24, TicketStatus.CANCELLED: 12, TicketStatus.FINISHED: 164}
    assert "200 tickets #1–#200 (24 open, 164 finished, 12 cancelled)" in out

    workflows = {workflow.ticket_id: workflow for workflow in WorkflowInstance.objects.for_company(company)}
    ends = {}
    for arrow in WorkflowTransition.objects.filter(workflow__company=company, to_task=None):
        ends.setdefault(arrow.workflow_id, set()).add(arrow.label)
    all_chains = chains(company)
    assert set(all_chains) == set(tickets)
    for ticket_id, chain in all_chains.items():
        ticket, workflow = tickets[ticket_id], workflows[ticket_id]
        assert 2 <= len(chain) <= 8
        *done, last = chain
        for task in done:
            assert task.status == TaskStatus.COMPLETED
            assert task.completed_at and task.advanced_at and task.advanced_at >= task.completed_at
            assert task.completed_by_id == task.assigned_to_id
            assert (task.completed_by is None) == (task.definition.task_type != "FORM")
        assert workflow.definition_id == ticket.workflow_definition_id
        if ticket.status == TicketStatus.OPEN:
            assert workflow.status == WorkflowStatus.RUNNING and workflow.current_task_id == last.pk
            assert last.status in OPEN_TASK_STATUSES and ticket.closed_at is None and not ticket.outcome
            assert set(workflow.workflow_data["tasks"]) == {task.definition.key for task in done}
        elif ticket.status == TicketStatus.FINISHED:
            assert workflow.status == WorkflowStatus.COMPLETED and workflow.current_task_id is None
            assert last.status == TaskStatus.COMPLETED and last.advanced_at <= ticket.closed_at <= timezone.now()
            assert ticket.outcome in ends[ticket.workflow_definition_id]
        else:
            assert (workflow.status, last.status, ticket.outcome) == ("cancelled", "cancelled", "Cancelled")
            assert ticket.cancel_reason and ticket.closed_at
        assert ticket.created_at < chain[0].created_at
    # Nothing for the recovery sweep: every completed task was moved past, every workflow started.
    report = recover_workflows(grace=timedelta(0))
    assert (report.advanced, report.started, report.failed) == ([], [], [])


def test_every_volume_ticket_has_the_history_the_services_would_have_written(volume):
    company, _ = volume
    history = StatusChange.objects.for_company(company)
    created = Counter(history.filter(from_status="").values_list("subject", flat=True))
    assert created == {
        Subject.TICKET: 200,
        Subject.WORKFLOW: 200,
        Subject.TASK: TaskInstance.objects.for_company(company).count(),
    }
    completions = set(history.filter(subject=Subject.TASK, to_status=TaskStatus.COMPLETED).values_list("object_id"))
    completed = set(TaskInstance.objects.for_company(company).filter(status=TaskStatus.COMPLETED).values_list("pk"))
    assert completions == completed
    closed = TicketInstance.objects.for_company(company).exclude(status=TicketStatus.OPEN)
    ends = set(history.filter(subject=Subject.TICKET).exclude(from_status="").values_list("ticket_id", "to_status"))
    assert ends == set(closed.values_list("pk", "status"))
    worked = TaskInstance.objects.for_company(company).filter(status=TaskStatus.COMPLETED).exclude(assigned_to=None)
    for task in worked[:50]:
        done = history.get(subject=Subject.TASK, object_id=task.pk, to_status=TaskStatus.COMPLETED)
        assert (done.actor_id, done.created_at) == (task.completed_by_id, task.completed_at)
        assert done.note.startswith(f"Completed by {task.completed_by.get_full_name()}")


def test_open_volume_tickets_wait_for_the_twenty_workers_some_unassigned_some_overdue(volume):
    company, _ = volume
    workers = User.objects.for_company(company).filter(is_active=True, groups__name="task_worker")
    assert workers.count() == 20
    current = TaskInstance.objects.filter(pk__in=WorkflowInstance.objects.for_company(company).values("current_task"))
    assert current.count() == 24
    states = Counter(current.values_list("status", flat=True))
    assert states[TaskStatus.UNASSIGNED] >= 1 and states[TaskStatus.ASSIGNED] >= 1
    drafted = current.filter(status=TaskStatus.IN_PROGRESS)
    assert drafted.exists() and not drafted.filter(output_data={}).exists() and not drafted.filter(started_at=None)
    assert 3 <= current.filter(due_at__lt=timezone.now()).count() < 24
    assert current.exclude(assigned_to=None).values("assigned_to").distinct().count() >= 8
    assert set(current.exclude(assigned_to=None).values_list("assigned_to", flat=True)) <= set(
        workers.values_list("pk", flat=True)
    )
    for task in current.filter(status=TaskStatus.UNASSIGNED):
        assert task.assigned_at is None and task.due_at is None and task.assignment_reason
    tickets = TicketInstance.objects.for_company(company)
    assert set(tickets.values_list("priority", flat=True)) == set(Priority.values)
    assert tickets.values("title").distinct().count() > 150
    oldest = tickets.order_by("created_at").first().created_at
    assert timezone.now() - oldest > timedelta(days=500)


def test_volume_pages_open_for_the_ticket_admin(volume, client):
    company, _ = volume
    client.force_login(User.objects.get(company=company, email__startswith="admin@"))
    for status in (TicketStatus.OPEN, TicketStatus.FINISHED, TicketStatus.CANCELLED):
        ticket = TicketInstance.objects.for_company(company).filter(status=status).first()
        page = client.get(reverse("ops:ticket-detail", args=[ticket.pk]))
        assert page.status_code == 200
        assert escape(ticket.title) in page.content.decode()


def test_running_seed_volume_again_continues_the_numbering(volume, capsys):
    company, _ = volume
    out = seed(capsys, "Volume Co", 30)

    numbers = sorted(TicketInstance.objects.for_company(company).values_list("number", flat=True))
    assert numbers == list(range(1, 231))
    assert TicketCounter.objects.get(company=company).last_number == 230
    assert "30 tickets #201–#230" in out
    assert User.objects.for_company(company).filter(groups__name="task_worker", is_active=True).count() == 20


def test_the_same_seed_builds_the_same_tickets(capsys):
    seed(capsys, "First Co", 40)
    seed(capsys, "Second Co", 40)

    def shape(name):
        tickets = TicketInstance.objects.for_company(Company.objects.get(name=name)).order_by("number")
        return list(tickets.values_list("number", "title", "status", "outcome", "priority", "ticket_type__key"))

    assert shape("First Co") == shape("Second Co")


def test_seed_volume_refuses_a_count_below_one():
    with pytest.raises(CommandError, match="--tickets"):
        call_command("seed_volume", "--company", "X", "--tickets", "0")


def test_a_required_column_the_volume_does_not_fill_is_named():
    fields = [field.name for field in TicketInstance._meta.concrete_fields if field.name != "title"]
    with pytest.raises(UnfilledColumns, match="TicketInstance has required fields seed_volume does not fill: title"):
        Table(TicketInstance, fields)


def test_a_third_of_volume_tickets_carry_comments_within_their_life(volume):
    company, out = volume
    comments = Comment.objects.filter(company=company).select_related("ticket", "author")
    commented = {comment.ticket_id for comment in comments}
    assert 0.2 <= len(commented) / 200 <= 0.47, len(commented)
    assert f"{comments.count()} comments" in out
    assert comments.filter(internal=True).exists() and comments.filter(internal=False).exists()
    for comment in comments:
        assert comment.author.company_id == company.pk
        assert comment.ticket.created_at <= comment.created_at
        if comment.internal:
            assert comment.author != comment.ticket.requester  # notes are the staff's
