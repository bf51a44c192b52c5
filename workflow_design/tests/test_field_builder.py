"""The field builder on its own, as the ticket-type pages reuse it."""

import json

import pytest
from django.template.loader import render_to_string

from workflow_design.forms.field_builder import ColumnRowForm, FieldBuilder

SCHEMA = {
    "type": "object",
    "properties": {"amount": {"type": "integer", "title": "Amount", "minimum": 1}},
    "required": ["amount"],
    "x-order": ["amount"],
}


def post_data(builder: FieldBuilder, **changes) -> dict:
    """What the browser would send back for an untouched rendering of `builder`."""
    data = {
        f"{builder.prefix}-TOTAL_FORMS": str(len(builder.formset.initial or [])),
        f"{builder.prefix}-INITIAL_FORMS": str(len(builder.formset.initial or [])),
        f"{builder.prefix}-raw-raw": builder.raw_form["raw"].value(),
        f"{builder.prefix}-raw-original": builder.raw_form["original"].value(),
    }
    for index, initial in enumerate(builder.formset.initial or []):
        row_prefix = f"{builder.prefix}-{index}"
        columns = initial.get("columns") or []
        data[f"{row_prefix}-columns-TOTAL_FORMS"] = data[f"{row_prefix}-columns-INITIAL_FORMS"] = str(len(columns))
        for name, value in initial.items():
            if name == "columns":
                for column_index, column in enumerate(columns):
                    for column_name, column_value in ColumnRowForm.initial_for(column).items():
                        if column_value not in (None, False):
                            key = f"{row_prefix}-columns-{column_index}-{column_name}"
                            data[key] = "on" if column_value is True else str(column_value)
            elif value not in (None, False):
                data[f"{row_prefix}-{name}"] = "on" if value is True else str(value)
    data.update(changes)
    return data


def new_row(prefix: str, index: int, **fields) -> dict:
    """What the page posts for a row added at `index` (and its columns: `columns=[{...}, ...]`)."""
    columns = fields.pop("columns", [])
    data = {f"{prefix}-{index}-{name}": value for name, value in fields.items()}
    data[f"{prefix}-{index}-columns-TOTAL_FORMS"] = str(len(columns))
    data[f"{prefix}-{index}-columns-INITIAL_FORMS"] = "0"
    for column_index, column in enumerate(columns):
        for name, value in column.items():
            data[f"{prefix}-{index}-columns-{column_index}-{name}"] = value
    return data


def test_untouched_builder_gives_back_the_same_schema():
    shown = FieldBuilder(schema=SCHEMA, prefix="fields")
    builder = FieldBuilder(post_data(shown), schema=SCHEMA, prefix="fields")
    assert builder.is_valid(), builder.formset.errors
    assert builder.schema == SCHEMA and builder.source == "rows"


def test_removing_a_row_and_blank_rows():
    shown = FieldBuilder(schema=SCHEMA, prefix="fields")
    data = post_data(shown, **{"fields-0-DELETE": "on", "fields-TOTAL_FORMS": "2"})
    builder = FieldBuilder(data, schema=SCHEMA, prefix="fields")
    assert builder.is_valid()
    assert builder.schema == {"type": "object", "properties": {}}


def test_a_schema_the_rows_cannot_show_is_kept_as_raw_json():
    schema = {"type": "object", "properties": {"size": {"type": "string", "default": "M"}}}
    shown = FieldBuilder(schema=schema, prefix="fields")
    assert not shown.rows_supported and shown.raw_panel_open
    builder = FieldBuilder(post_data(shown), schema=schema, prefix="fields")
    assert builder.is_valid()
    assert builder.schema == schema and builder.source == "raw"


def test_invalid_raw_json_is_reported_not_raised():
    shown = FieldBuilder(schema=SCHEMA, prefix="fields")
    builder = FieldBuilder(post_data(shown, **{"fields-raw-raw": "{oops"}), schema=SCHEMA, prefix="fields")
    assert not builder.is_valid()
    assert "not valid JSON" in builder.raw_errors[0]
    builder = FieldBuilder(post_data(shown, **{"fields-raw-raw": json.dumps([1])}), schema=SCHEMA, prefix="fields")
    assert not builder.is_valid() and builder.raw_errors == ["The schema must be a JSON object."]


@pytest.mark.django_db
def test_the_include_renders_rows_and_the_add_button():
    html = render_to_string(
        "workflow_design/includes/field_builder.html", {"builder": FieldBuilder(schema=SCHEMA, prefix="fields")}
    )
    assert 'name="fields-0-name"' in html and 'value="amount"' in html
    assert 'hx-get="/design/fields/row/?prefix=fields"' in html and 'hx-include="#id_fields-TOTAL_FORMS"' in html
    assert "Raw JSON Schema (for experts)" in html


TABLE_SCHEMA = {
    "type": "object",
    "properties": {
        "lines": {
            "type": "array",
            "title": "Order lines",
            "items": {
                "type": "object",
                "properties": {
                    "item": {"type": "string", "title": "Item"},
                    "meters": {"type": "number", "title": "Meters", "minimum": 0.5, "x-decimal-places": 2},
                    "colour": {"type": "string", "title": "Colour", "enum": ["red", "blue"]},
                },
                "required": ["item", "meters"],
                "x-order": ["item", "meters", "colour"],
            },
            "minItems": 1,
        },
        "finishes": {
            "type": "array",
            "title": "Finishes",
            "items": {"type": "string", "enum": ["matte", "gloss"]},
            "uniqueItems": True,
        },
        "code": {"type": "string", "title": "Code", "pattern": "^[A-Z]+$", "x-pattern-message": "Capitals only."},
    },
    "required": ["lines"],
    "x-order": ["lines", "finishes", "code"],
}


def test_an_untouched_table_multi_choice_and_pattern_come_back_the_same():
    shown = FieldBuilder(schema=TABLE_SCHEMA, prefix="fields")
    assert shown.rows_supported
    builder = FieldBuilder(post_data(shown), schema=TABLE_SCHEMA, prefix="fields")
    assert builder.is_valid(), (builder.formset.errors, builder.errors_from_rows)
    assert builder.schema == TABLE_SCHEMA and builder.source == "rows"


def test_a_table_is_built_from_a_row_and_its_columns():
    shown = FieldBuilder(schema={}, prefix="fields")
    data = post_data(shown, **{"fields-TOTAL_FORMS": "1"})
    data.update(
        new_row(
            "fields",
            0,
            label="Order lines",
            type="table",
            required="on",
            minimum="1",
            maximum="20",
            columns=[
                {"label": "Item", "type": "text", "required": "on"},
                {"label": "Unit price", "type": "number", "minimum": "0", "decimal_places": "2"},
                {"label": "Removed", "type": "text", "DELETE": "on"},
                {"label": "", "name": ""},  # a blank column is left out
            ],
        )
    )
    builder = FieldBuilder(data, schema={}, prefix="fields")
    assert builder.is_valid(), (builder.formset.errors, builder.errors_from_rows)
    assert builder.schema["properties"]["order_lines"] == {
        "type": "array",
        "title": "Order lines",
        "items": {
            "type": "object",
            "properties": {
                "item": {"type": "string", "title": "Item"},
                "unit_price": {"type": "number", "title": "Unit price", "minimum": 0, "x-decimal-places": 2},
            },
            "required": ["item"],
            "x-order": ["item", "unit_price"],
        },
        "minItems": 1,
        "maxItems": 20,
    }


def test_a_multi_choice_field_is_built_from_a_row():
    data = post_data(FieldBuilder(schema={}, prefix="fields"), **{"fields-TOTAL_FORMS": "1"})
    data.update(new_row("fields", 0, label="Finishes", type="multichoice", choices="matte\ngloss", maximum="2"))
    builder = FieldBuilder(data, schema={}, prefix="fields")
    assert builder.is_valid(), builder.formset.errors
    assert builder.schema["properties"]["finishes"] == {
        "type": "array",
        "title": "Finishes",
        "items": {"type": "string", "enum": ["matte", "gloss"]},
        "uniqueItems": True,
        "maxItems": 2,
    }


def errors_for(*columns, **row) -> tuple[dict, list]:
    data = post_data(FieldBuilder(schema={}, prefix="fields"), **{"fields-TOTAL_FORMS": "1"})
    data.update(new_row("fields", 0, **{"label": "Lines", "type": "table", **row}, columns=list(columns)))
    builder = FieldBuilder(data, schema={}, prefix="fields")
    assert not builder.is_valid()
    form = builder.formset.forms[0]
    return form.errors, [form.errors for form in form.columns.forms]


def test_a_table_needs_columns_of_the_scalar_kinds_with_distinct_names():
    errors, _ = errors_for()
    assert errors["__all__"] == ["A table needs at least one column: add a column."]
    errors, columns = errors_for({"label": "Sub", "type": "table"})
    assert errors["__all__"] == ["Fix the columns of this table below."]
    assert "Select a valid choice" in columns[0]["type"][0]
    _, columns = errors_for({"label": "Item"}, {"label": "Item"})
    assert columns[1]["name"] == ["Another column is already called “item”."]
    _, columns = errors_for({"label": "Colour", "type": "choice"})
    assert columns[0]["choices"] == ["A choice field needs at least one choice (one per line)."]


def test_rows_of_a_table_are_whole_numbers_up_to_the_limit():
    errors, _ = errors_for({"label": "Item"}, minimum="1.5", maximum="101")
    assert errors["minimum"] == ["A number of rows, from 0 to 100."]
    assert errors["maximum"] == ["A number of rows, from 0 to 100."]


def test_a_bad_pattern_is_refused_next_to_it():
    data = post_data(FieldBuilder(schema={}, prefix="fields"), **{"fields-TOTAL_FORMS": "1"})
    data.update(new_row("fields", 0, label="Code", type="text", pattern="([A-Z]", pattern_message="Capitals"))
    builder = FieldBuilder(data, schema={}, prefix="fields")
    assert not builder.is_valid()
    assert builder.formset.forms[0].errors["pattern"][0].startswith("Not a valid regular expression: missing )")


def test_settings_of_another_type_are_dropped_when_the_type_changes():
    data = post_data(FieldBuilder(schema={}, prefix="fields"), **{"fields-TOTAL_FORMS": "1"})
    data.update(new_row("fields", 0, label="Amount", type="integer", pattern="^a", decimal_places="2", choices="x"))
    builder = FieldBuilder(data, schema={}, prefix="fields")
    assert builder.is_valid(), builder.formset.errors
    assert builder.schema["properties"]["amount"] == {"type": "integer", "title": "Amount"}


@pytest.mark.django_db
def test_a_table_row_renders_its_columns_and_a_template_for_more():
    html = render_to_string(
        "workflow_design/includes/field_builder.html", {"builder": FieldBuilder(schema=TABLE_SCHEMA, prefix="fields")}
    )
    assert 'name="fields-0-columns-TOTAL_FORMS" value="3"' in html
    assert 'name="fields-0-columns-1-name"' in html and 'value="meters"' in html
    assert 'name="fields-0-columns-__prefix__-label"' in html  # the <template> row "Add a column" clones
    assert html.count("data-add-row") == 3  # one "Add a column" per field row
    assert 'name="fields-2-pattern"' in html and 'value="^[A-Z]+$"' in html
