"""Order lines in the browser: a creator builds a ticket type with a table and a multi-choice field and publishes
it; a ticket is filed with two rows and two ticks and shows them; a worker answers with a table of their own."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import click_and_load, log_in, screenshot, swapped_in, visit
from users.models import CompanyRole
from users.roles import SystemRole
from users.tests.factories import TEST_PASSWORD, CompanyFactory, UserFactory
from workflow_design.models import DefinitionStatus, TicketDefinition
from workflow_design.services import bundle_import
from workflow_ops.models import TicketInstance

pytestmark = pytest.mark.django_db(transaction=True)

# The workflow reads the table: the cutter is given the number of lines and the meters in all,
# and an order of 5 meters or more ends as "Big order".
WORKFLOW = {
    "format": "ticketflower/v1",
    "company_roles": [{"name": "Cutters"}],
    "workflows": [
        {
            "key": "fabric-order",
            "title": "Fabric order",
            "tasks": [
                {
                    "key": "cut",
                    "title": "Cut the fabric",
                    "type": "FORM",
                    "assignee_role": "Cutters",
                    "input_transform": {
                        "line_count": {"length": {"var": "ticket.order_lines"}},
                        "meters": {"sum": [{"var": "ticket.order_lines"}, "meters"]},
                    },
                    "input_schema": {
                        "type": "object",
                        "properties": {
                            "line_count": {"type": "integer", "title": "Lines"},
                            "meters": {"type": "number", "title": "Meters in all"},
                        },
                        "x-order": ["line_count", "meters"],
                    },
                    "output_schema": {
                        "type": "object",
                        "properties": {
                            "offcuts": {
                                "type": "array",
                                "title": "Offcuts kept",
                                "items": {
                                    "type": "object",
                                    "properties": {
                                        "meters": {"type": "number", "title": "Meters", "exclusiveMinimum": 0},
                                        "shelf": {"type": "string", "title": "Shelf"},
                                    },
                                    "required": ["meters"],
                                    "x-order": ["meters", "shelf"],
                                },
                            }
                        },
                    },
                }
            ],
            "transitions": [
                {"from": None, "to": "cut"},
                {
                    "from": "cut",
                    "to": None,
                    "condition": {">=": [{"sum": [{"var": "ticket.order_lines"}, "meters"]}, 5]},
                    "label": "Big order",
                },
                {"from": "cut", "to": None, "priority": 1, "label": "Cut"},
            ],
        }
    ],
    "ticket_definitions": [],
}


def add_field(page, label: str, type_label: str):
    rows = page.locator("[data-field-row]")
    count = rows.count()
    page.get_by_role("button", name="Add a field").click()
    expect(rows).to_have_count(count + 1)  # the row arrives by htmx
    row = swapped_in(rows.last)
    row.get_by_label("Label", exact=True).fill(label)
    row.get_by_label("Type", exact=True).select_option(label=type_label)
    return row


def add_column(row, title: str, type_label: str, *, required=False, settings=()):
    columns = row.locator("[data-column-row]")
    count = columns.count()
    row.get_by_role("button", name="Add a column").click()
    expect(columns).to_have_count(count + 1)
    column = columns.last
    column.get_by_label("Column title").fill(title)
    column.get_by_label("Column type").select_option(label=type_label)
    if required:
        column.get_by_label("Required").check()
    for label, value in settings:
        column.get_by_role("spinbutton", name=label, exact=True).fill(value)
    return column


def log_out(page):
    click_and_load(page.get_by_role("button", name="Log out"))


def test_an_order_with_lines_is_designed_filed_and_worked(page):
    company = CompanyFactory(name="Bloom Fabrics")
    bundle_import(company=company, actor=None, doc=WORKFLOW)
    wes = UserFactory(company=company, email="wes@bloom.example", roles=[SystemRole.WORKFLOW_CREATOR, SystemRole.USER])
    dana = UserFactory(company=company, email="dana@bloom.example", first_name="Dana", roles=[SystemRole.TASK_WORKER])
    dana.company_roles.set([CompanyRole.objects.for_company(company).get(name="Cutters")])

    # --- The creator builds the ticket type by clicking ---------------------------------------------
    log_in(page, wes.email, TEST_PASSWORD)
    visit(page, "/design/tickets/")
    click_and_load(page.get_by_role("link", name="New ticket type").first)
    page.get_by_label("Title").fill("Fabric order")
    page.get_by_label("Workflow").select_option(label="Fabric order")

    lines = add_field(page, "Order lines", "Table")
    expect(lines.get_by_label("Choices", exact=True)).to_be_hidden()
    expect(lines.get_by_test_id("columns")).to_be_visible()
    lines.get_by_label("Required", exact=True).first.check()
    # Min/max say what they count for the chosen type ("Min rows"); only the accessible name leaves the rest out.
    lines.get_by_role("spinbutton", name="Min rows", exact=True).fill("1")
    add_column(lines, "Item", "Short text", required=True)
    add_column(lines, "Meters", "Number", required=True, settings=[("Decimals", "2"), ("Min", "0.1")])
    colour = add_column(lines, "Colour", "Choice")
    colour.get_by_label("Column choices").fill("natural\nindigo")
    add_column(lines, "Wrong one", "Short text").get_by_text("Remove column").click()
    expect(lines.locator("[data-column-row]:visible")).to_have_count(3)

    finishes = add_field(page, "Finishes", "Checkboxes")
    expect(finishes.get_by_test_id("columns")).to_be_hidden()
    finishes.get_by_label("Choices", exact=True).fill("matte\ngloss\nfoil")
    finishes.get_by_role("spinbutton", name="Max ticked", exact=True).fill("2")
    screenshot(page, "field-builder-table")

    click_and_load(page.get_by_role("button", name="Save ticket type"))
    expect(page.get_by_role("heading", name="Fabric order")).to_be_visible()
    expect(page.get_by_test_id("columns-order_lines")).to_have_text("Columns: Item*, Meters*, Colour")
    click_and_load(page.get_by_role("button", name="Publish"))
    expect(page.get_by_text("people can submit it now")).to_be_visible()

    ticket_type = TicketDefinition.objects.get(company=company, key="fabric-order")
    assert ticket_type.status == DefinitionStatus.PUBLISHED
    table = ticket_type.fields_schema["properties"]["order_lines"]
    assert table["minItems"] == 1 and table["items"]["required"] == ["item", "meters"]
    assert table["items"]["properties"]["meters"] == {
        "type": "number",
        "title": "Meters",
        "minimum": 0.1,
        "x-decimal-places": 2,
    }
    assert ticket_type.fields_schema["properties"]["finishes"]["items"]["enum"] == ["matte", "gloss", "foil"]

    # --- A ticket with two lines and two finishes ----------------------------------------------------
    visit(page, "/tickets/new/")
    click_and_load(page.get_by_test_id("type-fabric-order"))
    page.get_by_label("Title").fill("Curtains for the Vine Street shop")
    page.get_by_label("Item, row 1").fill("Linen")
    page.get_by_label("Meters, row 1").fill("2.5")
    page.get_by_label("Colour, row 1").select_option("natural")
    page.get_by_role("button", name="Add a row").click()
    page.get_by_label("Item, row 2").fill("Velvet")  # its meters forgotten: refused beside the cell
    page.get_by_role("button", name="Add a row").click()
    page.get_by_label("Item, row 3").fill("Not this one")
    page.get_by_role("button", name="Remove row 3").click()
    expect(page.get_by_label("Item, row 3")).to_have_count(0)
    page.get_by_label("matte").check()
    page.get_by_label("foil").check()
    click_and_load(page.get_by_role("button", name="Submit ticket"))

    expect(page.get_by_text("Some cells need fixing (row 2)")).to_be_visible()
    meters = page.get_by_label("Meters, row 2")
    expect(meters).to_have_class("form-control form-control-sm is-invalid")
    expect(page.locator("[data-cell-error]")).to_have_text("This field is required.")
    expect(page.get_by_label("Item, row 2")).to_have_value("Velvet")  # nothing typed is lost
    expect(page.get_by_label("foil")).to_be_checked()
    meters.fill("4")
    screenshot(page, "ticket-form-table")
    click_and_load(page.get_by_role("button", name="Submit ticket"))

    expect(page.get_by_text("Ticket #1 was submitted")).to_be_visible()
    table = page.locator(".data-table-value")
    expect(table.locator("tbody tr")).to_have_count(2)
    expect(table.locator("tbody tr").nth(1)).to_contain_text("Velvet")
    expect(table.locator("thead")).to_contain_text("Meters")
    expect(page.locator(".data-rows li")).to_have_text(["matte", "foil"])
    screenshot(page, "ticket-page-table")
    ticket = TicketInstance.objects.get(company=company)
    assert ticket.data == {
        "order_lines": [
            {"item": "Linen", "meters": 2.5, "colour": "natural"},
            {"item": "Velvet", "meters": 4},
        ],
        "finishes": ["matte", "foil"],
    }
    log_out(page)

    # --- The cutter is given the count and the sum, and answers with a table (in the htmx panel) ------
    log_in(page, dana.email, TEST_PASSWORD)
    visit(page, "/tasks/mine/")
    click_and_load(page.get_by_role("link", name="Cut the fabric"))
    given = page.locator("section", has_text="What you are given")
    expect(given).to_contain_text("Lines")
    expect(given).to_contain_text("6.5")
    form = page.get_by_test_id("task-form")
    form.get_by_label("Meters, row 1").fill("0")
    form.get_by_role("button", name="Complete task").click()
    panel = swapped_in(page.get_by_test_id("task-panel"))
    expect(panel.locator("[data-cell-error]")).to_have_text("Must be more than 0.")
    panel.get_by_label("Meters, row 1").fill("0.5")
    panel.get_by_role("button", name="Add a row").click()  # the script still works after the swap
    panel.get_by_label("Meters, row 2").fill("0.25")
    panel.get_by_label("Shelf, row 2").fill("B3")
    screenshot(page, "task-form-table")
    panel.get_by_role("button", name="Complete task").click()
    panel = swapped_in(page.get_by_test_id("task-panel"))
    expect(panel.get_by_test_id("task-done").locator(".data-table-value tbody tr")).to_have_count(2)
    ticket.refresh_from_db()
    assert (ticket.status, ticket.outcome) == ("finished", "Big order")
    assert page.console_errors == []
