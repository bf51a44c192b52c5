"""The field builder on its own, as the ticket-type pages reuse it."""

import json

import pytest
from django.template.loader import render_to_string

from workflow_design.forms.field_builder import FieldBuilder

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
        for name, value in initial.items():
            if value not in (None, False):
                data[f"{builder.prefix}-{index}-{name}"] = "on" if value is True else str(value)
    data.update(changes)
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
