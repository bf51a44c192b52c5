"""The JSON Schema of a `ticketflower/v1` bundle, built from the field table.

`bundle_schema.json` beside this module is the same schema written out for tools
(a test keeps the file equal to `build_bundle_schema()`; `make bundle-schema`
rewrites it). Shape is checked only with this schema; the semantic rules (graph,
JsonLogic variables, roles) are in `workflow_design.validation`.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from workflow_design.definition_fields import (
    COMPANY_ROLE_FIELDS,
    TASK_FIELDS,
    TICKET_TYPE_FIELDS,
    TRANSITION_FIELDS,
    WORKFLOW_FIELDS,
)
from workflow_design.limits import KEY_JSON_PATTERN

BUNDLE_FORMAT = "ticketflower/v1"
BUNDLE_SCHEMA_PATH = Path(__file__).with_name("bundle_schema.json")


def build_bundle_schema() -> dict[str, Any]:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://ticketflower.example/schemas/bundle-v1.json",
        "title": "TicketFlower definition bundle (ticketflower/v1)",
        "description": (
            "Company roles, workflows and ticket definitions in one document. Shape only: the semantic rules "
            "(graph, JsonLogic variables, roles) are in docs/bundle-format.md. Generated from "
            "workflow_design/definition_fields.py."
        ),
        "type": "object",
        "additionalProperties": False,
        "required": ["format"],
        "properties": {
            "format": {"const": BUNDLE_FORMAT},
            "exported_at": {"type": "string"},
            "company_roles": {"type": "array", "items": {"$ref": "#/$defs/company_role"}},
            "workflows": {"type": "array", "items": {"$ref": "#/$defs/workflow"}},
            "ticket_definitions": {"type": "array", "items": {"$ref": "#/$defs/ticket_definition"}},
        },
        "$defs": {
            "key": {"type": "string", "pattern": KEY_JSON_PATTERN},
            "title": {"type": "string", "pattern": r"\S", "maxLength": 255},
            "ext_ref": {
                "type": "array",
                "items": {
                    "title": "a reference",
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["label", "uri"],
                    "properties": {
                        "label": {"type": "string"},
                        "description": {"type": "string"},
                        "uri": {"type": "string"},
                    },
                },
            },
            "fields_schema": {
                "description": "A JSON Schema in the supported subset (see docs/bundle-format.md, 'Fields schemas').",
                "type": "object",
            },
            "jsonlogic": {"description": "A JsonLogic rule (checked by the semantic rules)."},
            "transform": {"description": "Output field name -> JsonLogic rule.", "type": ["object", "null"]},
            "duration": {
                "description": "ISO 8601 duration in days, hours, minutes, seconds: PT6H, P1D, P1DT12H.",
                "type": ["string", "null"],
            },
            "company_role": COMPANY_ROLE_FIELDS.json_schema(title="a company role"),
            "task": TASK_FIELDS.json_schema(title="a task"),
            "transition": TRANSITION_FIELDS.json_schema(title="an arrow"),
            "workflow": WORKFLOW_FIELDS.json_schema(
                title="a workflow",
                extra={
                    "tasks": {"type": "array", "items": {"$ref": "#/$defs/task"}},
                    "transitions": {"type": "array", "items": {"$ref": "#/$defs/transition"}},
                },
            )
            | {"required": ["key", "title", "tasks", "transitions"]},
            "ticket_definition": TICKET_TYPE_FIELDS.json_schema(title="a ticket type"),
        },
    }


@cache
def bundle_schema() -> dict[str, Any]:
    return build_bundle_schema()


def bundle_schema_text() -> str:
    return json.dumps(build_bundle_schema(), indent=2, ensure_ascii=False) + "\n"
