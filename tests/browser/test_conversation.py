"""The conversation on a ticket in the browser: comments and internal notes posted in place, files shared."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import click_and_load, log_in, screenshot, swapped_in, visit
from users.roles import SystemRole
from users.tests.factories import TEST_PASSWORD, CompanyFactory, CompanyRoleFactory, UserFactory
from workflow_ops.models import Comment, FileUpload, TicketInstance
from workflow_ops.tests.factories import PDF_BYTES, form_task, simple_process

pytestmark = pytest.mark.django_db(transaction=True)

FIELDS = {
    "type": "object",
    "properties": {
        "item": {"type": "string", "title": "What do you need?"},
        "quote": {"type": "string", "title": "Quote document", "format": "file"},
    },
    "required": ["item"],
    "x-order": ["item", "quote"],
}


@pytest.fixture
def company():
    company = CompanyFactory(name="Bloom Florists")
    buyers = CompanyRoleFactory(company=company, name="Buyers")
    dana = UserFactory(
        company=company, email="dana@bloom.example", first_name="Dana", last_name="Reed", roles=[SystemRole.TASK_WORKER]
    )
    dana.company_roles.set([buyers])
    UserFactory(company=company, email="sam@bloom.example", first_name="Sam", last_name="Ng", roles=[SystemRole.USER])
    simple_process(
        company,
        tasks=[
            form_task(
                "order",
                {
                    "po": {"type": "string", "title": "Order number"},
                    "confirmation": {"type": "string", "title": "Order confirmation", "format": "file"},
                },
                assignee_role="Buyers",
            )
        ],
        transitions=[{"from": None, "to": "order"}, {"from": "order", "to": None, "label": "Ordered"}],
        fields=FIELDS,
    )
    return company


def pdf_file(name: str, extra: bytes = b"") -> dict:
    return {"name": name, "mimeType": "application/pdf", "buffer": PDF_BYTES + extra}


def log_out(page):
    click_and_load(page.get_by_role("button", name="Log out"))


def post_comment(page, text: str, internal: bool = False):
    form = page.get_by_test_id("comment-form")
    form.get_by_label("Add a comment").fill(text)
    if internal:
        form.get_by_label("Internal note").check()
    form.get_by_role("button", name="Post").click()
    conversation = swapped_in(page.get_by_test_id("conversation"))
    expect(conversation.get_by_test_id("comment").last).to_contain_text(text)
    # Posted in place: the same page, the box empty for the next comment.
    expect(conversation.get_by_label("Add a comment")).to_have_value("")
    return conversation


def test_requester_and_worker_talk_and_share_files_and_notes_stay_internal(page, company, tmp_path: Path):
    log_in(page, "sam@bloom.example", TEST_PASSWORD)
    visit(page, "/tickets/new/")
    click_and_load(page.get_by_test_id("type-request"))
    page.get_by_label("Title").fill("Vases for the shop window")
    page.get_by_label("What do you need?").fill("Glass vases")
    page.get_by_label("Quote document").set_input_files(pdf_file("vendor-quote.pdf"))
    click_and_load(page.get_by_role("button", name="Submit ticket"))
    ticket = TicketInstance.objects.get()
    details = page.locator("dl.data-rows")
    expect(details.get_by_role("link", name="vendor-quote.pdf")).to_be_visible()

    post_comment(page, "Could they arrive before Friday?")
    expect(page.get_by_label("Internal note")).to_have_count(0)  # requesters post comments only

    files = page.get_by_test_id("attachment-form")
    files.get_by_label("Attach files").set_input_files([pdf_file("window-plan.pdf"), pdf_file("sketch.pdf")])
    files.get_by_role("button", name="Upload").click()
    attachments = swapped_in(page.get_by_test_id("attachments"))
    expect(attachments).to_contain_text("Attached window-plan.pdf and sketch.pdf.")
    expect(attachments.get_by_test_id("attachment")).to_have_count(3)  # with the form's quote
    with page.expect_download() as downloading:
        attachments.get_by_role("link", name="window-plan.pdf").click()
    download = downloading.value
    assert download.suggested_filename == "window-plan.pdf"
    saved = tmp_path / "window-plan.pdf"
    download.save_as(saved)
    assert saved.read_bytes() == PDF_BYTES
    log_out(page)

    log_in(page, "dana@bloom.example", TEST_PASSWORD)
    visit(page, f"/tickets/{ticket.pk}/")
    expect(page.get_by_test_id("conversation")).to_contain_text("Could they arrive before Friday?")
    conversation = post_comment(page, "The vendor is slow; I am chasing them.", internal=True)
    expect(conversation.get_by_test_id("comment").last.get_by_test_id("internal-badge")).to_be_visible()
    post_comment(page, "Ordered: they arrive on Thursday.")
    files = page.get_by_test_id("attachment-form")
    files.get_by_label("Attach files").set_input_files(pdf_file("window-plan.pdf", b"% revised\n"))
    files.get_by_role("button", name="Upload").click()
    attachments = swapped_in(page.get_by_test_id("attachments"))
    expect(attachments).to_contain_text("Attached window-plan.pdf (version 2).")
    expect(attachments.get_by_test_id("older-versions")).to_contain_text("1 older version")
    screenshot(page, "ticket-conversation-staff")
    log_out(page)

    log_in(page, "sam@bloom.example", TEST_PASSWORD)
    visit(page, f"/tickets/{ticket.pk}/")
    conversation = page.get_by_test_id("conversation")
    expect(conversation).to_contain_text("Ordered: they arrive on Thursday.")
    expect(conversation).not_to_contain_text("chasing them")
    expect(conversation.get_by_test_id("comment")).to_have_count(2)
    attachments = page.get_by_test_id("attachments")
    expect(attachments).to_contain_text("Version 2")
    with page.expect_download() as downloading:
        attachments.get_by_role("link", name="window-plan.pdf").click()
    saved = tmp_path / "revised.pdf"
    downloading.value.save_as(saved)
    assert saved.read_bytes() == PDF_BYTES + b"% revised\n"
    screenshot(page, "ticket-conversation-requester")

    assert Comment.objects.filter(internal=True).count() == 1
    assert FileUpload.objects.filter(filename="window-plan.pdf").count() == 2
    assert page.console_errors == []


def test_a_worker_attaches_a_file_in_a_task_form_and_the_draft_keeps_it(page, company):
    log_in(page, "sam@bloom.example", TEST_PASSWORD)
    visit(page, "/tickets/new/")
    click_and_load(page.get_by_test_id("type-request"))
    page.get_by_label("Title").fill("Ribbon")
    page.get_by_label("What do you need?").fill("Red ribbon")
    click_and_load(page.get_by_role("button", name="Submit ticket"))
    ticket = TicketInstance.objects.get()
    log_out(page)

    log_in(page, "dana@bloom.example", TEST_PASSWORD)
    visit(page, f"/tasks/{ticket.workflow.current_task_id}/")
    form = page.get_by_test_id("task-form")
    form.get_by_label("Order number").fill("PO-17")
    form.locator('input[type="file"]').set_input_files(pdf_file("confirmation.pdf"))
    form.get_by_role("button", name="Save draft").click()
    panel = swapped_in(page.get_by_test_id("task-panel"))
    expect(panel).to_contain_text("Draft saved")
    expect(panel.get_by_role("link", name="confirmation.pdf")).to_be_visible()  # the file input says it is attached
    screenshot(page, "task-file-draft")
    # Completing without choosing the file again keeps the attached one.
    panel.get_by_role("button", name="Complete task").click()
    panel = swapped_in(page.get_by_test_id("task-panel"))
    expect(panel.get_by_test_id("task-done")).to_be_visible()
    with page.expect_download() as downloading:
        panel.get_by_test_id("task-done").get_by_role("link", name="confirmation.pdf").click()
    assert downloading.value.suggested_filename == "confirmation.pdf"
    upload = FileUpload.objects.get()
    assert (upload.field_name, upload.task_id) == ("confirmation", ticket.workflow.current_task_id)
    assert page.console_errors == []
