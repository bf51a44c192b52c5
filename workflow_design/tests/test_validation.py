"""The one validator: a test per rule, each checking where the problem is and what it says."""

import copy
from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction

from workflow_design.durations import format_iso_duration, parse_iso_duration
from workflow_design.jsonlogic import known_variables, validate_jsonlogic
from workflow_design.models import DefinitionStatus, TaskType
from workflow_design.problems import Problem
from workflow_design.tests.factories import (
    TaskDefinitionFactory,
    TicketDefinitionFactory,
    WorkflowDefinitionFactory,
    WorkflowTransitionFactory,
)
from workflow_design.validation import (
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
    assert problem.message.startswith("Unknown variable 'tasks.quote.price'; known: ticket.*")


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
    assert only(check(doc)) == Problem("workflows[0].tasks[2]", "Task key 'quote' is used twice; keys must be unique.")


def test_task_type_must_be_known():
    doc = workflow()
    doc["tasks"][0]["type"] = "EMAIL"
    assert only(check(doc)) == Problem(
        "workflows[0].tasks[0].type", "Task 'quote': type 'EMAIL' is not one of FORM, SYNC_ACTION, ASYNC_ACTION."
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
        Problem("workflows[0].transitions[1].to", "The arrow's 'to' names task 'aprove', which does not exist.")
        in problems
    )


def test_conditions_read_known_variables_only():
    doc = workflow()
    doc["transitions"][2]["condition"] = {"var": "tasks.approve.aproved"}
    problem = only(check(doc))
    assert problem.path == "workflows[0].transitions[2].condition.var"
    assert problem.message.startswith("Unknown variable 'tasks.approve.aproved'")


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
        "workflows[0].transitions[0].condition", "The start arrow cannot have a condition."
    )
    doc = workflow()
    doc["transitions"][0]["to"] = None
    assert Problem("workflows[0].transitions[0]", "The start arrow must lead to a task.") in check(doc)


def test_every_task_is_reachable():
    doc = workflow()
    doc["tasks"].append(task("orphan"))
    assert only(check(doc)) == Problem("workflows[0].tasks[2]", "Task 'orphan' cannot be reached from the start.")


def test_a_cycle_with_no_exit_names_its_tasks():
    doc = workflow()
    doc["transitions"][2]["to"] = "quote"
    assert only(check(doc)) == Problem(
        "workflows[0].transitions",
        "Tasks 'quote', 'approve' loop with no way to finish; add an arrow to the end (\"to\": null) "
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
        "Task 'quote': the action URL 'ftp://stock.example/' cannot be used. Only http and https URLs can be called.",
    )
    assert only(check(action(action_url=None))) == Problem(
        "workflows[0].tasks[0].action_url", "Task 'quote' is an action; it needs an http(s) action_url."
    )
    assert only(check(action(timeout_seconds=None))) == Problem(
        "workflows[0].tasks[0].timeout_seconds", "Task 'quote' is an action; set timeout_seconds (1 to 60)."
    )


@pytest.mark.parametrize("timeout", [0, 61])
def test_action_timeout_is_one_to_sixty_seconds(timeout):
    assert only(check(action(timeout_seconds=timeout))) == Problem(
        "workflows[0].tasks[0].timeout_seconds",
        f"Task 'quote': timeout_seconds must be between 1 and 60, not {timeout}.",
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
    assert problem.message.startswith("Unknown variable 'response.total'")


def test_form_tasks_have_no_action_settings():
    doc = workflow()
    doc["tasks"][0]["action_url"] = "https://x.example/"
    assert only(check(doc)) == Problem(
        "workflows[0].tasks[0].action_url", "Task 'quote' is a FORM task; remove action_url (only actions have it)."
    )


def test_durations_are_iso_8601():
    doc = workflow()
    doc["tasks"][0]["remind_after"] = "6 hours"
    problem = only(check(doc))
    assert problem.path == "workflows[0].tasks[0].remind_after"
    assert problem.message.startswith("Task 'quote': remind_after '6 hours' is not an ISO 8601 duration")


def test_escalation_comes_after_the_reminder():
    doc = workflow()
    doc["tasks"][0]["escalate_after"] = "PT1H"
    assert only(check(doc)) == Problem(
        "workflows[0].tasks[0].escalate_after", "Task 'quote': escalate_after must not be shorter than remind_after."
    )


def test_assignee_role_must_be_known_case_insensitively():
    doc = workflow()
    doc["tasks"][0]["assignee_role"] = "purchasing"
    assert check(doc) == []
    doc["tasks"][0]["assignee_role"] = "Buyers"
    assert only(check(doc)) == Problem(
        "workflows[0].tasks[0].assignee_role",
        "Task 'quote': company role 'Buyers' does not exist in this company or in the bundle's company_roles.",
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
            "tasks.quote.action_url", "Task 'quote' is an action; it needs an http(s) action_url.", task_key="quote"
        )
        in problems
    )
    by_transition = [problem for problem in problems if problem.transition_id == loop.pk]
    assert [problem.path for problem in by_transition] == ["transitions[1].condition.var"]
    assert any(problem.message.startswith("Tasks 'quote' loop with no way to finish") for problem in problems)


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
        "An arrow to End needs a label: it becomes the ticket's outcome (for example “Approved”).",
    )


@pytest.mark.parametrize(
    ("assignment", "message"),
    [
        ("same_as:nowhere", "Task 'approve' goes to whoever did task 'nowhere', which does not exist."),
        ("same_as:approve", "Task 'approve' cannot go to whoever did itself"),
        ("cleverest", "Task 'approve': assignment 'cleverest' is not one of least_loaded, pool, requester"),
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
