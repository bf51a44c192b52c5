"""A ticket's life in the browser: filed, worked through a branch, finished; and a stopped one fixed and retried."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import click_and_load, log_in, screenshot, swapped_in, visit
from users.roles import SystemRole
from users.tests.factories import TEST_PASSWORD, CompanyFactory, CompanyRoleFactory, UserFactory
from workflow_ops.models import TicketInstance
from workflow_ops.tests.factories import form_task, simple_process

pytestmark = pytest.mark.django_db(transaction=True)

DECISION = {"decision": {"type": "string", "title": "Decision", "enum": ["approve", "reject"]}}
FIELDS = {
    "type": "object",
    "properties": {
        "item": {"type": "string", "title": "What do you need?"},
        "quantity": {"type": "integer", "title": "How many", "minimum": 1},
    },
    "required": ["item", "quantity"],
    "x-order": ["item", "quantity"],
}


@pytest.fixture
def company():
    company = CompanyFactory(name="Bloom Florists")
    buyers = CompanyRoleFactory(company=company, name="Buyers")
    dana = UserFactory(company=company, email="dana@bloom.example", first_name="Dana", roles=[SystemRole.TASK_WORKER])
    dana.company_roles.set([buyers])
    UserFactory(company=company, email="sam@bloom.example", first_name="Sam", roles=[SystemRole.USER])
    UserFactory(
        company=company, email="tara@bloom.example", first_name="Tara", roles=[SystemRole.TICKET_ADMIN, SystemRole.USER]
    )
    return company


def log_out(page):
    click_and_load(page.get_by_role("button", name="Log out"))


def complete_current_task(page, answers: dict[str, str], title: str):
    visit(page, "/tasks/mine/")
    click_and_load(page.get_by_role("link", name=title))
    form = page.get_by_test_id("task-form")
    for label, value in answers.items():
        field = form.get_by_label(label)
        if field.evaluate("element => element.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    form.get_by_role("button", name="Complete task").click()
    panel = swapped_in(page.get_by_test_id("task-panel"))
    expect(panel).to_contain_text(f"“{title}” is complete")
    expect(panel.get_by_test_id("task-done")).to_be_visible()


def test_a_ticket_is_filed_worked_through_a_branch_and_finished(page, company):
    simple_process(
        company,
        tasks=[
            form_task("review", DECISION, assignee_role="Buyers"),
            form_task("order", {"po": {"type": "string", "title": "Order number"}}, assignee_role="Buyers"),
        ],
        transitions=[
            {"from": None, "to": "review"},
            {"from": "review", "to": "order", "condition": {"==": [{"var": "tasks.review.decision"}, "approve"]}},
            {"from": "review", "to": None, "priority": 1, "label": "Rejected"},
            {"from": "order", "to": None, "label": "Ordered"},
        ],
        fields=FIELDS,
    )

    log_in(page, "sam@bloom.example", TEST_PASSWORD)
    page.get_by_role("button", name="Tickets").click()
    click_and_load(page.get_by_role("link", name="New ticket"))
    click_and_load(page.get_by_test_id("type-request"))
    page.get_by_label("Title").fill("Vases for the shop window")
    page.get_by_label("What do you need?").fill("Glass vases")
    page.get_by_label("How many").fill("12")
    screenshot(page, "ticket-submit")
    click_and_load(page.get_by_role("button", name="Submit ticket"))
    expect(page.get_by_text("Ticket #1 was submitted")).to_be_visible()
    expect(page.get_by_test_id("current-step")).to_contain_text("Review")
    expect(page.get_by_test_id("current-step")).to_contain_text("With Dana")
    log_out(page)

    log_in(page, "dana@bloom.example", TEST_PASSWORD)
    complete_current_task(page, {"Decision": "approve"}, "Review")
    screenshot(page, "task-completed")
    complete_current_task(page, {"Order number": "PO-17"}, "Order")
    log_out(page)

    log_in(page, "sam@bloom.example", TEST_PASSWORD)
    visit(page, "/tickets/mine/?archive=1")
    click_and_load(page.get_by_role("link", name="#1 Vases for the shop window"))
    expect(page.get_by_test_id("current-step")).to_contain_text("Finished: Ordered")
    timeline = page.get_by_test_id("timeline")
    expect(timeline).to_contain_text("“Review”: Completed by Dana")
    expect(timeline).to_contain_text("Finished: Ordered")
    screenshot(page, "ticket-finished")
    assert page.console_errors == []


def test_a_ticket_admin_fixes_a_stopped_ticket_and_retries_it(page, company):
    simple_process(
        company,
        tasks=[form_task("size", {"amount": {"type": "integer", "title": "Amount"}}, assignee_role="Buyers")],
        transitions=[
            {"from": None, "to": "size"},
            {"from": "size", "to": None, "condition": {"<": [{"var": "tasks.size.amount"}, 100]}, "label": "Small"},
            {"from": "size", "to": None, "condition": {">": [{"var": "tasks.size.amount"}, 1000]}, "label": "Big"},
        ],
        fields=FIELDS,
    )
    log_in(page, "sam@bloom.example", TEST_PASSWORD)
    visit(page, "/tickets/new/")
    click_and_load(page.get_by_test_id("type-request"))
    page.get_by_label("Title").fill("Ribbon")
    page.get_by_label("What do you need?").fill("Ribbon")
    page.get_by_label("How many").fill("3")
    click_and_load(page.get_by_role("button", name="Submit ticket"))
    log_out(page)

    log_in(page, "dana@bloom.example", TEST_PASSWORD)
    complete_current_task(page, {"Amount": "500"}, "Size")  # neither small nor big: the ticket stops
    log_out(page)

    log_in(page, "tara@bloom.example", TEST_PASSWORD)
    click_and_load(page.get_by_role("link", name="Inbox"))
    click_and_load(page.get_by_test_id("inbox").get_by_role("link", name="Open"))
    expect(page.get_by_test_id("error-message")).to_contain_text("No arrow after “Size” matched")
    expect(page.get_by_test_id("error-message")).to_contain_text("size.amount = 500")
    screenshot(page, "error-detail")
    click_and_load(page.get_by_role("link", name="correct the answer of “Size”"))
    correction = page.get_by_test_id("correct-form")
    correction.get_by_label("Amount").fill("50")
    click_and_load(correction.get_by_role("button", name="Save the correction"))
    expect(page.get_by_text("The answer is corrected")).to_be_visible()
    click_and_load(page.get_by_role("button", name="Retry"))
    expect(page.get_by_text("Retried: #1 moved on")).to_be_visible()
    expect(page.get_by_test_id("current-step")).to_contain_text("Finished: Small")
    expect(page.get_by_test_id("timeline")).to_contain_text("Answer corrected by Tara")
    assert TicketInstance.objects.get().outcome == "Small"
    assert page.console_errors == []
