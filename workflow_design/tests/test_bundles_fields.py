"""Tables, multi-choice fields, patterns, exclusive bounds and decimal places in bundles: round trips and refusals."""

import copy
import json

import pytest

from workflow_design.bundles import BundleInvalid, export_bundle, parse_bundle, validate_bundle
from workflow_design.models import TicketDefinition
from workflow_design.services import bundle_import

pytestmark = pytest.mark.django_db

LINES = {
    "type": "array",
    "title": "Order lines",
    "description": "One line per fabric.",
    "items": {
        "type": "object",
        "properties": {
            "item": {"type": "string", "title": "Item", "maxLength": 200, "pattern": "^[^<>]*$"},
            "meters": {"type": "number", "title": "Meters", "exclusiveMinimum": 0, "x-decimal-places": 2},
            "unit_price": {"type": "number", "title": "Unit price", "minimum": 0, "x-decimal-places": 2},
            "colour": {"type": "string", "title": "Colour", "enum": ["natural", "indigo"]},
            "wanted_by": {"type": "string", "title": "Wanted by", "format": "date"},
            "boxes": {"type": "integer", "title": "Boxes", "exclusiveMaximum": 100},
            "gift": {"type": "boolean", "title": "Gift wrap"},
        },
        "required": ["item", "meters"],
        "x-order": ["item", "meters", "unit_price", "colour", "wanted_by", "boxes", "gift"],
    },
    "minItems": 1,
    "maxItems": 40,
}
FIELDS = {
    "type": "object",
    "properties": {
        "customer": {
            "type": "string",
            "title": "Customer number",
            "pattern": "^C-[0-9]{4}$",
            "x-pattern-message": "A customer number looks like C-0042.",
        },
        "lines": LINES,
        "finishes": {
            "type": "array",
            "title": "Finishes",
            "items": {"type": "string", "enum": ["matte", "gloss", "foil"]},
            "uniqueItems": True,
            "minItems": 1,
            "maxItems": 2,
        },
        "discount": {"type": "number", "title": "Discount", "exclusiveMinimum": 0, "exclusiveMaximum": 1},
    },
    "required": ["customer", "lines"],
    "x-order": ["customer", "lines", "finishes", "discount"],
}
BUNDLE = {
    "format": "ticketflower/v1",
    "company_roles": [],
    "workflows": [
        {
            "key": "fabric-order",
            "title": "Fabric order",
            "tasks": [
                {
                    "key": "cut",
                    "title": "Cut the fabric",
                    "type": "FORM",
                    "input_transform": {
                        "line_count": {"length": {"var": "ticket.lines"}},
                        "meters": {"sum": [{"var": "ticket.lines"}, "meters"]},
                    },
                    "input_schema": {
                        "type": "object",
                        "properties": {
                            "line_count": {"type": "integer", "title": "Lines"},
                            "meters": {"type": "number", "title": "Meters in all"},
                        },
                    },
                    "output_schema": {
                        "type": "object",
                        "properties": {
                            "offcuts": {
                                "type": "array",
                                "title": "Offcuts",
                                "items": {
                                    "type": "object",
                                    "properties": {"meters": {"type": "number", "title": "Meters"}},
                                    "required": ["meters"],
                                },
                                "maxItems": 10,
                            }
                        },
                    },
                },
                {"key": "check", "title": "Check a big order", "type": "FORM"},
            ],
            "transitions": [
                {"from": None, "to": "cut"},
                {
                    "from": "cut",
                    "to": "check",
                    "condition": {
                        "or": [
                            {">": [{"length": {"var": "ticket.lines"}}, 10]},
                            {">=": [{"sum": [{"var": "ticket.lines"}, "meters"]}, 100]},
                        ]
                    },
                    "label": "Big order",
                },
                {"from": "cut", "to": None, "priority": 1, "label": "Cut"},
                {"from": "check", "to": None, "label": "Checked"},
            ],
        }
    ],
    "ticket_definitions": [
        {"key": "fabric", "title": "Fabric order", "workflow_key": "fabric-order", "fields_schema": FIELDS}
    ],
}


def bundle() -> dict:
    return copy.deepcopy(BUNDLE)


def test_tables_and_multi_choice_fields_round_trip_through_export_and_import(tenant, other_tenant):
    assert validate_bundle(bundle(), company=tenant.company) == []
    bundle_import(company=tenant.company, actor=None, doc=bundle())
    exported = export_bundle(tenant.company)
    assert exported["ticket_definitions"][0]["fields_schema"] == FIELDS
    written = zip(BUNDLE["workflows"][0]["tasks"], exported["workflows"][0]["tasks"], strict=True)
    for task, exported_task in written:  # export adds the defaults (assignment, priority...) beside these
        assert {key: exported_task[key] for key in task} == task
    assert (
        exported["workflows"][0]["transitions"][1]["condition"] == BUNDLE["workflows"][0]["transitions"][1]["condition"]
    )

    bundle_import(company=other_tenant.company, actor=None, doc=parse_bundle(json.dumps(exported)))
    again = export_bundle(other_tenant.company)
    assert {**again, "exported_at": None} == {**exported, "exported_at": None}
    assert TicketDefinition.objects.for_company(other_tenant.company).get().fields_schema == FIELDS


def break_it(path: list, value) -> dict:
    doc = bundle()
    target = doc["ticket_definitions"][0]["fields_schema"]
    for key in path[:-1]:
        target = target[key]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return doc


LINE_COLUMNS = ["properties", "lines", "items", "properties"]


@pytest.mark.parametrize(
    ("path", "value", "where"),
    [
        (["properties", "lines", "items"], KeyError, "properties.lines.items"),
        ([*LINE_COLUMNS, "meters", "type"], "object", "properties.lines.items.properties.meters.type"),
        ([*LINE_COLUMNS, "colour", "enum"], "natural", "properties.lines.items.properties.colour.enum"),
        (["properties", "finishes", "items", "enum"], {"a": 1}, "properties.finishes.items.enum"),
        (["properties", "customer", "pattern"], "C-[0-9", "properties.customer.pattern"),
        ([*LINE_COLUMNS, "item", "pattern"], "(", "properties.lines.items.properties.item.pattern"),
        (["properties", "discount", "exclusiveMinimum"], "0", "properties.discount.exclusiveMinimum"),
        (["properties", "lines", "minItems"], 41, "properties.lines.minItems"),
        (["properties", "finishes", "uniqueItems"], False, "properties.finishes.uniqueItems"),
        (
            [*LINE_COLUMNS, "meters", "x-decimal-places"],
            -1,
            "properties.lines.items.properties.meters.x-decimal-places",
        ),
    ],
)
def test_a_malformed_field_is_refused_at_its_path_and_nothing_is_written(tenant, path, value, where):
    with pytest.raises(BundleInvalid) as raised:
        bundle_import(company=tenant.company, actor=None, doc=break_it(path, value))
    assert [problem.path for problem in raised.value.problems] == [f"ticket_definitions[0].fields_schema.{where}"]
    assert not TicketDefinition.objects.exists()


def test_a_malformed_table_operator_is_refused_at_the_rule(tenant):
    doc = bundle()
    doc["workflows"][0]["transitions"][1]["condition"] = {">": [{"sum": [{"var": "ticket.lines"}, 3]}, 1]}
    assert [(problem.path, problem.message) for problem in validate_bundle(doc, company=tenant.company)] == [
        (
            "workflows[0].transitions[1].condition.>[0].sum[1]",
            'Arrow “Big order” from “Cut the fabric”: the column name must be literal text, e.g. "meters".',
        )
    ]
