"""Tables, multi-choice, patterns, exclusive bounds and decimal places in the fields-schema subset."""

import pytest

from workflow_design.problems import Problem
from workflow_design.validation import validate_fields_schema
from workflow_design.validation.fields_schema import FieldsDataValidator, decimal_places

LINES = {
    "type": "array",
    "title": "Order lines",
    "items": {
        "type": "object",
        "properties": {
            "item": {"type": "string", "title": "Item", "maxLength": 200},
            "meters": {"type": "number", "title": "Meters", "exclusiveMinimum": 0, "x-decimal-places": 2},
            "unit_price": {"type": "number", "title": "Unit price", "minimum": 0, "x-decimal-places": 2},
            "colour": {"type": "string", "title": "Colour", "enum": ["red", "blue"]},
            "wanted_by": {"type": "string", "title": "Wanted by", "format": "date"},
            "boxes": {"type": "integer", "title": "Boxes", "minimum": 1},
            "gift": {"type": "boolean", "title": "Gift wrap"},
        },
        "required": ["item", "meters"],
        "x-order": ["item", "meters", "unit_price", "colour", "wanted_by", "boxes", "gift"],
    },
    "minItems": 1,
    "maxItems": 50,
}
TAGS = {
    "type": "array",
    "title": "Finishes",
    "items": {"type": "string", "enum": ["matte", "gloss", "foil"]},
    "uniqueItems": True,
    "minItems": 1,
    "maxItems": 2,
}
CODE = {"type": "string", "title": "Code", "pattern": "^[A-Z]{3}-[0-9]+$", "x-pattern-message": "Like ABC-123."}


def schema_with(**fields) -> dict:
    return {"type": "object", "properties": fields}


def problems_of(**fields) -> list[tuple[str, str]]:
    return [(problem.path, problem.message) for problem in validate_fields_schema(schema_with(**fields), "fs")]


def test_tables_multi_choice_patterns_and_exclusive_bounds_are_supported():
    assert (
        validate_fields_schema(
            schema_with(
                lines=LINES,
                finishes=TAGS,
                code=CODE,
                ratio={"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1},
                count={"type": "integer", "exclusiveMaximum": 10},
                price={"type": "number", "minimum": 0, "x-decimal-places": 2},
                optional_tags={"type": "array", "items": {"type": "string", "enum": ["a"]}, "uniqueItems": True},
            )
        )
        == []
    )


@pytest.mark.parametrize(
    ("field", "where", "message"),
    [
        (
            {"type": "array"},
            "fs.properties.lines.items",
            "Field 'lines': a list field needs items: a table has",
        ),
        (
            {"type": "array", "items": []},
            "fs.properties.lines.items",
            "Field 'lines': items must be an object, not a list",
        ),
        (
            {"type": "array", "items": {"type": "integer"}},
            "fs.properties.lines.items.type",
            "Field 'lines': a table has",
        ),
        (
            {"type": "array", "items": {"type": "object"}},
            "fs.properties.lines.items.properties",
            "Field 'lines': a table needs its columns",
        ),
        (
            {"type": "array", "items": {"type": "object", "properties": {"x": {"type": "object"}}}},
            "fs.properties.lines.items.properties.x.type",
            "Field 'lines', column 'x': type 'object' is not supported in a table; use string, integer, number or "
            "boolean.",
        ),
        (
            {"type": "array", "items": {"type": "object", "properties": {"x": {"type": "array", "items": {}}}}},
            "fs.properties.lines.items.properties.x.type",
            "Field 'lines', column 'x': type 'array' is not supported in a table",
        ),
        (
            {"type": "array", "items": {"type": "object", "properties": {"x": {"type": "string", "format": "file"}}}},
            "fs.properties.lines.items.properties.x.format",
            "Field 'lines', column 'x': format 'file' is not supported in a table column; use email or date.",
        ),
        (
            {"type": "array", "items": {"type": "object", "properties": {"x": {"type": "string", "default": "a"}}}},
            "fs.properties.lines.items.properties.x.default",
            "Field 'lines', column 'x': keyword 'default' is not supported for a string column",
        ),
        (
            {"type": "array", "items": {"type": "object", "properties": {"Bad": {"type": "string"}}}},
            "fs.properties.lines.items.properties.Bad",
            "Field 'lines', column 'Bad': the name must start with a lower-case letter",
        ),
        (
            {"type": "array", "items": {"type": "object", "properties": {"x": {"type": "string"}}, "required": ["y"]}},
            "fs.properties.lines.items.required[0]",
            "'required' names column 'y', which does not exist.",
        ),
        (
            {"type": "array", "items": {"type": "object", "properties": {"x": {"type": "string"}}, "title": "Row"}},
            "fs.properties.lines.items.title",
            "Field 'lines': keyword 'title' is not supported in a table's items",
        ),
        (
            {
                "type": "array",
                "items": {"type": "object", "properties": {f"c{i}": {"type": "string"} for i in range(9)}},
            },
            "fs.properties.lines.items.properties",
            "Field 'lines': a table has at most 8 columns.",
        ),
        (
            {
                "type": "array",
                "items": {"type": "object", "properties": {"x": {"type": "string"}}},
                "uniqueItems": True,
            },
            "fs.properties.lines.uniqueItems",
            "Field 'lines': uniqueItems is only for multi-choice fields.",
        ),
        (
            {**LINES, "minItems": 5, "maxItems": 2},
            "fs.properties.lines.minItems",
            "Field 'lines': minItems is greater than maxItems.",
        ),
        ({**LINES, "maxItems": 101}, "fs.properties.lines.maxItems", "Field 'lines': maxItems must be whole numbers"),
        ({**LINES, "minItems": -1}, "fs.properties.lines.minItems", "Field 'lines': minItems must be whole numbers"),
        ({**LINES, "default": []}, "fs.properties.lines.default", "Field 'lines': keyword 'default' is not supported"),
    ],
)
def test_a_malformed_table_is_refused_at_its_path(field, where, message):
    problems = problems_of(lines=field)
    assert len(problems) == 1, problems
    assert problems[0][0] == where
    assert problems[0][1].startswith(message), problems[0][1]


@pytest.mark.parametrize(
    ("field", "where", "message"),
    [
        (
            {"type": "array", "items": {"type": "string", "enum": "matte"}, "uniqueItems": True},
            "fs.properties.tags.items.enum",
            "Field 'tags': the choices (enum) must be a non-empty list of strings.",
        ),
        (
            {"type": "array", "items": {"type": "string"}, "uniqueItems": True},
            "fs.properties.tags.items.enum",
            "Field 'tags': a multi-choice field needs its choices (enum).",
        ),
        (
            {"type": "array", "items": {"type": "string", "enum": ["a"]}},
            "fs.properties.tags.uniqueItems",
            "Field 'tags': a multi-choice field needs \"uniqueItems\": true (each choice at most once).",
        ),
        (
            {"type": "array", "items": {"type": "string", "enum": ["a"], "maxLength": 3}, "uniqueItems": True},
            "fs.properties.tags.items.maxLength",
            "Field 'tags': keyword 'maxLength' is not supported in a multi-choice field's items; use type and enum.",
        ),
        (
            {**TAGS, "minItems": 4, "maxItems": 5},
            "fs.properties.tags.minItems",
            "Field 'tags': minItems is more than the 3 choices.",
        ),
    ],
)
def test_a_malformed_multi_choice_field_is_refused_at_its_path(field, where, message):
    assert problems_of(tags=field) == [(where, message)]


@pytest.mark.parametrize(
    ("field", "where", "message"),
    [
        (
            {"type": "string", "pattern": "(unclosed"},
            "fs.properties.code.pattern",
            "Field 'code': pattern is not a valid regular expression (missing ), unterminated subpattern at "
            "position 0).",
        ),
        (
            {"type": "string", "pattern": 7},
            "fs.properties.code.pattern",
            "Field 'code': pattern must be a regular expression, as text.",
        ),
        (
            {"type": "string", "pattern": "a" * 301},
            "fs.properties.code.pattern",
            "Field 'code': pattern is longer than 300 characters.",
        ),
        (
            {"type": "string", "x-pattern-message": "Like ABC-123."},
            "fs.properties.code.x-pattern-message",
            "Field 'code': x-pattern-message only goes with a pattern.",
        ),
        (
            {"type": "string", "pattern": "^a", "x-pattern-message": " "},
            "fs.properties.code.x-pattern-message",
            "Field 'code': x-pattern-message must be text of 1 to 200 characters.",
        ),
        (
            {"type": "number", "exclusiveMinimum": "0"},
            "fs.properties.code.exclusiveMinimum",
            "Field 'code': exclusiveMinimum must be a number.",
        ),
        (
            {"type": "integer", "exclusiveMaximum": True},
            "fs.properties.code.exclusiveMaximum",
            "Field 'code': exclusiveMaximum must be a number.",
        ),
        (
            {"type": "number", "exclusiveMinimum": 5, "maximum": 5},
            "fs.properties.code.exclusiveMinimum",
            "Field 'code': no number fits between exclusiveMinimum 5 and maximum 5.",
        ),
        (
            {"type": "number", "minimum": 1, "exclusiveMaximum": 0.5},
            "fs.properties.code.minimum",
            "Field 'code': no number fits between minimum 1 and exclusiveMaximum 0.5.",
        ),
        (
            {"type": "number", "x-decimal-places": 1.5},
            "fs.properties.code.x-decimal-places",
            "Field 'code': x-decimal-places must be a whole number from 0 to 6.",
        ),
        (
            {"type": "integer", "x-decimal-places": 2},
            "fs.properties.code.x-decimal-places",
            "Field 'code': keyword 'x-decimal-places' is not supported for a integer field; use default, description, "
            "exclusiveMaximum, exclusiveMinimum, maximum, minimum, title.",
        ),
        (
            {"type": "number", "multipleOf": 0.01},
            "fs.properties.code.multipleOf",
            "Field 'code': keyword 'multipleOf' is not supported for a number field",
        ),
    ],
)
def test_patterns_bounds_and_decimal_places_are_checked_at_design_time(field, where, message):
    problems = problems_of(code=field)
    assert len(problems) == 1, problems
    assert problems[0][0] == where
    assert problems[0][1].startswith(message), problems[0][1]


def test_a_column_is_checked_like_a_field():
    lines = {
        "type": "array",
        "items": {"type": "object", "properties": {"price": {"type": "number", "minimum": 5, "maximum": 1}}},
    }
    assert problems_of(lines=lines) == [
        (
            "fs.properties.lines.items.properties.price.minimum",
            "Field 'lines', column 'price': minimum is greater than maximum.",
        )
    ]


@pytest.mark.parametrize(
    ("number", "places"), [(20, 0), (19.9, 1), (19.99, 2), (0.1 + 0.2, 17), (1e-7, 7), (1e20, 0), (2.50, 1)]
)
def test_decimal_places_are_counted_as_written(number, places):
    assert decimal_places(number) == places


def test_the_data_validator_knows_decimal_places_and_the_rest_of_the_subset():
    schema = schema_with(lines=LINES, finishes=TAGS, code=CODE)
    validator = FieldsDataValidator(schema)
    good = {
        "lines": [{"item": "Silk", "meters": 2.5, "unit_price": 19.99, "gift": False}],
        "finishes": ["matte", "foil"],
        "code": "ABC-12",
    }
    assert list(validator.iter_errors(good)) == []
    bad = {
        "lines": [{"item": "Silk", "meters": 0, "unit_price": 19.999}],
        "finishes": ["matte", "matte", "gloss"],
        "code": "abc",
    }
    found = sorted((list(error.absolute_path), error.validator) for error in validator.iter_errors(bad))
    assert found == [
        (["code"], "pattern"),
        (["finishes"], "maxItems"),
        (["finishes"], "uniqueItems"),
        (["lines", 0, "meters"], "exclusiveMinimum"),
        (["lines", 0, "unit_price"], "x-decimal-places"),
    ]


def test_problem_paths_use_the_callers_prefix():
    assert validate_fields_schema(schema_with(t={"type": "array"}), "ticket_definitions[0].fields_schema")[0] == (
        Problem(
            "ticket_definitions[0].fields_schema.properties.t.items",
            validate_fields_schema(schema_with(t={"type": "array"}))[0].message,
        )
    )
