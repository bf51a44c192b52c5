import pytest

from workflow_design.schema_builder import (
    CONDITION_OPERATORS,
    FieldRow,
    UnsupportedSchema,
    condition_text,
    condition_to_jsonlogic,
    jsonlogic_to_condition,
    mapping_rows_from_transform,
    rows_to_schema,
    schema_field_types,
    schema_to_rows,
    transform_from_mapping_rows,
)
from workflow_design.validation import validate_fields_schema

ALL_KINDS = [
    FieldRow(name="summary", label="Summary", type="text", required=True, minimum=3, maximum=80, help_text="Short"),
    FieldRow(name="details", label="Details", type="textarea", maximum=2000),
    FieldRow(name="contact", label="Contact", type="email", required=True),
    FieldRow(name="due", label="Due date", type="date"),
    FieldRow(name="photo", label="Photo", type="file"),
    FieldRow(name="decision", label="Decision", type="choice", required=True, choices=["approve", "decline"]),
    FieldRow(name="quantity", label="Quantity", type="integer", minimum=1, maximum=500),
    FieldRow(name="price", label="Price", type="number", minimum=0.5),
    FieldRow(name="urgent", label="Urgent", type="boolean"),
    FieldRow(name="code", label="Code", type="text", pattern="^[A-Z]{3}$", pattern_message="Three capitals."),
    FieldRow(name="total", label="Total", type="number", minimum=0, decimal_places=2),
    FieldRow(name="finishes", label="Finishes", type="multichoice", choices=["matte", "gloss"], maximum=2),
    FieldRow(
        name="lines",
        label="Order lines",
        type="table",
        required=True,
        minimum=1,
        maximum=20,
        help_text="One line per fabric.",
        columns=[
            FieldRow(name="item", label="Item", type="text", required=True, maximum=100),
            FieldRow(name="meters", label="Meters", type="number", required=True, minimum=0.5, decimal_places=1),
            FieldRow(name="colour", label="Colour", type="choice", choices=["red", "blue"]),
            FieldRow(name="boxes", label="Boxes", type="integer", maximum=9),
            FieldRow(name="by", label="Wanted by", type="date"),
            FieldRow(name="contact", label="Contact", type="email"),
            FieldRow(name="gift", label="Gift", type="boolean"),
        ],
    ),
]


def test_rows_become_a_json_schema_in_display_order():
    schema = rows_to_schema(ALL_KINDS[:3] + ALL_KINDS[5:7])
    assert schema == {
        "type": "object",
        "properties": {
            "summary": {"type": "string", "title": "Summary", "description": "Short", "minLength": 3, "maxLength": 80},
            "details": {"type": "string", "title": "Details", "format": "textarea", "maxLength": 2000},
            "contact": {"type": "string", "title": "Contact", "format": "email"},
            "decision": {"type": "string", "title": "Decision", "enum": ["approve", "decline"]},
            "quantity": {"type": "integer", "title": "Quantity", "minimum": 1, "maximum": 500},
        },
        "required": ["summary", "contact", "decision"],
        "x-order": ["summary", "details", "contact", "decision", "quantity"],
    }


def test_every_field_type_round_trips():
    schema = rows_to_schema(ALL_KINDS)
    assert schema_to_rows(schema) == ALL_KINDS
    assert rows_to_schema(schema_to_rows(schema)) == schema


def test_reversed_order_round_trips():
    rows = list(reversed(ALL_KINDS))
    assert schema_to_rows(rows_to_schema(rows)) == rows


def test_no_rows_is_an_empty_object_schema_and_empty_schema_has_no_rows():
    assert rows_to_schema([]) == {"type": "object", "properties": {}}
    assert schema_to_rows({}) == []
    assert schema_to_rows(None) == []


def test_x_order_missing_falls_back_to_property_order():
    schema = {"type": "object", "properties": {"b": {"type": "boolean"}, "a": {"type": "string"}}}
    rows = schema_to_rows(schema)
    assert [(row.name, row.type, row.label) for row in rows] == [("b", "boolean", ""), ("a", "text", "")]


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "object", "properties": {"items": {"type": "array"}}},
        {"type": "object", "properties": {"x": {"type": "string", "format": "date", "pattern": "^a"}}},
        {"type": "object", "properties": {"x": {"type": "array", "items": {"type": "string", "enum": ["a"]}}}},
        {"type": "object", "properties": {"x": {"type": "array", "items": {"type": "integer", "enum": [1]}}}},
        {"type": "object", "properties": {"x": {"type": "array", "items": {"type": "object", "title": "Row"}}}},
        {
            "type": "object",
            "properties": {
                "x": {
                    "type": "array",
                    "items": {"type": "object", "properties": {"c": {"type": "string", "pattern": "^a"}}},
                }
            },
        },
        {
            "type": "object",
            "properties": {
                "x": {
                    "type": "array",
                    "items": {"type": "object", "properties": {"c": {"type": "string", "format": "file"}}},
                }
            },
        },
        {"type": "object", "properties": {"x": {"type": "integer", "enum": [1, 2]}}},
        {"type": "object", "properties": {}, "additionalProperties": False},
        {"type": "array"},
    ],
)
def test_schemas_beyond_the_rows_are_reported_as_unsupported(schema):
    with pytest.raises(UnsupportedSchema):
        schema_to_rows(schema)


def test_schema_field_types():
    assert schema_field_types(rows_to_schema(ALL_KINDS[5:])) == {
        "decision": "choice",
        "quantity": "integer",
        "price": "number",
        "urgent": "boolean",
        "code": "text",
        "total": "number",
        "finishes": "multichoice",
        "lines": "table",
    }
    assert schema_field_types({"properties": {"tags": {"type": "array"}}}) == {"tags": ""}


def test_tables_and_multi_choice_fields_become_arrays():
    schema = rows_to_schema(ALL_KINDS[-2:])
    assert schema["properties"]["finishes"] == {
        "type": "array",
        "title": "Finishes",
        "items": {"type": "string", "enum": ["matte", "gloss"]},
        "uniqueItems": True,
        "maxItems": 2,
    }
    lines = schema["properties"]["lines"]
    assert lines["type"] == "array" and lines["minItems"] == 1 and lines["maxItems"] == 20
    assert lines["description"] == "One line per fabric."
    assert lines["items"]["required"] == ["item", "meters"]
    assert lines["items"]["x-order"] == ["item", "meters", "colour", "boxes", "by", "contact", "gift"]
    assert lines["items"]["properties"]["meters"] == {
        "type": "number",
        "title": "Meters",
        "minimum": 0.5,
        "x-decimal-places": 1,
    }
    assert lines["items"]["properties"]["item"] == {"type": "string", "title": "Item", "maxLength": 100}
    assert schema["required"] == ["lines"]


def test_the_builders_schemas_pass_the_validator():
    assert validate_fields_schema(rows_to_schema(ALL_KINDS)) == []


@pytest.mark.parametrize(
    ("operator", "value", "field_type", "rule"),
    [
        ("equals", "approve", "choice", {"==": [{"var": "tasks.review.decision"}, "approve"]}),
        ("not_equals", "approve", None, {"!=": [{"var": "tasks.review.decision"}, "approve"]}),
        ("greater_than", "10", "integer", {">": [{"var": "tasks.review.decision"}, 10]}),
        ("less_than", "2.5", "number", {"<": [{"var": "tasks.review.decision"}, 2.5]}),
        ("at_least", "3", "number", {">=": [{"var": "tasks.review.decision"}, 3]}),
        ("at_most", "3", "integer", {"<=": [{"var": "tasks.review.decision"}, 3]}),
        ("is_one_of", "a, b,c", "choice", {"in": [{"var": "tasks.review.decision"}, ["a", "b", "c"]]}),
        ("is_true", None, "boolean", {"==": [{"var": "tasks.review.decision"}, True]}),
        ("is_false", None, "boolean", {"==": [{"var": "tasks.review.decision"}, False]}),
        ("is_empty", None, None, {"!": [{"var": "tasks.review.decision"}]}),
        ("is_not_empty", None, None, {"!!": [{"var": "tasks.review.decision"}]}),
    ],
)
def test_conditions_become_jsonlogic_and_back(operator, value, field_type, rule):
    assert condition_to_jsonlogic("tasks.review.decision", operator, value, field_type=field_type) == rule
    var, parsed_operator, parsed_value = jsonlogic_to_condition(rule)
    assert (var, parsed_operator) == ("tasks.review.decision", operator)
    assert condition_to_jsonlogic(var, parsed_operator, parsed_value) == rule


def test_every_operator_is_covered():
    assert len(CONDITION_OPERATORS) == 11


def test_values_are_coerced_by_field_type_and_bad_values_refused():
    assert condition_to_jsonlogic("ticket.ok", "equals", "yes", field_type="boolean") == {
        "==": [{"var": "ticket.ok"}, True]
    }
    assert condition_to_jsonlogic("ticket.code", "equals", "007") == {"==": [{"var": "ticket.code"}, "007"]}
    with pytest.raises(ValueError):
        condition_to_jsonlogic("ticket.qty", "greater_than", "many", field_type="integer")
    with pytest.raises(ValueError):
        condition_to_jsonlogic("ticket.qty", "resembles", "x")


@pytest.mark.parametrize(
    "rule",
    [
        {"and": [{"==": [{"var": "a"}, 1]}, {"==": [{"var": "b"}, 2]}]},
        {"==": [{"var": "a"}, {"var": "b"}]},
        {"==": [1, {"var": "a"}]},
        {"in": ["x", {"var": "a"}]},
        {"==": [{"var": "a"}, 1], "!=": [{"var": "b"}, 2]},
        "not a rule",
        {"var": "a"},
    ],
)
def test_complex_rules_are_left_to_raw_jsonlogic(rule):
    assert jsonlogic_to_condition(rule) is None


def test_simple_forms_of_var_are_understood():
    assert jsonlogic_to_condition({"!": {"var": "ticket.note"}}) == ("ticket.note", "is_empty", None)
    assert jsonlogic_to_condition({"==": [{"var": ["ticket.kind"]}, "x"]}) == ("ticket.kind", "equals", "x")


def test_condition_text_reads_as_a_sentence():
    assert condition_text({"==": [{"var": "tasks.approval.decision"}, "declined"]}) == (
        "approval.decision equals 'declined'"
    )
    assert condition_text(None) == "always"
    assert condition_text({"in": [{"var": "ticket.size"}, ["S", "M"]]}) == "ticket.size is one of 'S', 'M'"
    assert condition_text({"==": [{"var": "ticket.rush"}, True]}) == "ticket.rush is true"
    assert condition_text({">": [{"var": "ticket.qty"}, 3]}) == "ticket.qty greater than 3"
    assert condition_text({"or": [True, False]}) == '{"or":[true,false]}'


# --- Transforms ---------------------------------------------------------------------


def test_strict_comparisons_read_like_the_builders():
    assert condition_text({"===": [{"var": "tasks.gate.approved"}, True]}) == "gate.approved is true"
    assert condition_text({"!==": [{"var": "ticket.size"}, "S"]}) == "ticket.size not equals 'S'"


def test_the_arrows_own_task_fields_read_by_name_alone():
    rule = {"==": [{"var": "tasks.review.decision"}, "approve"]}
    assert condition_text(rule, own_task="review") == "decision equals 'approve'"
    assert condition_text(rule, own_task="other") == "review.decision equals 'approve'"
    assert condition_text({"!": [{"var": "ticket.review"}]}, own_task="review") == "ticket.review is empty"


def test_plain_copies_become_mapping_rows_in_order():
    transform = {"sku": {"var": "tasks.collect-items.sku"}, "quantity": {"var": "tasks.collect-items.quantity"}}
    assert mapping_rows_from_transform(transform) == [
        ("sku", "tasks.collect-items.sku"),
        ("quantity", "tasks.collect-items.quantity"),
    ]
    assert transform_from_mapping_rows(mapping_rows_from_transform(transform)) == transform


def test_no_transform_is_no_rows_and_no_rows_is_no_transform():
    assert mapping_rows_from_transform(None) == []
    assert mapping_rows_from_transform({}) == []
    assert transform_from_mapping_rows([]) is None


@pytest.mark.parametrize(
    "transform",
    [
        {"in_stock": {"!!": [{"var": "response.available"}]}},
        {"quantity": {"var": ["response.quantity", 0]}},
        {"quantity": {"var": "response.quantity"}, "total": {"*": [{"var": "response.price"}, 2]}},
        {"quantity": {"var": ""}},
        {"quantity": {"var": "x", "extra": 1}},
        {"Bad Name": {"var": "response.x"}},
        {"note": "a literal"},
        {"var": "ticket"},
        ["not", "an", "object"],
    ],
)
def test_anything_beyond_plain_copies_is_too_complex_for_rows(transform):
    assert mapping_rows_from_transform(transform) is None
