"""Destructive actions ask first, in one styled dialog (static/js/confirm.js), never with window.confirm."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import click_and_load, log_in, screenshot, swapped_in, visit
from users.models import User
from users.roles import SystemRole
from users.services import Actor
from users.tests.factories import TEST_PASSWORD, CompanyFactory, UserFactory
from workflow_design import services
from workflow_ops.models import TicketInstance, TicketStatus
from workflow_ops.services.tickets import ticket_submit
from workflow_ops.tests.factories import form_task, simple_process

pytestmark = pytest.mark.django_db(transaction=True)


def no_native_dialogs(page):
    """Collect window.confirm/alert dialogs (dismissing them), so a test can assert there were none."""
    opened = []

    def seen(dialog):
        opened.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", seen)
    return opened


def test_deactivating_a_teammate_asks_in_a_dialog_and_going_back_changes_nothing(page):
    company = CompanyFactory(name="Bloom Florists")
    owner = UserFactory(company=company, email="ada@bloom.example", roles=[SystemRole.ADMIN])
    dana = UserFactory(company=company, first_name="Dana", last_name="Worker", roles=[SystemRole.TASK_WORKER])
    native = no_native_dialogs(page)
    log_in(page, owner.email, TEST_PASSWORD)
    visit(page, "/team/")
    dialog = page.get_by_test_id("confirm-dialog")
    row = page.get_by_test_id(f"member-{dana.pk}")

    row.get_by_role("button", name="Deactivate").click()
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Deactivate Dana Worker? They can no longer log in")
    expect(dialog.get_by_role("button", name="Go back")).to_be_focused()
    screenshot(page, "confirm-deactivate")
    dialog.get_by_role("button", name="Go back").click()
    expect(dialog).to_be_hidden()
    dana.refresh_from_db()
    assert dana.is_active

    row.get_by_role("button", name="Deactivate").click()
    expect(dialog).to_be_visible()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    dana.refresh_from_db()
    assert dana.is_active

    row.get_by_role("button", name="Deactivate").click()
    click_and_load(dialog.get_by_role("button", name="Deactivate Dana Worker"))
    expect(page.get_by_text("Dana Worker was deactivated")).to_be_visible()
    assert not User.objects.get(pk=dana.pk).is_active
    assert native == []
    assert page.console_errors == []


def test_deleting_a_task_in_the_editor_asks_in_the_same_dialog(page):
    company = CompanyFactory(name="Bloom Florists")
    creator = UserFactory(company=company, email="wes@bloom.example", roles=[SystemRole.WORKFLOW_CREATOR])
    workflow = services.workflow_create(company=company, actor=None, title="Orders")
    services.task_create(actor=None, workflow=workflow, title="Pack", key="pack")
    services.task_create(actor=None, workflow=workflow, title="Ship", key="ship")
    native = no_native_dialogs(page)
    log_in(page, creator.email, TEST_PASSWORD)
    visit(page, f"/design/workflows/{workflow.pk}/edit/")
    dialog = page.get_by_test_id("confirm-dialog")

    page.get_by_role("button", name="Delete task Ship").click()
    expect(dialog).to_contain_text("Delete the task “Ship” and the arrows that touch it?")
    dialog.get_by_role("button", name="Go back").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_test_id("task-ship")).to_be_visible()

    page.get_by_role("button", name="Delete task Ship").click()
    dialog.get_by_role("button", name="Delete the task").click()
    expect(page.get_by_test_id("task-ship")).to_have_count(0)
    swapped_in(page.locator("#editor"))
    expect(dialog).to_be_hidden()
    # The refreshed editor's buttons ask too: the arrow from Start to Pack.
    page.get_by_test_id("transition-table").get_by_role("button", name="Delete arrow 1").click()
    expect(dialog).to_contain_text("Delete the arrow from Start to “Pack”?")
    dialog.get_by_role("button", name="Delete the arrow").click()
    expect(page.get_by_test_id("transition-table")).to_have_count(0)
    assert list(workflow.tasks.values_list("key", flat=True)) == ["pack"]
    assert not workflow.transitions.exists()
    assert native == []
    assert page.console_errors == []


def test_cancelling_a_ticket_asks_in_the_same_dialog(page):
    company = CompanyFactory(name="Bloom Florists")
    sam = UserFactory(company=company, email="sam@bloom.example", first_name="Sam", roles=[SystemRole.USER])
    UserFactory(company=company, first_name="Dana", roles=[SystemRole.TASK_WORKER])
    ticket_type = simple_process(
        company,
        tasks=[form_task("check")],
        transitions=[{"from": None, "to": "check"}, {"from": "check", "to": None, "label": "Done"}],
    )
    ticket = ticket_submit(company=company, actor=Actor(user=sam), ticket_type=ticket_type, title="Ribbon", data={})
    native = no_native_dialogs(page)
    log_in(page, sam.email, TEST_PASSWORD)
    visit(page, f"/tickets/{ticket.pk}/")
    page.get_by_text("Cancel this ticket…").click()
    page.get_by_label("Why cancel it?").fill("Bought it myself")
    page.get_by_role("button", name="Cancel the ticket").click()
    dialog = page.get_by_test_id("confirm-dialog")
    expect(dialog).to_contain_text(f"Cancel ticket #{ticket.number}?")
    dialog.get_by_role("button", name="Go back").click()
    expect(dialog).to_be_hidden()
    assert TicketInstance.objects.get(pk=ticket.pk).status == TicketStatus.OPEN

    page.get_by_role("button", name="Cancel the ticket").click()
    click_and_load(dialog.get_by_role("button", name="Cancel the ticket"))
    expect(page.get_by_text(f"Ticket #{ticket.number} was cancelled")).to_be_visible()
    assert TicketInstance.objects.get(pk=ticket.pk).status == TicketStatus.CANCELLED
    assert native == []
    assert page.console_errors == []
