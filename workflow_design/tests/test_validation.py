"""The one validator: a test per rule, each checking where the problem is and what it says."""

import copy
from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction

from workflow_design import services
from workflow_design.bundles import reference_bundle, reference_bundle_paths, validate_bundle
from workflow_design.durations import format_iso_duration, parse_iso_duration
from workflow_design.jsonlogic import known_variables, validate_jsonlogic
from workflow_design.models import DefinitionStatus, TaskType
from workflow_design.problems import Problem
from workflow_design.services import InvalidDefinition
from workflow_design.tests.factories import (
    TaskDefinitionFactory,
    TicketDefinitionFactory,
    WorkflowDefinitionFactory,
    WorkflowTransitionFactory,
    two_task_workflow,
)
from workflow_design.validation import (
    condition_problems,
    rule_scope,
    ticket_type_problems,
    validate_fields_schema,
    validate_ticket_type_doc,
    validate_workflow_doc,
    workflow_problems,
)

ROLES = {"Purchasing", "Supervisors"}
AMOUNT_SCHEMA = {
    "type": "object",
    "properties": {"amount": {"type": "number", "title": "Amount", "minimum": 0}},
    "required": ["amount"],
}


def task(key: str, **extra) -> dict:
    return {"key": key, "title": key.title(), "type": "FORM", **extra}


def workflow(**extra) -> dict:
    """quote -> approve -> end, with a decision loop back to quote."""
    doc = {
        "key": "procurement",
        "title": "Procurement",
        "tasks": [
            task("quote", output_schema=AMOUNT_SCHEMA, assignee_role="Purchasing", remind_after="PT6H"),
            task(
                "approve",
                output_schema={"type": "object", "properties": {"approved": {"type": "boolean"}}},
                assignee_role="Supervisors",
            ),
        ],
        "transitions": [
            {"from": None, "to": "quote"},
            {"from": "quote", "to": "approve"},
            {
                "from": "approve",
                "to": None,
                "condition": {"var": "tasks.approve.approved"},
                "priority": 0,
                "label": "Approved",
            },
            {"from": "approve", "to": "quote", "priority": 1, "label": "Declined"},
        ],
    }
    doc.update(extra)
    return doc


def check(doc: dict) -> list[Problem]:
    return validate_workflow_doc(doc, path="workflows[0]", company_role_names=ROLES)


def only(problems: list[Problem]) -> Problem:
    assert len(problems) == 1, problems
    return problems[0]


# --- Fields schemas ----------------------------------------------------------------------


def test_a_valid_schema_and_the_empty_schema_pass():
    assert validate_fields_schema({}) == []
    schema = {
        "type": "object",
        "title": "Quote",
        "properties": {
            "vendor": {"type": "string", "title": "Vendor", "minLength": 1, "maxLength": 80, "default": "Acme"},
            "kind": {"type": "string", "enum": ["a", "b"], "default": "a"},
            "notes": {"type": "string", "format": "textarea", "description": "Anything else"},
            "count": {"type": "integer", "minimum": 0, "maximum": 10, "default": 3},
            "rush": {"type": "boolean", "default": False},
        },
        "required": ["vendor"],
        "x-order": ["kind", "vendor"],
    }
    assert validate_fields_schema(schema) == []


def test_unsupported_field_type_names_the_field():
    schema = {"type": "object", "properties": {"amount": {"type": "object"}}}
    assert only(validate_fields_schema(schema, "workflows[0].tasks[2].output_schema")) == Problem(
        "workflows[0].tasks[2].output_schema.properties.amount.type",
        "Field 'amount': type 'object' is not supported; use string, integer, number, boolean or array.",
    )


def test_field_without_type():
    problem = only(validate_fields_schema({"type": "object", "properties": {"amount": {"title": "Amount"}}}))
    assert problem.path == "properties.amount.type"
    assert problem.message == "Field 'amount' needs a type: string, integer, number, boolean or array."


def test_unknown_field_keyword_names_field_and_keyword():
    schema = {"type": "object", "properties": {"amount": {"type": "number", "pattern": "x"}}}
    problem = only(validate_fields_schema(schema))
    assert problem.path == "properties.amount.pattern"
    assert problem.message.startswith("Field 'amount': keyword 'pattern' is not supported for a number field")


def test_unknown_schema_keyword():
    problem = only(validate_fields_schema({"type": "object", "properties": {}, "allOf": []}))
    assert problem.path == "allOf"
    assert "Schema keyword 'allOf' is not supported" in problem.message


def test_schema_must_be_an_object_schema():
    problem = only(validate_fields_schema({"type": "array"}, "fields_schema"))
    assert problem == Problem("fields_schema.type", 'A fields schema must have "type": "object".')


@pytest.mark.parametrize("name", ["Amount", "1st", "with-dash", "a" * 64])
def test_field_names_are_lower_snake_case(name):
    problem = only(validate_fields_schema({"type": "object", "properties": {name: {"type": "string"}}}))
    assert problem.path == f"properties.{name}"
    assert "the name must start with a lower-case letter" in problem.message


def test_string_format_must_be_supported():
    schema = {"type": "object", "properties": {"site": {"type": "string", "format": "uri"}}}
    problem = only(validate_fields_schema(schema))
    assert problem.path == "properties.site.format"
    assert problem.message == "Field 'site': format 'uri' is not supported; use textarea, email, date or file."


@pytest.mark.parametrize(
    ("enum", "message"),
    [
        ([], "Field 'kind': the choices (enum) must be a non-empty list of strings."),
        (["a", 1], "Field 'kind': the choices (enum) must be a non-empty list of strings."),
        (["a", "a"], "Field 'kind': the choices (enum) must not repeat."),
    ],
)
def test_enum_is_a_non_empty_list_of_unique_strings(enum, message):
    schema = {"type": "object", "properties": {"kind": {"type": "string", "enum": enum}}}
    assert only(validate_fields_schema(schema)) == Problem("properties.kind.enum", message)


def test_string_lengths_are_non_negative_and_ordered():
    schema = {"type": "object", "properties": {"code": {"type": "string", "minLength": -1}}}
    assert only(validate_fields_schema(schema)) == Problem(
        "properties.code.minLength", "Field 'code': minLength must be whole numbers ≥ 0."
    )
    schema = {"type": "object", "properties": {"code": {"type": "string", "minLength": 5, "maxLength": 2}}}
    assert only(validate_fields_schema(schema)) == Problem(
        "properties.code.minLength", "Field 'code': minLength is greater than maxLength."
    )


def test_number_bounds_are_ordered():
    schema = {"type": "object", "properties": {"n": {"type": "integer", "minimum": 5, "maximum": 1}}}
    assert only(validate_fields_schema(schema)) == Problem(
        "properties.n.minimum", "Field 'n': minimum is greater than maximum."
    )


def test_boolean_fields_take_no_bounds():
    schema = {"type": "object", "properties": {"ok": {"type": "boolean", "minimum": 1}}}
    assert only(validate_fields_schema(schema)).path == "properties.ok.minimum"


def test_default_must_match_the_type_and_the_choices():
    schema = {"type": "object", "properties": {"n": {"type": "integer", "default": "3"}}}
    assert only(validate_fields_schema(schema)) == Problem(
        "properties.n.default", "Field 'n': the default must be of type integer, not a string."
    )
    schema = {"type": "object", "properties": {"k": {"type": "string", "enum": ["a"], "default": "b"}}}
    assert only(validate_fields_schema(schema)) == Problem(
        "properties.k.default", "Field 'k': the default must be one of the choices."
    )


def test_required_names_existing_fields():
    schema = {"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a", "b"]}
    assert only(validate_fields_schema(schema)) == Problem(
        "required[1]", "'required' names field 'b', which does not exist."
    )


def test_x_order_names_existing_fields_once():
    schema = {"type": "object", "properties": {"a": {"type": "string"}}, "x-order": ["a", "a"]}
    assert only(validate_fields_schema(schema)) == Problem("x-order", "'x-order' lists a field more than once.")


# --- JsonLogic -----------------------------------------------------------------------------


def test_known_variables_cover_ticket_tasks_and_action_replies():
    variables = known_variables(ticket_fields=["amount"], task_outputs={"quote": ["vendor"]})
    assert variables == {"ticket.amount", "tasks.quote.vendor"}
    assert "ticket.*" in known_variables()
    assert {"response.*", "input.*"} <= known_variables(for_output_transform=True)


def test_valid_rules_pass():
    variables = {"ticket.amount", "tasks.quote.vendor", "response.*"}
    rule = {
        "and": [
            {">": [{"var": "ticket.amount"}, 100]},
            {"in": [{"var": ["tasks.quote.vendor", ""]}, ["Acme", "Globex"]]},
            {"!!": {"var": "response.items.0.sku"}},
            {"missing": ["ticket.amount"]},
            {"reduce": [{"var": "response.lines"}, {"+": [{"var": "current.price"}, {"var": "accumulator"}]}, 0]},
        ]
    }
    assert validate_jsonlogic(rule, variables=variables, path="c") == []
    assert validate_jsonlogic(True, variables=set(), path="c") == []


def test_unknown_operator_names_its_path():
    problem = only(validate_jsonlogic({"and": [{"eval": "x"}]}, variables=set(), path="transitions[3].condition"))
    assert problem == Problem("transitions[3].condition.and[0].eval", "Unknown JsonLogic operator 'eval'.")


def test_unknown_variable_names_its_path():
    problem = only(validate_jsonlogic({"==": [{"var": "tasks.quote.price"}, 1]}, variables={"ticket.*"}, path="c"))
    assert problem.path == "c.==[0].var"
    assert problem.message == "Unknown variable 'tasks.quote.price'; known: ticket fields: any (ticket.*)."


def test_wildcards_accept_names_below_the_prefix_only():
    assert validate_jsonlogic({"var": "ticket.customer.name"}, variables={"ticket.*"}, path="c") == []
    assert only(validate_jsonlogic({"var": "ticket"}, variables={"ticket.*"}, path="c")).path == "c.var"
    assert only(validate_jsonlogic({"var": "ticketx.a"}, variables={"ticket.*"}, path="c")).path == "c.var"


def test_rule_objects_have_one_operator():
    problem = only(validate_jsonlogic({"==": [1, 1], "!=": [1, 2]}, variables=set(), path="c"))
    assert problem == Problem("c", "A JsonLogic rule has exactly one operator, but this object has 2 keys.")


def test_variable_names_must_be_literal_strings():
    problem = only(validate_jsonlogic({"var": {"cat": ["ticket.", "a"]}}, variables={"ticket.*"}, path="c"))
    assert problem == Problem("c.var", "A variable name must be a literal string, not an object.")


def test_rules_must_be_plain_json():
    problem = only(validate_jsonlogic({"==": [float("nan"), 1]}, variables=set(), path="c"))
    assert problem.path == "c"
    assert "plain JSON" in problem.message


# --- Durations -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "delta"),
    [("PT6H", timedelta(hours=6)), ("P1D", timedelta(days=1)), ("P1DT2H30M", timedelta(days=1, minutes=150))],
)
def test_iso_durations_round_trip(text, delta):
    assert parse_iso_duration(text) == delta
    assert format_iso_duration(delta) == text


@pytest.mark.parametrize("text", ["6h", "P", "PT", "P1Y", "P1M", "PT1.5H", "-PT1H", "P1DT"])
def test_iso_duration_parser_is_strict(text):
    with pytest.raises(ValueError):
        parse_iso_duration(text)


# --- Workflow documents ---------------------------------------------------------------------


def test_a_valid_workflow_passes():
    assert check(workflow()) == []


def test_unknown_workflow_key():
    problem = only(check(workflow(colour="red")))
    assert problem.path == "workflows[0].colour"
    assert problem.message.startswith("Unknown key 'colour' in a workflow; allowed:")


def test_missing_required_keys():
    doc = workflow()
    del doc["title"]
    assert only(check(doc)) == Problem("workflows[0].title", "Required key 'title' is missing from a workflow.")


def test_wrong_types():
    doc = workflow()
    doc["tasks"][0]["timeout_seconds"] = "10"
    assert only(check(doc)) == Problem(
        "workflows[0].tasks[0].timeout_seconds", "'timeout_seconds' must be an integer or null, not a string."
    )


@pytest.mark.parametrize("key", ["Procurement", "-x", "has space", "a" * 81, ""])
def test_keys_are_slugs(key):
    problem = only(check(workflow(key=key)))
    assert problem.path == "workflows[0].key"
    assert "is not valid: use 1–80 lower-case letters" in problem.message


def test_task_keys_are_unique():
    doc = workflow()
    doc["tasks"].append(task("quote"))
    assert only(check(doc)) == Problem(
        "workflows[0].tasks[2]", "Task “Quote”: its key 'quote' is used by another task too; keys must be unique."
    )


def test_task_type_must_be_known():
    doc = workflow()
    doc["tasks"][0]["type"] = "EMAIL"
    assert only(check(doc)) == Problem(
        "workflows[0].tasks[0].type", "Task “Quote”: type 'EMAIL' is not one of FORM, SYNC_ACTION, ASYNC_ACTION."
    )


def test_task_schemas_are_validated_in_place():
    doc = workflow()
    doc["tasks"][1]["output_schema"]["properties"]["approved"]["type"] = "object"
    assert only(check(doc)).path == "workflows[0].tasks[1].output_schema.properties.approved.type"


def test_transitions_name_existing_tasks():
    doc = workflow()
    doc["transitions"][1]["to"] = "aprove"
    problems = check(doc)
    assert (
        Problem(
            "workflows[0].transitions[1].to", "Arrow from “Quote”: its 'to' names task 'aprove', which does not exist."
        )
        in problems
    )


def test_conditions_read_known_variables_only():
    doc = workflow()
    doc["transitions"][2]["condition"] = {"var": "tasks.approve.aproved"}
    problem = only(check(doc))
    assert problem.path == "workflows[0].transitions[2].condition.var"
    assert problem.message == (
        "Arrow “Approved” from “Approve”: unknown variable 'tasks.approve.aproved': "
        "task “Approve” has no output 'aproved' (its outputs: approved)."
    )


def test_exactly_one_start():
    doc = workflow()
    doc["transitions"].append({"from": None, "to": "approve"})
    assert only(check(doc)) == Problem(
        "workflows[0].transitions[4]", "The workflow has more than one start arrow; keep one."
    )
    doc["transitions"] = doc["transitions"][1:4]
    assert only(check(doc)) == Problem(
        "workflows[0].transitions", 'The workflow has no start: add one arrow from Start ("from": null).'
    )


def test_start_has_no_condition_and_leads_to_a_task():
    doc = workflow()
    doc["transitions"][0]["condition"] = {"var": "ticket.amount"}
    assert only(check(doc)) == Problem(
        "workflows[0].transitions[0].condition", "The start arrow (to “Quote”) cannot have a condition."
    )
    doc = workflow()
    doc["transitions"][0]["to"] = None
    assert Problem("workflows[0].transitions[0]", "The start arrow must lead to a task.") in check(doc)


def test_every_task_is_reachable():
    doc = workflow()
    doc["tasks"].append(task("orphan"))
    assert only(check(doc)) == Problem("workflows[0].tasks[2]", "Task “Orphan” cannot be reached from the start.")


def test_a_cycle_with_no_exit_names_its_tasks():
    doc = workflow()
    doc["transitions"][2]["to"] = "quote"
    assert only(check(doc)) == Problem(
        "workflows[0].transitions",
        'Tasks “Quote”, “Approve” loop with no way to finish; add an arrow to the end ("to": null) '
        "or to a task that finishes.",
    )


def test_a_workflow_needs_tasks():
    assert Problem("workflows[0].tasks", "The workflow has no tasks; add at least one.") in check(
        workflow(tasks=[], transitions=[])
    )


def action(**extra) -> dict:
    doc = workflow()
    doc["tasks"][0].update(type="SYNC_ACTION", action_url="https://stock.example/check", timeout_seconds=10)
    doc["tasks"][0].update(extra)
    return doc


def test_actions_need_an_http_url_and_a_timeout():
    assert check(action()) == []
    assert only(check(action(action_url="ftp://stock.example/"))) == Problem(
        "workflows[0].tasks[0].action_url",
        "Task “Quote”: the action URL 'ftp://stock.example/' cannot be used. Only http and https URLs can be called.",
    )
    assert only(check(action(action_url=None))) == Problem(
        "workflows[0].tasks[0].action_url", "Task “Quote” is an action; it needs an http(s) action_url."
    )
    assert only(check(action(timeout_seconds=None))) == Problem(
        "workflows[0].tasks[0].timeout_seconds", "Task “Quote” is an action; set timeout_seconds (1 to 60)."
    )


@pytest.mark.parametrize("timeout", [0, 61])
def test_action_timeout_is_one_to_sixty_seconds(timeout):
    assert only(check(action(timeout_seconds=timeout))) == Problem(
        "workflows[0].tasks[0].timeout_seconds",
        f"Task “Quote”: timeout_seconds must be between 1 and 60, not {timeout}.",
    )


def test_output_transforms_read_the_reply_and_fill_output_fields():
    assert check(action(output_transform={"amount": {"var": "response.total"}})) == []
    problem = only(check(action(output_transform={"price": {"var": "response.total"}})))
    assert problem.path == "workflows[0].tasks[0].output_transform.price"
    assert "field 'price' is not in the matching schema" in problem.message


def test_input_transforms_cannot_read_the_reply():
    doc = workflow()
    doc["tasks"][1]["input_transform"] = {"amount": {"var": "response.total"}}
    problem = only(check(doc))
    assert problem.path == "workflows[0].tasks[1].input_transform.amount.var"
    assert problem.message.startswith(
        "Task “Approve”: the input transform: unknown variable 'response.total'; known: task 'approve': approved; "
    )


def test_form_tasks_have_no_action_settings():
    doc = workflow()
    doc["tasks"][0]["action_url"] = "https://x.example/"
    assert only(check(doc)) == Problem(
        "workflows[0].tasks[0].action_url", "Task “Quote” is a FORM task; remove action_url (only actions have it)."
    )


def test_durations_are_iso_8601():
    doc = workflow()
    doc["tasks"][0]["remind_after"] = "6 hours"
    problem = only(check(doc))
    assert problem.path == "workflows[0].tasks[0].remind_after"
    assert problem.message.startswith("Task “Quote”: remind_after '6 hours' is not an ISO 8601 duration")


def test_escalation_comes_after_the_reminder():
    doc = workflow()
    doc["tasks"][0]["escalate_after"] = "PT1H"
    assert only(check(doc)) == Problem(
        "workflows[0].tasks[0].escalate_after", "Task “Quote”: escalate_after must not be shorter than remind_after."
    )


def test_assignee_role_must_be_known_case_insensitively():
    doc = workflow()
    doc["tasks"][0]["assignee_role"] = "purchasing"
    assert check(doc) == []
    doc["tasks"][0]["assignee_role"] = "Buyers"
    assert only(check(doc)) == Problem(
        "workflows[0].tasks[0].assignee_role",
        "Task “Quote”: company role 'Buyers' does not exist in this company or in the bundle's company_roles.",
    )


# --- Ticket definition documents --------------------------------------------------------------


def ticket(**extra) -> dict:
    return {
        "key": "purchase",
        "title": "Purchase",
        "fields_schema": AMOUNT_SCHEMA,
        "workflow_key": "procurement",
        "allowed_roles": ["Purchasing"],
        **extra,
    }


def check_ticket(doc: dict, workflow_docs: dict | None = None) -> list[Problem]:
    return validate_ticket_type_doc(
        doc,
        path="ticket_definitions[0]",
        workflow_keys={"procurement"},
        company_role_names=ROLES,
        workflow_docs=workflow_docs,
    )


def test_a_valid_ticket_definition_passes():
    assert check_ticket(ticket()) == []


def test_ticket_definition_workflow_must_exist():
    assert only(check_ticket(ticket(workflow_key="sales"))) == Problem(
        "ticket_definitions[0].workflow_key",
        "Ticket type 'purchase': workflow 'sales' is neither in the bundle nor published in this company.",
    )


def test_ticket_definition_roles_must_exist():
    problem = only(check_ticket(ticket(allowed_roles=["Purchasing", "Interns"])))
    assert problem.path == "ticket_definitions[0].allowed_roles[1]"
    assert "company role 'Interns' does not exist" in problem.message


def test_ticket_definition_schema_is_validated_in_place():
    doc = ticket(fields_schema={"type": "object", "properties": {"amount": {"type": "object"}}})
    assert only(check_ticket(doc)).path == "ticket_definitions[0].fields_schema.properties.amount.type"


def test_ticket_definition_has_the_fields_its_workflow_reads():
    flow = workflow()
    flow["transitions"][1]["condition"] = {">": [{"var": "ticket.budget"}, 0]}
    assert only(check_ticket(ticket(), {"procurement": flow})) == Problem(
        "ticket_definitions[0].fields_schema",
        "Ticket type 'purchase': its workflow 'procurement' reads ticket field(s) 'budget', "
        "which this ticket type does not have.",
    )


# --- Stored definitions ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_workflow_problems_locate_tasks_by_key_and_transitions_by_id():
    flow = WorkflowDefinitionFactory()
    quote = TaskDefinitionFactory(workflow=flow, key="quote", task_type=TaskType.SYNC_ACTION)
    WorkflowTransitionFactory(to_task=quote)
    loop = WorkflowTransitionFactory(from_task=quote, to_task=quote, condition={"var": "tasks.quote.nope"})

    problems = workflow_problems(flow)

    assert (
        Problem(
            "tasks.quote.action_url",
            f"Task “{quote.title}” is an action; it needs an http(s) action_url.",
            task_key="quote",
        )
        in problems
    )
    by_transition = [problem for problem in problems if problem.transition_id == loop.pk]
    assert [problem.path for problem in by_transition] == ["transitions[1].condition.var"]
    assert any(problem.message.startswith(f"Tasks “{quote.title}” loop with no way to finish") for problem in problems)


@pytest.mark.django_db
def test_the_database_refuses_durations_the_validator_refuses():
    for durations in (
        {"remind_after": timedelta(hours=6), "escalate_after": timedelta(hours=1)},
        {"remind_after": timedelta(0)},
        {"escalate_after": timedelta(seconds=-5)},
        {"timeout_seconds": 61},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            TaskDefinitionFactory(**durations)


@pytest.mark.django_db
def test_ticket_definition_needs_a_published_workflow_of_its_own_company(other_tenant):
    ticket_definition = TicketDefinitionFactory(workflow_key="support")
    WorkflowDefinitionFactory(company=other_tenant.company, key="support", status=DefinitionStatus.PUBLISHED)
    draft = WorkflowDefinitionFactory(company=ticket_definition.company, key="support")

    assert ticket_type_problems(ticket_definition) == [
        Problem("workflow_key", "Workflow 'support' has no published version in this company; publish it first.")
    ]

    WorkflowTransitionFactory(to_task__workflow=draft)
    draft.status = DefinitionStatus.PUBLISHED
    draft.save()
    assert ticket_type_problems(ticket_definition) == []


def test_validators_do_not_mutate_their_input():
    doc = workflow()
    before = copy.deepcopy(doc)
    check(doc)
    assert doc == before


def test_an_arrow_after_one_without_condition_is_never_taken_and_said_so():
    from workflow_design.validation import validate_workflow_doc

    doc = {
        "key": "loop",
        "title": "Loop",
        "tasks": [
            {"key": "a", "title": "A", "type": "FORM"},
            {"key": "b", "title": "B", "type": "FORM"},
        ],
        "transitions": [
            {"from": None, "to": "a"},
            {"from": "a", "to": "b", "priority": 0},
            {"from": "a", "to": None, "priority": 1, "label": "Done"},
            {"from": "b", "to": "a"},
        ],
    }
    problems = {
        problem.path: problem.message for problem in validate_workflow_doc(doc, path="", company_role_names=set())
    }
    assert "never taken" in problems["transitions[2]"]
    # Without the shadowed exit, a and b loop forever, and that is said too.
    assert "loop with no way to finish" in problems["transitions"]


# --- Review fixes ---------------------------------------------------------------------------------


def test_a_literal_false_condition_is_a_condition_not_always():
    doc = workflow()
    # approve -> quote when never (a switched-off arrow), then the usual ones.
    doc["transitions"][2:] = [
        {"from": "approve", "to": "quote", "condition": False, "priority": 0},
        {"from": "approve", "to": None, "condition": {"var": "tasks.approve.approved"}, "priority": 1, "label": "Yes"},
        {"from": "approve", "to": "quote", "priority": 2, "label": "Declined"},
    ]
    assert check(doc) == []


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/",
        "http://metadata.google.internal/",
        "http://127.0.0.1:8000/x",
        "http://[::1]/",
        "http://10.0.0.1/",
        "http://0x7f000001/",
        "http://2130706433/",
        "http://user:pw@127.0.0.1@evil.example/",
    ],
)
def test_action_urls_reaching_inside_are_refused_unless_allowed(url, settings):
    assert [problem.path for problem in check(action(action_url=url))] == ["workflows[0].tasks[0].action_url"]
    settings.ACTIONS_ALLOW_PRIVATE_TARGETS = True
    if "@" not in url:
        assert check(action(action_url=url)) == []


@pytest.mark.parametrize("uri", ["javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,x", "//evil.example"])
def test_links_to_outside_documents_are_http_only(uri):
    doc = workflow(ext_ref=[{"label": "Policy", "uri": uri}])
    assert [problem.path for problem in check(doc)] == ["workflows[0].ext_ref[0].uri"]
    doc["ext_ref"][0]["uri"] = "https://intranet.example/policy"
    assert check(doc) == []


def test_an_arrow_to_end_names_the_outcome():
    doc = workflow()
    doc["transitions"][2]["label"] = "  "
    assert only(check(doc)) == Problem(
        "workflows[0].transitions[2].label",
        "Arrow from “Approve” to End needs a label: it becomes the ticket's outcome (for example “Approved”).",
    )


@pytest.mark.parametrize(
    ("assignment", "message"),
    [
        ("same_as:nowhere", "Task “Approve” goes to whoever did task 'nowhere', which does not exist."),
        ("same_as:approve", "Task “Approve” cannot go to whoever did itself"),
        ("cleverest", "Task “Approve”: assignment 'cleverest' is not one of least_loaded, pool, requester"),
    ],
)
def test_assignment_modes_name_what_exists(assignment, message):
    doc = workflow()
    doc["tasks"][1]["assignment"] = assignment
    problem = only(check(doc))
    assert problem.path == "workflows[0].tasks[1].assignment"
    assert problem.message.startswith(message) or message in problem.message


@pytest.mark.parametrize("assignment", ["least_loaded", "pool", "requester", "same_as:quote"])
def test_every_assignment_mode_is_valid(assignment):
    doc = workflow()
    doc["tasks"][1]["assignment"] = assignment
    assert check(doc) == []


# --- Conditions on fields with choices ----------------------------------------------------------

REVIEW_SCHEMA = {
    "type": "object",
    "properties": {
        "decision": {"type": "string", "title": "Decision", "enum": ["approve", "reject"]},
        "note": {"type": "string", "title": "Note"},
    },
    "required": ["decision"],
}


def review_flow(*arrows: dict, schema: dict | None = None) -> dict:
    """Start -> review -> (the given arrows) ; invoice -> end."""
    return {
        "key": "approval",
        "title": "Approval",
        "tasks": [
            task("review", output_schema=schema or REVIEW_SCHEMA),
            {**task("invoice"), "title": "Send the invoice"},
        ],
        "transitions": [
            {"from": None, "to": "review"},
            *arrows,
            {"from": "invoice", "to": None, "label": "Invoiced"},
        ],
    }


def when(rule, *, to="invoice", label="Approved", priority=0) -> dict:
    return {"from": "review", "to": to, "condition": rule, "priority": priority, "label": label}


OTHERWISE = {"from": "review", "to": None, "priority": 10, "label": "Otherwise"}
DECISION = {"var": "tasks.review.decision"}


def check_flow(doc: dict, ticket_types: list | None = None) -> list[Problem]:
    return validate_workflow_doc(doc, path="workflows[0]", company_role_names=ROLES, ticket_types=ticket_types)


def test_a_comparison_with_a_value_that_is_not_a_choice_is_refused_at_the_rule():
    problem = only(check_flow(review_flow(when({"==": [DECISION, "Approve"]}), OTHERWISE)))
    assert problem == Problem(
        "workflows[0].transitions[1].condition",
        "Arrow “Approved” from “Review”: review.decision has the choices approve, reject; 'Approve' is not one "
        "of them (did you mean 'approve'?), so this arrow can never be taken.",
    )
    assert problem.is_error


@pytest.mark.parametrize(
    ("rule", "says"),
    [
        ({"===": [DECISION, "later"]}, "'later' is not one of them, so this arrow can never be taken."),
        ({"==": ["later", DECISION]}, "'later' is not one of them, so this arrow can never be taken."),
        ({"!=": [DECISION, "later"]}, "'later' is not one of them, so this condition always holds."),
        ({"!==": [DECISION, "later"]}, "'later' is not one of them, so this condition always holds."),
        ({"in": [DECISION, ["later", "never"]]}, "'later', 'never' are not among them, so this arrow can never"),
        ({"in": [DECISION, ["approve", "later"]]}, "'later' is not one of them, so it never matches."),
    ],
)
def test_every_kind_of_comparison_with_a_choice_field_is_checked(rule, says):
    problem = only(check_flow(review_flow(when(rule), OTHERWISE)))
    assert problem.path == "workflows[0].transitions[1].condition"
    assert says in problem.message


def test_a_multi_choice_field_contains_only_its_choices():
    tags = {"type": "array", "items": {"type": "string", "enum": ["rush", "vip"]}, "uniqueItems": True}
    scope = rule_scope({"review": task("review", output_schema={"type": "object", "properties": {"tags": tags}})})
    assert condition_problems({"in": ["rush", {"var": "tasks.review.tags"}]}, scope, "c") == []
    assert only(condition_problems({"in": ["urgent", {"var": "tasks.review.tags"}]}, scope, "c")) == Problem(
        "c", "review.tags has the choices rush, vip; 'urgent' is not one of them, so this arrow can never be taken."
    )


def test_a_comparison_inside_and_or_is_located_and_said_of_the_comparison():
    rule = {"or": [{"==": [DECISION, "approve"]}, {"==": [DECISION, "Reject"]}]}
    problem = only(check_flow(review_flow(when(rule), OTHERWISE)))
    assert problem.path == "workflows[0].transitions[1].condition.or[1]"
    assert problem.message.endswith("(did you mean 'reject'?), so this comparison is never true.")


@pytest.mark.parametrize(
    "rule",
    [
        {"==": [DECISION, "approve"]},
        {"==": [DECISION, None]},  # "not answered"
        {"in": [DECISION, ["approve", "reject"]]},
        {"==": [DECISION, {"var": "tasks.review.note"}]},  # another shape: left alone
        {"==": [{"var": "tasks.review.note"}, "anything"]},  # no choices
    ],
)
def test_comparisons_a_choice_field_can_satisfy_pass(rule):
    assert check_flow(review_flow(when(rule), OTHERWISE)) == []


def test_ticket_fields_with_choices_are_checked_when_the_ticket_types_are_known():
    ticket_type = {
        "key": "purchase",
        "title": "Purchase",
        "fields_schema": {"type": "object", "properties": {"priority": {"type": "string", "enum": ["low", "high"]}}},
    }
    doc = review_flow(when({"==": [{"var": "ticket.priority"}, "urgent"]}), OTHERWISE)
    problem = only(check_flow(doc, [ticket_type]))
    assert problem.path == "workflows[0].transitions[1].condition"
    assert "ticket.priority has the choices low, high; 'urgent' is not one of them" in problem.message
    assert check_flow(doc) == []  # without its ticket types, a workflow cannot know


# --- Unknown fields at the rule --------------------------------------------------------------------


PURCHASE = {
    "key": "purchase",
    "title": "Purchase",
    "fields_schema": {
        "type": "object",
        "properties": {"amount": {"type": "number"}, "vendor": {"type": "string"}},
        "required": ["amount", "vendor"],
    },
}


def test_a_rule_reading_a_ticket_field_its_ticket_type_lacks_is_reported_at_the_rule():
    doc = review_flow(when({">": [{"var": "ticket.budget"}, 100]}), OTHERWISE)
    problem = only(check_flow(doc, [PURCHASE]))
    assert problem == Problem(
        "workflows[0].transitions[1].condition.>[0].var",
        "Arrow “Approved” from “Review”: unknown variable 'ticket.budget': ticket type “Purchase” has no field "
        "'budget' (its fields: amount, vendor).",
    )


def test_every_ticket_type_starting_the_workflow_must_have_the_field():
    other = {"key": "quick", "title": "Quick buy", "fields_schema": {"type": "object", "properties": {}}}
    doc = review_flow(when({">": [{"var": "ticket.amount"}, 100]}), OTHERWISE)
    assert check_flow(doc, [PURCHASE]) == []
    problem = only(check_flow(doc, [PURCHASE, other]))
    assert problem.message.endswith("ticket type “Quick buy” has no field 'amount' (its fields: none).")


def test_transforms_reading_a_missing_ticket_field_are_reported_where_they_read_it():
    doc = review_flow({"from": "review", "to": "invoice"})
    doc["tasks"][1]["input_transform"] = {"total": {"var": "ticket.total"}}
    problem = only(check_flow(doc, [PURCHASE]))
    assert problem.path == "workflows[0].tasks[1].input_transform.total.var"
    assert "ticket type “Purchase” has no field 'total'" in problem.message


def test_an_unknown_task_output_names_the_task_and_its_outputs():
    doc = review_flow(when({"==": [{"var": "tasks.review.decison"}, "approve"]}), OTHERWISE)
    assert only(check_flow(doc)).message == (
        "Arrow “Approved” from “Review”: unknown variable 'tasks.review.decison': task “Review” has no output "
        "'decison' (its outputs: decision, note)."
    )
    doc = review_flow(when({"==": [{"var": "tasks.revue.decision"}, "approve"]}), OTHERWISE)
    assert only(check_flow(doc)).message.endswith(
        "this workflow has no task 'revue' (its task keys: 'review', 'invoice')."
    )


def test_the_known_variables_hint_lists_them_all_grouped_or_says_how_many_more():
    variables = {f"tasks.quote.field_{n:02}" for n in range(30)} | {"ticket.amount", "ticket.vendor"}
    problem = only(validate_jsonlogic({"var": "ticket.budget"}, variables=variables, path="c"))
    listed = problem.message.removeprefix("Unknown variable 'ticket.budget'; known: ")
    assert listed.startswith("ticket fields: amount, vendor; task 'quote': field_00, field_01")
    assert "field_29" in listed  # 32 names: all of them
    variables |= {f"tasks.approve.field_{n:02}" for n in range(20)}
    problem = only(validate_jsonlogic({"var": "ticket.budget"}, variables=variables, path="c"))
    assert problem.message.endswith("…and 12 more.")


def test_the_ticket_type_side_still_names_what_a_published_workflow_reads():
    flow = workflow()
    flow["transitions"][1]["condition"] = {">": [{"var": "ticket.budget"}, 0]}
    assert only(check_ticket(ticket(), {"procurement": flow})).path == "ticket_definitions[0].fields_schema"


# --- Lint: warnings -------------------------------------------------------------------------------


def warnings_in(problems: list[Problem]) -> dict[str, str]:
    assert all(problem.is_warning for problem in problems), problems
    return {problem.path: problem.message for problem in problems}


def test_a_task_with_conditional_arrows_only_names_the_choices_no_arrow_takes():
    doc = review_flow(when({"==": [DECISION, "approve"]}))
    assert warnings_in(check_flow(doc)) == {
        "workflows[0].tasks[0]": "Task “Review”: a ticket stops here when review.decision = 'reject': no arrow "
        "from it is taken then. Add an arrow for that, or one without a condition to catch the rest."
    }


def test_every_choice_covered_of_a_required_field_is_no_warning():
    doc = review_flow(
        when({"==": [DECISION, "approve"]}),
        when({"==": [DECISION, "reject"]}, to=None, label="Rejected", priority=1),
    )
    assert check_flow(doc) == []


def test_an_optional_field_with_choices_can_also_be_empty():
    schema = {**REVIEW_SCHEMA, "required": []}
    doc = review_flow(
        when({"==": [DECISION, "approve"]}),
        when({"in": [DECISION, ["reject"]]}, to=None, label="Rejected", priority=1),
        schema=schema,
    )
    assert warnings_in(check_flow(doc))["workflows[0].tasks[0]"].startswith(
        "Task “Review”: a ticket stops here when review.decision is empty: no arrow from it is taken then."
    )


def test_yes_no_fields_are_enumerated_too():
    schema = {"type": "object", "properties": {"ok": {"type": "boolean"}}}
    ok = {"var": "tasks.review.ok"}
    doc = review_flow(when({"===": [ok, True]}), when({"!": [ok]}, to=None, label="No", priority=1), schema=schema)
    assert check_flow(doc) == []  # a form always answers a yes/no field
    doc = review_flow(when({"===": [ok, True]}), schema=schema)
    assert "a ticket stops here when review.ok = false" in warnings_in(check_flow(doc))["workflows[0].tasks[0]"]


def test_conditions_that_cannot_be_enumerated_get_the_general_warning():
    schema = {"type": "object", "properties": {"amount": {"type": "number"}}, "required": ["amount"]}
    doc = review_flow(when({">": [{"var": "tasks.review.amount"}, 100]}), schema=schema)
    assert warnings_in(check_flow(doc)) == {
        "workflows[0].tasks[0]": "Task “Review”: every arrow from it has a condition, and no arrow catches what "
        "the conditions do not: a ticket stops here when none holds. Add an arrow without a condition to catch "
        "the rest."
    }


def test_a_rule_on_an_optional_field_without_a_fallback_is_a_warning_at_the_rule():
    doc = review_flow(when({"==": [{"var": "tasks.review.note"}, "rush"]}))
    found = warnings_in(check_flow(doc))
    assert found["workflows[0].transitions[1].condition"] == (
        "Arrow “Approved” from “Review”: its condition reads review.note, which is optional; when left empty, no "
        "arrow from task “Review” may be taken. Make it required, or add an arrow without a condition."
    )
    # With a fallback arrow, neither the optional field nor the task is a concern.
    assert check_flow(review_flow(when({"==": [{"var": "tasks.review.note"}, "rush"]}), OTHERWISE)) == []


def test_two_arrows_of_one_task_with_the_same_priority_are_a_warning():
    doc = review_flow(
        when({"==": [DECISION, "approve"]}),
        when({"==": [DECISION, "reject"]}, to=None, label="Rejected", priority=0),
    )
    assert warnings_in(check_flow(doc)) == {
        "workflows[0].transitions[2].priority": "Arrow “Rejected” from “Review” has the same priority (0) as arrow "
        "“Approved” from “Review”: which of them is tried first does not show. Give them different priorities."
    }


@pytest.mark.django_db
def test_warnings_do_not_stop_publishing_but_errors_do(tenant):
    flow = services.workflow_create(company=tenant.company, actor=None, title="Approval")
    review = services.task_create(actor=None, workflow=flow, title="Review", key="review", output_schema=REVIEW_SCHEMA)
    arrow = services.transition_create(
        actor=None,
        workflow=flow,
        from_task=review,
        to_task=None,
        label="Approved",
        condition={"==": [DECISION, "approve"]},
    )
    assert [problem.severity for problem in workflow_problems(flow)] == ["warning"]
    services.transition_update(
        actor=None,
        transition=arrow,
        from_task=review,
        to_task=None,
        label="Approved",
        condition={"==": [DECISION, "yes"]},
    )
    with pytest.raises(InvalidDefinition) as refused:
        services.workflow_publish(actor=None, workflow=flow)
    assert [(problem.path, problem.transition_id) for problem in refused.value.problems] == [
        ("transitions[1].condition", arrow.pk)
    ]
    services.transition_update(
        actor=None,
        transition=arrow,
        from_task=review,
        to_task=None,
        label="Approved",
        condition={"==": [DECISION, "approve"]},
    )
    assert services.workflow_publish(actor=None, workflow=flow).status == DefinitionStatus.PUBLISHED


@pytest.mark.django_db
def test_a_stored_workflow_reads_the_fields_of_the_ticket_types_of_its_key(tenant):
    flow = two_task_workflow(tenant.company)
    arrow = flow.transitions.exclude(condition=None).get()
    services.transition_update(
        actor=None,
        transition=arrow,
        from_task=arrow.from_task,
        to_task=arrow.to_task,
        condition={">": [{"var": "ticket.budget"}, 100]},
    )
    assert workflow_problems(flow) == []  # no ticket type yet: any ticket field goes
    TicketDefinitionFactory(company=tenant.company, workflow_key=flow.key, title="Purchase")
    TicketDefinitionFactory(
        company=tenant.company, workflow_key=flow.key, title="Old form", status=DefinitionStatus.RETIRED
    )
    problem = only(workflow_problems(flow))
    assert problem.transition_id == arrow.pk and problem.path.endswith("].condition.>[0].var")
    assert "ticket type “Purchase” has no field 'budget'" in problem.message


@pytest.mark.django_db
def test_the_reference_processes_have_neither_problems_nor_warnings(tenant):
    for path in reference_bundle_paths():
        assert validate_bundle(reference_bundle(path.stem), company=tenant.company) == [], path.stem
