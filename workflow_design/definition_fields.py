"""The one table of definition fields: model attribute ⇄ bundle document key.

Each definition kind (workflow, task, arrow, ticket type, company role) lists its
fields once, here. Export (`to_doc`), import (`model_values`), the comparison of
a bundle with what is stored (`normalize`), the bundle's JSON Schema
(`bundle_schema.build_bundle_schema`), the services' editable fields and the task
and ticket-type forms all read these tables. Adding a task setting is: the model
field, one row in `TASK_FIELDS`, a migration (a test fails until the model and
the table agree).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django import forms

from users.models import Company, CompanyRole
from workflow_design.durations import format_iso_duration, parse_iso_duration
from workflow_design.form_fields import DurationChoiceField, key_field
from workflow_design.limits import MAX_ACTION_URL_LENGTH, MAX_PRIORITY, MAX_TIMEOUT_SECONDS, MIN_TIMEOUT_SECONDS
from workflow_design.models import Assignment, TaskType


@dataclass(frozen=True)
class ImportContext:
    """What turning documents into model values needs: the company's roles by folded name."""

    roles: dict[str, CompanyRole] = field(default_factory=dict)


def _same(value: Any) -> Any:
    return value


@dataclass(frozen=True)
class DefinitionField:
    """One field of a definition.

    - `doc`: its key in a bundle document; `attr`: the model attribute (default: the same).
    - `schema`: the JSON Schema of the document value; `required`: must appear in documents.
    - `default`: the document value when absent; `omit_empty`: export leaves an empty value out.
    - `to_doc` / `from_doc`: model value → document value → model value (valid documents only).
    - `canonical`: the document value export would write for an equivalent document value.
    - `form_field`: the editor's form field for it (None: not edited in a form, or by a builder).
    - `editable`: services may change it after creation.
    """

    doc: str
    schema: dict[str, Any]
    attr: str = ""
    required: bool = False
    default: Any = None
    omit_empty: bool = False
    to_doc: Callable[[Any], Any] = _same
    from_doc: Callable[[Any, ImportContext], Any] = lambda value, context: value
    canonical: Callable[[Any], Any] | None = None
    form_field: Callable[[Company], forms.Field] | None = None
    editable: bool = True

    @property
    def name(self) -> str:
        return self.attr or self.doc

    def document_value(self, doc: dict) -> Any:
        return doc.get(self.doc, self.default)


class FieldTable(tuple):
    """The fields of one definition kind, in document order."""

    def __new__(cls, *fields: DefinitionField) -> FieldTable:
        return super().__new__(cls, fields)

    @property
    def attrs(self) -> list[str]:
        return [item.name for item in self]

    @property
    def editable_attrs(self) -> set[str]:
        return {item.name for item in self if item.editable}

    def to_doc(self, obj: Any, **values: Any) -> dict[str, Any]:
        """A stored object as a document (`values` supplies fields the object does not hold itself)."""
        doc = {}
        for item in self:
            value = values[item.doc] if item.doc in values else item.to_doc(getattr(obj, item.name))
            if item.omit_empty and not value:
                continue
            doc[item.doc] = value
        return doc

    def model_values(self, doc: dict, context: ImportContext, *, skip: Iterable[str] = ()) -> dict[str, Any]:
        """Model attribute values from a valid document."""
        return {item.name: item.from_doc(item.document_value(doc), context) for item in self if item.doc not in skip}

    def normalize(self, doc: dict, **values: Any) -> dict[str, Any]:
        """A valid document in the form export writes (defaults filled, canonical values)."""
        normal = {}
        for item in self:
            if item.doc in values:
                value = values[item.doc]
            else:
                value = item.document_value(doc)
                value = item.canonical(value) if item.canonical else value
            if item.omit_empty and not value:
                continue
            normal[item.doc] = value
        return normal

    def json_schema(self, *, title: str, extra: dict[str, Any] | None = None) -> dict[str, Any]:
        """The JSON Schema of a document of this kind (`extra`: properties not in the table)."""
        properties = {item.doc: item.schema for item in self}
        properties.update(extra or {})
        return {
            "title": title,
            "type": "object",
            "additionalProperties": False,
            "required": [item.doc for item in self if item.required],
            "properties": properties,
        }

    def form_fields(self, company: Company) -> dict[str, forms.Field]:
        return {item.name: item.form_field(company) for item in self if item.form_field is not None}


# --- Conversions ------------------------------------------------------------------------------


def _duration_to_doc(value: Any) -> str | None:
    return format_iso_duration(value) if value else None


def _duration_from_doc(value: Any, context: ImportContext) -> Any:
    return parse_iso_duration(value) if value else None


def _canonical_duration(value: Any) -> str | None:
    return format_iso_duration(parse_iso_duration(value)) if value else None


def _role_from_doc(value: Any, context: ImportContext) -> CompanyRole | None:
    return context.roles[value.casefold()] if value else None


def _roles_from_doc(value: Any, context: ImportContext) -> list[CompanyRole]:
    return [context.roles[name.casefold()] for name in value or []]


def _text(max_length: int | None = None, *, rows: int | None = None, **kwargs: Any) -> Callable:
    def make(company: Company) -> forms.Field:
        widget = forms.Textarea(attrs={"rows": rows}) if rows else None
        return forms.CharField(max_length=max_length, widget=widget, **kwargs)

    return make


def _assignee_role_field(company: Company) -> forms.Field:
    return forms.ModelChoiceField(
        queryset=CompanyRole.objects.for_company(company).order_by("name"),
        required=False,
        label="Assignee company role",
        empty_label="Any task worker",
    )


def _allowed_roles_field(company: Company) -> forms.Field:
    return forms.ModelMultipleChoiceField(
        queryset=CompanyRole.objects.for_company(company).order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Who may submit",
        help_text="Leave all unticked to let every submitter use it.",
    )


# --- Document parts shared by several kinds (their JSON Schema $defs) -------------------------

KEY = {"$ref": "#/$defs/key"}
TITLE = {"$ref": "#/$defs/title"}
TEXT = {"type": "string"}
EXT_REF = {"$ref": "#/$defs/ext_ref"}
FIELDS_SCHEMA = {"$ref": "#/$defs/fields_schema"}
TRANSFORM = {"$ref": "#/$defs/transform"}
DURATION = {"$ref": "#/$defs/duration"}


def _ext_ref_field() -> DefinitionField:
    return DefinitionField("ext_ref", EXT_REF, default=[], omit_empty=True, from_doc=lambda v, c: v or [])


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _title_field(**form_kwargs: Any) -> DefinitionField:
    return DefinitionField("title", TITLE, required=True, canonical=_strip, form_field=_text(255, **form_kwargs))


def _description_field(rows: int, help_text: str = "") -> DefinitionField:
    return DefinitionField(
        "description",
        TEXT,
        default="",
        canonical=_strip,
        form_field=_text(rows=rows, required=False, help_text=help_text),
    )


# --- The tables ---------------------------------------------------------------------------------

WORKFLOW_FIELDS = FieldTable(
    DefinitionField("key", KEY, required=True, editable=False),
    _title_field(),
    _description_field(rows=2),
    _ext_ref_field(),
)

TASK_FIELDS = FieldTable(
    DefinitionField(
        "key",
        KEY,
        required=True,
        form_field=lambda company: key_field(
            help_text="Conditions name this task's fields by key; made from the title if empty."
        ),
    ),
    _title_field(),
    _description_field(rows=2),
    _ext_ref_field(),
    DefinitionField(
        "type",
        {"enum": list(TaskType.values)},
        attr="task_type",
        required=True,
        form_field=lambda company: forms.ChoiceField(choices=TaskType.choices, label="Type", initial=TaskType.FORM),
    ),
    DefinitionField("input_schema", FIELDS_SCHEMA, default={}, from_doc=lambda v, c: v or {}),
    DefinitionField("output_schema", FIELDS_SCHEMA, default={}, from_doc=lambda v, c: v or {}),
    DefinitionField("input_transform", TRANSFORM),
    DefinitionField("output_transform", TRANSFORM),
    DefinitionField(
        "action_url",
        {"type": ["string", "null"], "maxLength": MAX_ACTION_URL_LENGTH},
        to_doc=lambda value: value or None,
        from_doc=lambda value, context: value or "",
        canonical=lambda value: value or None,
        form_field=lambda company: forms.CharField(
            max_length=MAX_ACTION_URL_LENGTH,
            required=False,
            label="Action URL",
            help_text="The http(s) address TicketFlower calls.",
        ),
    ),
    DefinitionField(
        "timeout_seconds",
        {"type": ["integer", "null"], "minimum": MIN_TIMEOUT_SECONDS, "maximum": MAX_TIMEOUT_SECONDS},
        form_field=lambda company: forms.IntegerField(
            required=False,
            min_value=MIN_TIMEOUT_SECONDS,
            max_value=MAX_TIMEOUT_SECONDS,
            label="Timeout (seconds)",
        ),
    ),
    DefinitionField(
        "assignee_role",
        {"type": ["string", "null"]},
        to_doc=lambda role: role.name if role else None,
        from_doc=_role_from_doc,
        form_field=_assignee_role_field,
    ),
    DefinitionField(
        "assignment",
        {
            "description": "least_loaded, pool, requester, or same_as:<task key>.",
            "type": "string",
            "pattern": r"^(least_loaded|pool|requester|same_as:[a-z0-9][a-z0-9_-]{0,79})(?![\s\S])",
        },
        default=Assignment.LEAST_LOADED,
        form_field=lambda company: forms.ChoiceField(
            choices=Assignment.choices,
            initial=Assignment.LEAST_LOADED,
            label="Who does it",
            help_text="Ties in the least-loaded choice go to whoever was assigned least recently.",
        ),
    ),
    DefinitionField(
        "remind_after",
        DURATION,
        to_doc=_duration_to_doc,
        from_doc=_duration_from_doc,
        canonical=_canonical_duration,
        form_field=lambda company: DurationChoiceField(label="Remind the assignee after"),
    ),
    DefinitionField(
        "escalate_after",
        DURATION,
        to_doc=_duration_to_doc,
        from_doc=_duration_from_doc,
        canonical=_canonical_duration,
        form_field=lambda company: DurationChoiceField(label="Escalate to ticket admins after"),
    ),
)

TRANSITION_FIELDS = FieldTable(
    DefinitionField(
        "from",
        {"description": "Task key, or null for the start.", "anyOf": [KEY, {"type": "null"}]},
        attr="from_task",
        required=True,
        to_doc=lambda task: task.key if task else None,
    ),
    DefinitionField(
        "to",
        {"description": "Task key, or null for the end.", "anyOf": [KEY, {"type": "null"}]},
        attr="to_task",
        required=True,
        to_doc=lambda task: task.key if task else None,
    ),
    DefinitionField("condition", {"$ref": "#/$defs/jsonlogic"}),
    DefinitionField(
        "priority",
        {"type": "integer", "minimum": -MAX_PRIORITY, "maximum": MAX_PRIORITY},
        default=0,
    ),
    DefinitionField("label", {"type": "string", "maxLength": 100}, default="", canonical=_strip),
)

TICKET_TYPE_FIELDS = FieldTable(
    DefinitionField("key", KEY, required=True, editable=False),
    _title_field(help_text="What people ask for, e.g. “Purchase request”."),
    _description_field(rows=3, help_text="Shown to submitters above the form."),
    _ext_ref_field(),
    DefinitionField("fields_schema", FIELDS_SCHEMA, default={}, from_doc=lambda v, c: v or {}),
    DefinitionField("workflow_key", KEY, required=True),
    DefinitionField(
        "allowed_roles",
        {"type": "array", "items": {"type": "string"}, "uniqueItems": True},
        default=[],
        to_doc=lambda roles: sorted(role.name for role in roles.all()),
        from_doc=_roles_from_doc,
        canonical=lambda names: sorted(names or []),
        form_field=_allowed_roles_field,
    ),
    DefinitionField(
        "requester_sets_priority",
        {"type": "boolean"},
        default=False,
        form_field=lambda company: forms.BooleanField(
            required=False,
            label="Submitters choose the priority",
            help_text="Off: every ticket starts at normal priority and ticket admins change it.",
        ),
    ),
)

COMPANY_ROLE_FIELDS = FieldTable(
    DefinitionField(
        "name",
        {"type": "string", "minLength": 1, "maxLength": 100, "pattern": r"^\S([\s\S]*\S)?(?![\s\S])"},
        required=True,
        canonical=_strip,
    ),
    DefinitionField("description", {"type": "string", "maxLength": 255}, default="", canonical=_strip),
)
