import json

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import click_and_load, log_in, screenshot, swapped_in, visit
from users.roles import SystemRole
from users.tests.factories import TEST_PASSWORD, CompanyFactory, UserFactory
from workflow_design.models import DefinitionStatus, TicketDefinition, WorkflowDefinition

pytestmark = pytest.mark.django_db(transaction=True)


def add_task(page, title, fields=()):
    page.get_by_role("link", name="Add task").click()
    form = swapped_in(page.get_by_test_id("task-form"))
    form.get_by_label("Title").fill(title)
    rows = form.locator("[data-field-row]")
    for count, (label, type_label, choices) in enumerate(fields, start=1):
        form.get_by_role("button", name="Add a field").click()
        expect(rows).to_have_count(count)  # the row arrives by htmx
        row = swapped_in(rows.last)
        row.get_by_label("Label").fill(label)
        row.get_by_label("Type").select_option(label=type_label)
        if choices:
            row.get_by_label("Choices").fill("\n".join(choices))
        row.get_by_label("Required").check()
    form.get_by_role("button", name="Add this task").click()
    expect(page.get_by_test_id("task-form")).to_have_count(0)
    swapped_in(page.locator("#editor"))  # the refreshed editor replaces the form's


def add_arrow(page, source, target, condition=None, label=""):
    page.get_by_role("link", name="Add arrow").click()
    form = swapped_in(page.get_by_test_id("transition-form"))
    form.get_by_label("From", exact=True).select_option(label=source)
    form.get_by_label("To", exact=True).select_option(label=target)
    if condition:
        variable, operator, value = condition
        form.get_by_label("When").select_option(label=variable)
        form.get_by_label("Operator").select_option(label=operator)
        # A field with choices offers them in a dropdown; any other field takes typed text.
        choices = form.get_by_role("combobox", name="Value")
        if choices.count():
            choices.select_option(value)
        else:
            form.get_by_role("textbox", name="Value").fill(value)
    if label:
        form.get_by_label("Label").fill(label)
    form.get_by_role("button", name="Add this arrow").click()
    expect(page.get_by_test_id("transition-form")).to_have_count(0)
    swapped_in(page.locator("#editor"))


def test_creator_builds_a_conditional_workflow_by_clicking_and_publishes_it(page):
    company = CompanyFactory(name="Bloom Florists")
    creator = UserFactory(company=company, email="wes@bloom.example", roles=[SystemRole.WORKFLOW_CREATOR])
    log_in(page, creator.email, TEST_PASSWORD)

    visit(page, "/design/workflows/")
    expect(page.get_by_text("No workflows yet")).to_be_visible()
    click_and_load(page.get_by_role("link", name="Create a workflow"))
    page.get_by_label("Title").fill("Purchase approval")
    expect(page.get_by_label("Key")).to_have_value("purchase-approval")
    page.get_by_label("Description").fill("Supervisors approve purchases before we invoice.")
    click_and_load(page.get_by_role("button", name="Create workflow"))
    expect(page.get_by_role("heading", name="Edit “Purchase approval”")).to_be_visible()

    # Task 1 with a choice field "decision" built in the field builder.
    page.get_by_role("link", name="Add task").click()
    form = swapped_in(page.get_by_test_id("task-form"))
    expect(form.get_by_label("Action URL")).to_be_hidden()  # form tasks have no action settings
    form.get_by_label("Title").fill("Supervisor approval")
    expect(form.get_by_label("Key", exact=True)).to_have_value("supervisor-approval")
    form.get_by_label("Remind the assignee after").select_option(label="6 hours")
    form.get_by_role("button", name="Add a field").click()
    expect(form.locator("[data-field-row]")).to_have_count(1)
    row = swapped_in(form.locator("[data-field-row]").last)
    expect(row.get_by_label("Choices")).to_be_hidden()
    row.get_by_label("Label").fill("Decision")
    expect(row.get_by_label("Name")).to_have_value("decision")
    row.get_by_label("Type").select_option(label="Choice")
    row.get_by_label("Choices").fill("approve\ndecline")
    row.get_by_label("Required").check()
    screenshot(page, "designer-task-form")
    form.get_by_role("button", name="Add this task").click()
    expect(page.get_by_test_id("task-supervisor-approval")).to_contain_text("Remind after 6 hours")
    swapped_in(page.locator("#editor"))

    add_task(page, "Invoice")
    expect(page.get_by_test_id("task-invoice")).to_be_visible()
    # The first task became the start; Invoice cannot be reached yet.
    expect(page.get_by_test_id("problems")).to_contain_text("1 problem to fix before publishing")
    expect(page.get_by_test_id("task-invoice")).to_contain_text("Task “Invoice” cannot be reached from the start.")

    add_arrow(page, "Supervisor approval", "Invoice", ("supervisor-approval.decision (choice)", "equals", "approve"))
    add_arrow(page, "Supervisor approval", "End")
    # An arrow to End names the ticket's outcome: the editor says so until it has a label.
    expect(page.get_by_test_id("transition-table")).to_contain_text(
        "Arrow from “Supervisor approval” to End needs a label"
    )
    expect(page.get_by_role("button", name="Publish")).to_be_disabled()  # errors block publishing
    otherwise = page.get_by_test_id("transition-table").locator("tr", has_text="End").last
    otherwise.get_by_role("link", name="Edit").click()
    form = swapped_in(page.get_by_test_id("transition-form"))
    form.get_by_label("Label").fill("Declined")
    form.get_by_role("button", name="Save arrow").click()
    swapped_in(page.locator("#editor"))
    arrows = page.get_by_test_id("transition-table")
    expect(arrows).to_contain_text("supervisor-approval.decision equals 'approve'")
    expect(arrows).to_contain_text("always")
    expect(page.get_by_test_id("problems")).to_have_count(0)
    expect(page.get_by_test_id("diagram").locator("svg")).to_be_visible()
    screenshot(page, "designer-editor")

    click_and_load(page.get_by_role("button", name="Publish"))
    expect(page.get_by_text("Version 1 is published")).to_be_visible()
    expect(page.get_by_test_id("status").first).to_have_text("Published")
    diagram = page.get_by_test_id("diagram")
    expect(diagram.locator("svg")).to_be_visible()
    expect(diagram).to_contain_text("Supervisor approval")
    expect(diagram).to_contain_text("decision equals 'approve'")  # the arrow's own task's field, by name
    screenshot(page, "designer-detail")

    click_and_load(page.get_by_role("link", name="Workflows").first)
    expect(page.get_by_test_id("workflow-purchase-approval")).to_contain_text("Published")
    screenshot(page, "designer-list")

    workflow = WorkflowDefinition.objects.get(company=company, key="purchase-approval")
    assert workflow.status == DefinitionStatus.PUBLISHED
    arrows = {(t.from_task and t.from_task.key, t.to_task and t.to_task.key): t for t in workflow.transitions.all()}
    first = "supervisor-approval"
    start, approve, otherwise = (None, first), (first, "invoice"), (first, None)
    assert set(arrows) == {start, approve, otherwise}
    assert arrows["supervisor-approval", "invoice"].condition == {
        "==": [{"var": "tasks.supervisor-approval.decision"}, "approve"]
    }
    assert arrows["supervisor-approval", "invoice"].priority < arrows["supervisor-approval", None].priority
    assert workflow.tasks.get(key="supervisor-approval").output_schema["properties"]["decision"]["enum"] == [
        "approve",
        "decline",
    ]

    # A ticket type that starts this workflow, also built by clicking.
    visit(page, "/design/tickets/")
    expect(page.get_by_text("No ticket types yet")).to_be_visible()
    click_and_load(page.get_by_role("link", name="New ticket type").first)
    page.get_by_label("Title").fill("Purchase request")
    expect(page.get_by_label("Key", exact=True)).to_have_value("purchase-request")
    page.get_by_label("Workflow").select_option(label="Purchase approval")
    rows = page.locator("[data-field-row]")
    page.get_by_role("button", name="Add a field").click()
    expect(rows).to_have_count(1)  # the row arrives by htmx; fill it only once htmx has settled it
    row = swapped_in(rows.last)
    row.get_by_label("Label").fill("What do you need?")
    expect(row.get_by_label("Name")).to_have_value("what_do_you_need")
    row.get_by_label("Required").check()
    page.get_by_role("button", name="Add a field").click()
    expect(rows).to_have_count(2)
    row = swapped_in(rows.last)
    row.get_by_label("Label").fill("Amount")
    row.get_by_label("Type").select_option(label="Number")
    screenshot(page, "ticket-type-form")
    click_and_load(page.get_by_role("button", name="Save ticket type"))
    expect(page.get_by_role("heading", name="Purchase request")).to_be_visible()
    click_and_load(page.get_by_role("button", name="Publish"))
    expect(page.get_by_text("people can submit it now")).to_be_visible()
    screenshot(page, "ticket-type-detail")
    click_and_load(page.get_by_role("link", name="Ticket types").first)
    screenshot(page, "ticket-type-list")

    ticket_type = TicketDefinition.objects.get(company=company, key="purchase-request")
    assert ticket_type.status == DefinitionStatus.PUBLISHED
    assert ticket_type.workflow_key == "purchase-approval"
    assert ticket_type.fields_schema["required"] == ["what_do_you_need"]
    assert ticket_type.fields_schema["properties"]["amount"]["type"] == "number"
    assert page.console_errors == []


MAPPINGS = [("sku", "collect-items.sku (short text)"), ("quantity", "collect-items.quantity (whole number)")]


def test_creator_maps_an_action_tasks_input_and_reply_without_typing_json(page):
    from workflow_design import services

    company = CompanyFactory(name="Bloom Florists")
    creator = UserFactory(company=company, email="wes@bloom.example", roles=[SystemRole.WORKFLOW_CREATOR])
    workflow = services.workflow_create(company=company, actor=None, title="Customer order")
    services.task_create(
        actor=None,
        workflow=workflow,
        title="Collect items",
        key="collect-items",
        output_schema={
            "type": "object",
            "properties": {"sku": {"type": "string", "title": "SKU"}, "quantity": {"type": "integer"}},
            "x-order": ["sku", "quantity"],
        },
    )
    log_in(page, creator.email, TEST_PASSWORD)
    visit(page, f"/design/workflows/{workflow.pk}/edit/")
    page.get_by_role("link", name="Add task").click()
    form = swapped_in(page.get_by_test_id("task-form"))
    inputs = form.locator('[data-mapping-builder="input_transform_rows"]')
    outputs = form.locator('[data-mapping-builder="output_transform_rows"]')
    # Every task can have an input mapping (a person sees it above the form); only actions map a reply.
    expect(inputs).to_be_visible()
    expect(outputs).to_be_hidden()
    form.get_by_label("Title").fill("Check stock")
    form.get_by_label("Type").first.select_option(label="HTTP action (answers at once)")
    expect(outputs).to_be_visible()
    form.get_by_label("Action URL").fill("https://stock.example/check")

    rows = inputs.locator("[data-mapping-row]")
    for count, (target, source) in enumerate(MAPPINGS, start=1):
        inputs.get_by_role("button", name="Add a mapping").click()
        expect(rows).to_have_count(count)
        rows.last.get_by_label("Field", exact=True).fill(target)
        rows.last.get_by_label("From", exact=True).select_option(label=source)

    outputs = form.locator('[data-mapping-builder="output_transform_rows"]')
    outputs.get_by_role("button", name="Add a mapping").click()
    reply = outputs.locator("[data-mapping-row]")
    expect(reply).to_have_count(1)
    expect(reply.get_by_label("From", exact=True)).to_have_value("response.")
    reply.get_by_label("Field", exact=True).fill("in_stock")
    reply.get_by_label("From", exact=True).fill("response.available")
    screenshot(page, "designer-action-task-form")

    form.get_by_role("button", name="Add this task").click()
    expect(page.get_by_test_id("task-form")).to_have_count(0)
    swapped_in(page.locator("#editor"))
    task = workflow.tasks.get(key="check-stock")
    assert task.input_transform == {
        "sku": {"var": "tasks.collect-items.sku"},
        "quantity": {"var": "tasks.collect-items.quantity"},
    }
    assert task.output_transform == {"in_stock": {"var": "response.available"}}
    assert page.console_errors == []


def test_conditions_offer_a_fields_choices_and_the_lint_is_seen_before_publishing(page):
    from workflow_design import services

    company = CompanyFactory(name="Bloom Florists")
    creator = UserFactory(company=company, email="wes@bloom.example", roles=[SystemRole.WORKFLOW_CREATOR])
    workflow = services.workflow_create(company=company, actor=None, title="Purchase approval")
    review = services.task_create(
        actor=None,
        workflow=workflow,
        title="Review",
        key="review",
        output_schema={
            "type": "object",
            "properties": {"decision": {"type": "string", "title": "Decision", "enum": ["approve", "reject"]}},
            "required": ["decision"],
        },
    )
    services.task_create(actor=None, workflow=workflow, title="Invoice", key="invoice")
    log_in(page, creator.email, TEST_PASSWORD)
    visit(page, f"/design/workflows/{workflow.pk}/edit/")

    # A new arrow starts as one that can be added as it is: from the task with no way onward, "Always".
    page.get_by_role("link", name="Add arrow").click()
    form = swapped_in(page.get_by_test_id("transition-form"))
    expect(form.get_by_label("From", exact=True)).to_have_value(str(review.pk))
    expect(form.get_by_label("When")).to_have_value("")
    expect(form.get_by_label("Operator")).to_be_hidden()
    expect(form.get_by_role("textbox", name="Value")).to_have_count(0)
    expect(form.locator(".is-invalid, .invalid-feedback")).to_have_count(0)

    # A field with choices offers them; "is one of" a checkbox each; "Always" hides operator and value again.
    form.get_by_label("When").select_option(label="review.decision (choice)")
    expect(form.get_by_label("Operator")).to_be_visible()
    value = form.get_by_role("combobox", name="Value")
    expect(value.locator("option")).to_have_text(["approve", "reject"])
    expect(form.get_by_role("textbox", name="Value")).to_have_count(0)
    form.get_by_label("Operator").select_option(label="is one of")
    expect(form.get_by_role("checkbox", name="reject")).to_be_visible()
    expect(value).to_be_hidden()
    form.get_by_label("Operator").select_option(label="equals")
    value.select_option("approve")
    screenshot(page, "designer-arrow-choices")
    form.get_by_label("When").select_option(label="Always (no condition)")
    expect(form.get_by_label("Operator")).to_be_hidden()
    expect(value).to_be_hidden()
    form.get_by_label("When").select_option(label="review.decision (choice)")
    value.select_option("approve")
    form.get_by_label("To", exact=True).select_option(label="Invoice")
    form.get_by_label("Label").fill("Approved")
    form.get_by_role("button", name="Add this arrow").click()
    editor = swapped_in(page.locator("#editor"))

    # The lint: beside the task, and it does not stop publishing.
    review_row = page.get_by_test_id("task-review")
    expect(review_row.get_by_test_id("row-warning")).to_contain_text(
        "a ticket stops here when review.decision = 'reject'"
    )
    expect(editor.get_by_test_id("problems")).to_contain_text("1 warning")
    expect(page.get_by_role("button", name="Publish")).to_be_enabled()

    # Raw JsonLogic with a value that is not a choice is refused in the form, in words.
    page.get_by_role("link", name="Add arrow").click()
    form = swapped_in(page.get_by_test_id("transition-form"))
    form.get_by_label("From", exact=True).select_option(label="Review")
    form.get_by_label("To", exact=True).select_option(label="End")
    form.get_by_label("Label").fill("Rejected")
    form.get_by_role("button", name="Raw JsonLogic (for experts)").click()
    form.get_by_label("Raw JsonLogic (for experts)").fill('{"==": [{"var": "tasks.review.decision"}, "Reject"]}')
    form.get_by_role("button", name="Add this arrow").click()
    form = swapped_in(page.get_by_test_id("transition-form"))
    expect(form).to_contain_text("'Reject' is not one of them (did you mean 'reject'?)")
    page.get_by_role("link", name="Cancel").click()
    expect(page.get_by_test_id("transition-form")).to_have_count(0)  # the editor replaced, not the old one
    swapped_in(page.locator("#editor"))

    # An error (a task nothing leads to) disables Publish, in the refreshed editor too.
    add_task(page, "Archive")
    expect(page.get_by_test_id("task-archive").get_by_test_id("row-problem")).to_contain_text(
        "Task “Archive” cannot be reached from the start."
    )
    expect(page.get_by_role("button", name="Publish")).to_be_disabled()
    screenshot(page, "designer-editor-warnings")

    click_and_load(page.get_by_role("link", name="Done"))
    expect(page.get_by_test_id("problems")).to_contain_text("1 problem to fix before publishing, 1 warning")
    expect(page.get_by_test_id("task-review").get_by_test_id("row-warning")).to_be_visible()
    expect(page.get_by_role("button", name="Publish")).to_be_disabled()
    screenshot(page, "designer-detail-warnings")

    # The import page names each problem in words, its place in the file beside it.
    visit(page, "/design/import/")

    def review_workflow(key, *arrows):
        decision = {"type": "string", "title": "Decision", "enum": ["approve", "reject"]}
        schema = {"type": "object", "properties": {"decision": decision}, "required": ["decision"]}
        review = {"key": "review", "title": "Review", "type": "FORM", "output_schema": schema}
        return {
            "key": key,
            "title": key.title(),
            "tasks": [review],
            "transitions": [{"from": None, "to": "review"}, *arrows],
        }

    def ends_when(label, value, priority=0):
        rule = {"==": [{"var": "tasks.review.decision"}, value]}
        return {"from": "review", "to": None, "label": label, "condition": rule, "priority": priority}

    bundle = {
        "format": "ticketflower/v1",
        "workflows": [
            review_workflow("approval", ends_when("Approved", "Approve"), ends_when("Rejected", "reject", 1)),
            review_workflow("sign-off", ends_when("Signed off", "approve")),
        ],
    }
    page.get_by_label("…or paste the bundle JSON").fill(json.dumps(bundle))
    click_and_load(page.get_by_role("button", name="Check the bundle"))
    problems = page.get_by_test_id("bundle-problems")
    expect(problems).to_contain_text(
        "Arrow “Approved” from “Review”: review.decision has the choices approve, reject; 'Approve' is not one of them"
    )
    expect(problems).to_contain_text("workflows[0].transitions[1].condition")
    expect(page.get_by_test_id("bundle-warnings")).to_contain_text(
        "Task “Review”: a ticket stops here when review.decision = 'reject'"
    )
    expect(page.get_by_test_id("bundle-warnings")).to_contain_text("workflows[1].tasks[0]")
    screenshot(page, "import-problems")
    assert page.console_errors == []
