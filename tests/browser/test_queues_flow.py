"""The working day in the browser: a ticket admin clears the inbox, a worker claims from the pool and completes,
and every queue is photographed at desktop and phone widths."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import click_and_load, log_in, screenshot, swapped_in, visit
from users.models import CompanyRole
from users.roles import SystemRole
from users.services import Actor
from users.tests.factories import TEST_PASSWORD, CompanyFactory, UserFactory
from workflow_design.models import TicketDefinition
from workflow_design.services import bundle_import
from workflow_ops.models import Priority, TaskInstance, TaskStatus, WorkflowError
from workflow_ops.services.tasks import task_complete, task_correct_output
from workflow_ops.services.tickets import ticket_cancel, ticket_set_priority
from workflow_ops.tests.factories import submit
from workflow_ops.tests.test_queues import DESK_BUNDLE

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def company():
    """Bloom Florists with the desk's processes: buying (Buyers), a pool desk, audits (Auditors), sizing."""
    company = CompanyFactory(name="Bloom Florists")
    bundle_import(company=company, actor=None, doc=DESK_BUNDLE)
    dana = UserFactory(company=company, email="dana@bloom.example", first_name="Dana", roles=[SystemRole.TASK_WORKER])
    dana.company_roles.set([CompanyRole.objects.get(company=company, name="Buyers")])
    UserFactory(company=company, email="sam@bloom.example", first_name="Sam", roles=[SystemRole.USER])
    UserFactory(
        company=company,
        email="tara@bloom.example",
        first_name="Tara",
        last_name="Queue",
        roles=[SystemRole.TICKET_ADMIN, SystemRole.USER],
    )
    return company


def file(company, kind: str, title: str, data: dict | None = None):
    sam = company.users.get(email="sam@bloom.example")
    return submit(TicketDefinition.objects.get(company=company, key=kind), sam, data, title=title)


def stop_a_ticket(company):
    """Dana sizes an ink order at 500, which no arrow takes: the ticket stops."""
    ticket = file(company, "sizing", "Ink for the printer")
    task = TaskInstance.objects.get(ticket=ticket)
    task_complete(task=task, actor=Actor(user=task.assigned_to), output={"amount": 500})
    return WorkflowError.objects.get(ticket=ticket)


def test_a_ticket_admin_clears_the_inbox(page, company):
    error = stop_a_ticket(company)
    tara = company.users.get(email="tara@bloom.example")
    task_correct_output(task=error.task, actor=Actor(user=tara), output={"amount": 50})  # the cause, fixed
    audit = file(company, "audit", "Quarterly expense audit")  # nobody holds "Auditors"
    wes = UserFactory(company=company, email="wes@bloom.example", first_name="Wes", roles=[SystemRole.TASK_WORKER])
    wes.company_roles.set([CompanyRole.objects.get(company=company, name="Auditors")])

    log_in(page, "tara@bloom.example", TEST_PASSWORD)
    expect(page.get_by_test_id("nav-attention")).to_have_text("2")
    click_and_load(page.get_by_role("link", name="Inbox"))
    expect(page.get_by_test_id("count-stopped")).to_have_text("1")
    expect(page.get_by_test_id("count-unassigned")).to_have_text("1")
    screenshot(page, "inbox")

    page.get_by_test_id(f"stopped-{error.pk}").get_by_role("button", name="Retry").click()
    inbox = swapped_in(page.get_by_test_id("inbox"))
    expect(inbox).to_contain_text(f"Retried: #{error.ticket.number} moved on")
    expect(inbox.get_by_test_id("count-stopped")).to_have_text("0")
    expect(page.get_by_test_id("nav-attention")).to_have_text("1")

    row = inbox.get_by_test_id(f"unassigned-{audit.workflow.current_task_id}")
    row.get_by_label("Assign “Check” to").select_option(label="Wes " + wes.last_name)
    row.get_by_role("button", name="Assign").click()
    inbox = swapped_in(page.get_by_test_id("inbox"))
    expect(inbox).to_contain_text("Nothing needs you.")
    expect(page.get_by_test_id("nav-attention")).to_have_count(0)
    screenshot(page, "inbox-empty")
    assert TaskInstance.objects.get(ticket=audit).assigned_to == wes
    assert page.console_errors == []


def test_a_worker_claims_from_the_pool_and_completes(page, company):
    ticket = file(company, "help", "The coffee machine leaks")
    log_in(page, "dana@bloom.example", TEST_PASSWORD)
    visit(page, "/tasks/mine/")
    expect(page.get_by_text("Nothing assigned to you right now.")).to_be_visible()
    click_and_load(page.get_by_role("link", name="The pool"))
    screenshot(page, "pool")
    row = page.get_by_test_id(f"task-{ticket.workflow.current_task_id}")
    click_and_load(row.get_by_role("button", name="Claim"))
    expect(page.get_by_role("alert").filter(has_text="“Triage” is yours now.")).to_be_visible()
    expect(page.get_by_test_id("nav-my-tasks")).to_have_text("1")
    form = page.get_by_test_id("task-form")
    form.get_by_label("Done").check()
    form.get_by_role("button", name="Complete task").click()
    panel = swapped_in(page.get_by_test_id("task-panel"))
    expect(panel).to_contain_text("“Triage” is complete")
    ticket.refresh_from_db()
    assert (ticket.status, ticket.outcome) == ("finished", "Done")
    assert page.console_errors == []


def test_every_queue_reads_well_on_a_desk_and_a_phone(page, company):
    """Screenshots at 1366 and 390 px (screenshot() fails a page that scrolls sideways on the phone)."""
    tara = company.users.get(email="tara@bloom.example")
    stop_a_ticket(company)
    chairs = file(company, "purchase", "Chairs for the new shop floor, with armrests", {"item": "Chairs"})
    laptop = file(company, "purchase", "A laptop for the front desk", {"item": "Laptop"})
    lamp = file(company, "purchase", "Desk lamp", {"item": "Lamp"})
    file(company, "help", "The coffee machine leaks")
    file(company, "audit", "Quarterly expense audit")
    paper = file(company, "purchase", "Printer paper", {"item": "Paper"})
    task = TaskInstance.objects.get(ticket=lamp, status=TaskStatus.ASSIGNED)
    task_complete(task=task, actor=Actor(user=task.assigned_to), output={"decision": "approve"})
    ticket_cancel(ticket=paper, actor=Actor(user=tara), reason="Found a box in the cupboard")
    ticket_set_priority(ticket=laptop, actor=Actor(user=tara), priority=Priority.URGENT)
    TaskInstance.objects.filter(ticket=chairs).update(due_at=timezone.now() - timedelta(hours=3))

    log_in(page, "tara@bloom.example", TEST_PASSWORD)
    for path, name in (
        ("/ops/", "queue-inbox"),
        ("/ops/tickets/", "queue-tickets"),
        ("/ops/tickets/?archive=1", "queue-tickets-archive"),
        ("/ops/tasks/", "queue-tasks"),
        ("/ops/tasks/?archive=1", "queue-tasks-archive"),
        ("/tickets/mine/", "queue-my-tickets"),
    ):
        visit(page, path)
        screenshot(page, name)
    visit(page, "/ops/tickets/?priority=4&q=laptop")
    expect(page.get_by_test_id("results").locator("tbody tr")).to_have_count(1)
    screenshot(page, "queue-tickets-filtered")

    page.get_by_label("Search").fill("armrests")
    expect(page.get_by_test_id("results")).to_contain_text("No tickets match these filters.")
    visit(page, "/ops/tickets/")
    page.get_by_label("Search").fill("armrests")
    expect(page.get_by_test_id("results").locator("tbody tr")).to_have_count(1)
    expect(page).to_have_url(re.compile(r"/ops/tickets/\?q=armrests$"))  # the filter is in the URL, to share

    click_and_load(page.get_by_role("button", name="Log out"))
    log_in(page, "dana@bloom.example", TEST_PASSWORD)
    visit(page, "/tasks/mine/")
    screenshot(page, "queue-my-tasks")
    assert page.console_errors == []
