"""The helpers wait for the page, however slow it is: these tests make it slow on purpose.

On a busy machine a new document's scripts and htmx's settling of a swap come late;
a test that types before them loses its keystrokes (the Key stays empty) or clicks a
button htmx has not wired yet (nothing happens). Here the browser makes them late
every time, so a missing wait fails every run instead of one run in three.
"""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import click_and_load, log_in, swapped_in, visit
from users.roles import SystemRole
from users.tests.factories import TEST_PASSWORD, CompanyFactory, UserFactory
from workflow_design import services

pytestmark = pytest.mark.django_db(transaction=True)

SLOW_NETWORK = {"offline": False, "latency": 400, "downloadThroughput": -1, "uploadThroughput": -1}


def test_typing_waits_for_the_scripts_of_a_slowly_loading_page(page):
    creator = UserFactory(company=CompanyFactory(), roles=[SystemRole.WORKFLOW_CREATOR])
    log_in(page, creator.email, TEST_PASSWORD)
    visit(page, "/design/workflows/")
    # Every request now answers 400 ms late: the form is on screen well before designer.js runs.
    network = page.context.new_cdp_session(page)
    network.send("Network.enable")
    network.send("Network.emulateNetworkConditions", SLOW_NETWORK)

    click_and_load(page.get_by_role("link", name="Create a workflow"))
    page.get_by_label("Title").fill("Purchase approval")
    expect(page.get_by_label("Key")).to_have_value("purchase-approval")
    assert page.console_errors == []


def test_swapped_in_forms_are_used_only_once_htmx_has_settled_them(page):
    company = CompanyFactory()
    creator = UserFactory(company=company, roles=[SystemRole.WORKFLOW_CREATOR])
    workflow = services.workflow_create(company=company, actor=None, title="Customer order")
    log_in(page, creator.email, TEST_PASSWORD)
    visit(page, f"/design/workflows/{workflow.pk}/edit/")
    # Swapped-in content stays unprocessed (no hx- behaviour, no designer.js set-up) for a whole second.
    page.evaluate("htmx.config.defaultSettleDelay = 1000")

    page.get_by_role("link", name="Add task").click()
    form = swapped_in(page.get_by_test_id("task-form"))
    form.get_by_label("Title").fill("Collect items")
    expect(form.get_by_label("Key", exact=True)).to_have_value("collect-items")
    form.get_by_role("button", name="Add a field").click()
    rows = form.locator("[data-field-row]")
    expect(rows).to_have_count(1)
    row = swapped_in(rows.last)
    row.get_by_label("Label").fill("SKU")
    expect(row.get_by_label("Name")).to_have_value("sku")
    form.get_by_role("button", name="Add this task").click()
    expect(page.get_by_test_id("task-form")).to_have_count(0)
    swapped_in(page.locator("#editor"))

    expect(page.get_by_test_id("task-collect-items")).to_be_visible()
    task = workflow.tasks.get(key="collect-items")
    assert list(task.output_schema["properties"]) == ["sku"]
    assert page.console_errors == []
