"""SchemaForm with tables, multi-choice, patterns, exclusive bounds and decimal places; their display and checks."""

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from users.services import Actor
from workflow_ops.forms import SchemaForm
from workflow_ops.models import TaskInstance, TicketInstance, TicketStatus
from workflow_ops.selectors.tickets import ListValue, TableValue, data_rows
from workflow_ops.services.common import schema_errors
from workflow_ops.services.tasks import task_complete
from workflow_ops.tests.factories import form_task, simple_process, submitter, worker

LINES = {
    "type": "array",
    "title": "Order lines",
    "items": {
        "type": "object",
        "properties": {
            "item": {"type": "string", "title": "Item", "maxLength": 40},
            "meters": {"type": "number", "title": "Meters", "exclusiveMinimum": 0, "x-decimal-places": 2},
            "colour": {"type": "string", "title": "Colour", "enum": ["red", "blue"]},
            "wanted_by": {"type": "string", "title": "Wanted by", "format": "date"},
            "gift": {"type": "boolean", "title": "Gift wrap"},
        },
        "required": ["item", "meters"],
        "x-order": ["item", "meters", "colour", "wanted_by", "gift"],
    },
    "minItems": 1,
    "maxItems": 3,
}
SCHEMA = {
    "type": "object",
    "properties": {
        "lines": LINES,
        "finishes": {
            "type": "array",
            "title": "Finishes",
            "items": {"type": "string", "enum": ["matte", "gloss", "foil"]},
            "uniqueItems": True,
            "maxItems": 2,
        },
        "code": {
            "type": "string",
            "title": "Code",
            "pattern": "^[A-Z]{3}-[0-9]+$",
            "x-pattern-message": "Like ABC-12.",
        },
        "ratio": {"type": "number", "title": "Ratio", "exclusiveMinimum": 0, "exclusiveMaximum": 1},
        "price": {"type": "number", "title": "Price", "x-decimal-places": 2},
    },
    "required": ["lines"],
    "x-order": ["lines", "finishes", "code", "ratio", "price"],
}


def form_for(data: dict, schema: dict = SCHEMA) -> SchemaForm:
    return SchemaForm(schema, data)


def test_rows_are_read_by_index_with_gaps_and_blank_rows_left_out():
    form = form_for(
        {
            "lines-0-item": "Silk",
            "lines-0-meters": "2.5",
            "lines-0-colour": "red",
            "lines-0-wanted_by": "2026-12-24",
            "lines-0-gift": "on",
            # row 1 was removed in the page: its index is simply missing
            "lines-2-item": "Linen",
            "lines-2-meters": "4",
            "lines-3-item": "",  # a blank row, added and never filled
            "lines-3-meters": "",
            "lines-99999-item": "ignored: not a row index the form reads",
            "finishes": ["matte", "foil"],
        }
    )
    assert form.is_valid(), form.errors
    assert form.to_json() == {
        "lines": [
            {"item": "Silk", "meters": 2.5, "colour": "red", "wanted_by": "2026-12-24", "gift": True},
            {"item": "Linen", "meters": 4, "gift": False},
        ],
        "finishes": ["matte", "foil"],
    }


def test_each_cell_is_checked_and_its_error_shown_beside_it():
    form = form_for({"lines-0-item": "Silk", "lines-0-meters": "0", "lines-1-item": "", "lines-1-meters": "1.234"})
    assert not form.is_valid()
    assert form.errors["lines"] == ["Some cells need fixing (rows 1, 2): see the notes beside them."]
    html = form["lines"].as_widget()
    assert html.count("data-cell-error") == 3
    assert "Must be more than 0." in html  # row 1, meters
    assert "This field is required." in html  # row 2, item
    assert "Ensure that there are no more than 2 decimal places." in html  # row 2, meters
    assert 'aria-label="Meters, row 1"' in html and 'value="0"' in html  # what was typed stays
    assert 'aria-label="Meters, row 2" aria-invalid="true"' in html or 'aria-invalid="true"' in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Add at least one row."),
        ({"lines-0-item": "", "lines-0-meters": ""}, "Add at least one row."),
        (
            {f"lines-{i}-item": "x" for i in range(4)} | {f"lines-{i}-meters": "1" for i in range(4)},
            "Use at most 3 rows.",
        ),
    ],
)
def test_the_number_of_rows_is_enforced_with_a_clear_message(data, message):
    form = form_for(data)
    assert not form.is_valid()
    assert form.errors["lines"] == [message]


def test_an_optional_table_may_stay_empty_but_counts_its_rows_once_filled():
    schema = {"type": "object", "properties": {"lines": {**LINES, "minItems": 2}}}
    empty = form_for({}, schema)
    assert empty.is_valid() and empty.to_json() == {}
    form = form_for({"lines-0-item": "Silk", "lines-0-meters": "1"}, schema)
    assert not form.is_valid() and form.errors["lines"] == ["Add at least 2 rows."]


def test_multi_choice_pattern_and_exclusive_bounds_say_what_is_wrong_in_words():
    form = form_for(
        {
            "lines-0-item": "Silk",
            "lines-0-meters": "1",
            "finishes": ["matte", "gloss", "foil"],
            "code": "abc",
            "ratio": "1",
            "price": "19.999",
        }
    )
    assert not form.is_valid()
    assert form.errors["finishes"] == ["Tick at most 2."]
    assert form.errors["code"] == ["Like ABC-12."]  # the designer's message, never the regex
    assert form.errors["ratio"] == ["Must be less than 1."]
    assert form.errors["price"] == ["Ensure that there are no more than 2 decimal places."]
    assert form_for({"lines-0-item": "Silk", "lines-0-meters": "1", "code": "ABC-12", "ratio": "0.5"}).is_valid()


def test_a_pattern_without_a_message_says_so_plainly():
    schema = {"type": "object", "properties": {"code": {"type": "string", "pattern": "^[0-9]+$"}}}
    form = form_for({"code": "12a"}, schema)
    assert not form.is_valid() and form.errors["code"] == ["This is not in the expected format."]


def test_the_form_renders_a_table_with_a_template_row_and_its_script():
    form = SchemaForm(SCHEMA, initial={"lines": [{"item": "Silk", "meters": 2.5, "gift": True}]}, prefix="answer")
    request = RequestFactory().get("/")
    request.csp_nonce = "n0nce"
    html = render_to_string("includes/form_fields.html", {"form": form, "request": request})
    assert '<legend class="form-label fs-6">Order lines <span class="text-danger">*</span></legend>' in html
    assert 'name="answer-lines-0-item"' in html and 'value="Silk"' in html
    assert 'name="answer-lines-0-gift"' in html and "checked" in html
    assert 'name="answer-lines-__row__-meters"' in html  # the <template> row the script clones
    assert 'data-next-index="1"' in html and "1 to 3 rows." in html
    assert html.count('type="checkbox" name="answer-finishes"') == 3
    assert "Tick up to 2." in html  # the multi-choice limit is said before anyone trips over it
    assert '<script src="/static/js/forms.js" nonce="n0nce"></script>' in html
    plain = SchemaForm({"type": "object", "properties": {"x": {"type": "string"}}})
    assert "forms.js" not in render_to_string("includes/form_fields.html", {"form": plain, "request": request})


def test_the_services_check_tables_and_say_which_row_and_column():
    errors = schema_errors(
        SCHEMA,
        {
            "lines": [{"item": "Silk", "meters": 1}, {"meters": 0}, {"item": "x", "meters": 1.001}],
            "finishes": ["matte", "matte"],
            "code": "abc",
            "ratio": 0,
        },
    )
    assert errors == {
        "lines": [
            "Row 2, Meters: Must be more than 0.",
            "Row 2: Item is required.",
            "Row 3, Meters: Use at most 2 decimal places.",
        ],
        "finishes": ["Choose each choice only once."],
        "code": ["Like ABC-12."],
        "ratio": ["Must be more than 0."],
    }
    assert schema_errors(SCHEMA, {"lines": [{"item": "a", "meters": 1}] * 4}) == {"lines": ["Use at most 3 rows."]}


def test_a_table_shows_as_a_table_and_choices_as_a_list():
    rows = data_rows(
        SCHEMA,
        {
            "lines": [{"item": "Silk", "meters": 2.5, "gift": True}, {"item": "Linen", "meters": 4, "old": "x"}],
            "finishes": ["matte", "foil"],
            "reply": {"ok": True},
        },
    )
    assert rows == [
        (
            "Order lines",
            TableValue(
                columns=["Item", "Meters", "Colour", "Wanted by", "Gift wrap", "old"],
                rows=[["Silk", 2.5, None, None, True, None], ["Linen", 4, None, None, None, "x"]],
            ),
        ),
        ("Finishes", ListValue(items=["matte", "foil"])),
        ("reply", '{"ok": true}'),
    ]
    html = render_to_string("workflow_ops/includes/data_table.html", {"rows": rows})
    assert '<div class="table-responsive">' in html and '<th scope="col" class="small">Meters</th>' in html
    assert '<td class="text-break">Yes</td>' in html and "<li>matte</li>" in html


@pytest.mark.django_db
def test_a_ticket_with_a_table_is_submitted_and_shown(client, tenant, django_capture_on_commit_callbacks):
    ticket_type = simple_process(
        tenant.company,
        tasks=[form_task("check", {"ok": {"type": "boolean"}})],
        transitions=[
            {"from": None, "to": "check"},
            {
                "from": "check",
                "to": None,
                "condition": {">": [{"sum": [{"var": "ticket.lines"}, "meters"]}, 5]},
                "label": "Big order",
            },
            {"from": "check", "to": None, "priority": 1, "label": "Small order"},
        ],
        fields=SCHEMA,
    )
    worker(tenant.company, "Dana")
    sam = submitter(tenant.company, "Sam")
    client.force_login(sam)
    url = reverse("ops:ticket-submit", args=[ticket_type.pk])
    assert "data-add-table-row" in client.get(url).content.decode()
    refused = client.post(url, {"title": "Fabric", "priority": "normal", "lines-0-item": "Silk"}).content.decode()
    assert "Some cells need fixing (row 1)" in refused and not TicketInstance.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "title": "Fabric",
                "priority": "normal",
                "lines-0-item": "Silk",
                "lines-0-meters": "2.5",
                "lines-3-item": "Linen",
                "lines-3-meters": "4",
                "finishes": ["gloss"],
                "code": "ABC-1",
            },
        )
    ticket = TicketInstance.objects.get()
    assert response.url == reverse("ops:ticket-detail", args=[ticket.pk])
    assert ticket.data["lines"] == [
        {"item": "Silk", "meters": 2.5, "gift": False},
        {"item": "Linen", "meters": 4, "gift": False},
    ]
    page = client.get(response.url).content.decode()
    assert "data-table-value" in page and "Linen" in page and "<li>gloss</li>" in page

    # The arrow's condition sums the meters column: 2.5 + 4 > 5.
    with django_capture_on_commit_callbacks(execute=True):
        task = TaskInstance.objects.get(ticket=ticket)
        task_complete(task=task, actor=Actor(user=task.assigned_to), output={"ok": True})
    ticket.refresh_from_db()
    assert (ticket.status, ticket.outcome) == (TicketStatus.FINISHED, "Big order")
