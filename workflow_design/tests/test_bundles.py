import copy
import json

import pytest

from users.models import CompanyRole
from users.services import Actor
from users.tests.factories import CompanyFactory, CompanyRoleFactory
from workflow_design.bundle_schema import BUNDLE_FORMAT, bundle_schema
from workflow_design.bundles import (
    BundleInvalid,
    export_bundle,
    parse_bundle,
    reference_bundle,
    reference_bundle_bytes,
    reference_bundle_paths,
    validate_bundle,
)
from workflow_design.documents import workflow_to_doc
from workflow_design.models import (
    DefinitionStatus,
    TaskDefinition,
    TicketDefinition,
    WorkflowDefinition,
    WorkflowTransition,
)
from workflow_design.problems import Problem
from workflow_design.services import DraftsInTheWay, bundle_import, task_create, workflow_draft_for_editing

pytestmark = pytest.mark.django_db

DEFINITION_MODELS = (CompanyRole, WorkflowDefinition, TaskDefinition, WorkflowTransition, TicketDefinition)


def reference(name: str) -> dict:
    return reference_bundle(name)


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in DEFINITION_MODELS}


def without_timestamp(doc: dict) -> dict:
    return {key: value for key, value in doc.items() if key != "exported_at"}


def problems_of(doc: dict, company) -> dict[str, str]:
    return {problem.path: problem.message for problem in validate_bundle(doc, company=company)}


# --- Reference bundles and round trips ------------------------------------------------------


@pytest.mark.parametrize("path", reference_bundle_paths(), ids=lambda path: path.stem)
def test_reference_bundles_are_valid(path, tenant):
    doc = parse_bundle(reference_bundle_bytes(path))
    assert validate_bundle(doc, company=tenant.company) == []
    assert doc["company_roles"], "each reference bundle declares the roles it uses"


def test_there_is_a_bundle_per_reference_process():
    assert [path.stem for path in reference_bundle_paths()] == [
        "artwork-approval",
        "customer-order",
        "it-support",
        "procurement",
        "supplier-link",
    ]


def test_export_then_import_into_another_company_reproduces_the_definitions(tenant, other_tenant):
    for path in reference_bundle_paths():
        bundle_import(
            company=tenant.company, actor=Actor(user=tenant.owner), doc=parse_bundle(reference_bundle_bytes(path))
        )
    exported = export_bundle(tenant.company)

    bundle_import(company=other_tenant.company, actor=None, doc=parse_bundle(json.dumps(exported)))

    assert without_timestamp(export_bundle(other_tenant.company)) == without_timestamp(exported)
    assert exported["format"] == BUNDLE_FORMAT
    assert len(exported["workflows"]) == 5


def test_imported_reference_bundle_exports_as_written(tenant):
    doc = reference("customer-order")
    bundle_import(company=tenant.company, actor=None, doc=doc)
    exported = export_bundle(tenant.company)
    assert exported["workflows"][0]["tasks"] == doc["workflows"][0]["tasks"]
    assert exported["ticket_definitions"] == doc["ticket_definitions"]


def test_single_workflow_export_holds_its_ticket_types_and_the_roles_they_use(tenant):
    bundle_import(company=tenant.company, actor=None, doc=reference("procurement"))
    bundle_import(company=tenant.company, actor=None, doc=reference("artwork-approval"))
    workflow = WorkflowDefinition.objects.for_company(tenant.company).get(key="procurement")

    doc = export_bundle(tenant.company, workflow=workflow)

    assert [item["key"] for item in doc["workflows"]] == ["procurement"]
    assert [item["key"] for item in doc["ticket_definitions"]] == ["purchase-request"]
    assert [role["name"] for role in doc["company_roles"]] == ["Employees", "Purchasing", "Supervisors"]


def test_export_prefers_the_published_version_over_a_newer_draft(tenant):
    bundle_import(company=tenant.company, actor=None, doc=reference("it-support"))
    published = WorkflowDefinition.objects.for_company(tenant.company).get(key="it-support")
    draft = workflow_draft_for_editing(workflow=published, actor=None)
    task_create(actor=None, workflow=draft, title="Extra step")

    doc = export_bundle(tenant.company)

    assert doc["workflows"] == [workflow_to_doc(published)]


def test_export_refuses_another_companys_workflow(tenant, other_tenant):
    bundle_import(company=other_tenant.company, actor=None, doc=reference("it-support"))
    workflow = WorkflowDefinition.objects.for_company(other_tenant.company).get()
    with pytest.raises(ValueError):
        export_bundle(tenant.company, workflow=workflow)


# --- Import: versions, drafts, upserts, atomicity ------------------------------------------------


def test_reimport_of_a_changed_bundle_creates_a_new_version_and_retires_the_old_one(tenant):
    bundle_import(company=tenant.company, actor=None, doc=reference("procurement"))
    ticket = TicketDefinition.objects.for_company(tenant.company).get()
    changed = reference("procurement")
    changed["workflows"][0]["tasks"][0]["title"] = "Describe the purchase"
    changed["ticket_definitions"][0]["description"] = "Ask for something we need to buy."

    result = bundle_import(company=tenant.company, actor=None, doc=changed)

    versions = WorkflowDefinition.objects.for_company(tenant.company).order_by("version")
    assert [(item.version, item.status) for item in versions] == [
        (1, DefinitionStatus.RETIRED),
        (2, DefinitionStatus.PUBLISHED),
    ]
    assert result.workflows == {"procurement": 2}
    assert result.ticket_types == {"purchase-request": "updated"}
    assert result.created_roles == []
    ticket.refresh_from_db()
    assert (ticket.version, ticket.status) == (2, DefinitionStatus.PUBLISHED)


def test_import_discards_a_pending_draft_of_the_same_key_only_when_told_to(tenant):
    bundle_import(company=tenant.company, actor=None, doc=reference("it-support"))
    published = WorkflowDefinition.objects.for_company(tenant.company).get()
    draft = workflow_draft_for_editing(workflow=published, actor=None)
    changed = reference("it-support")
    changed["workflows"][0]["title"] = "IT help"

    with pytest.raises(DraftsInTheWay) as refused:
        bundle_import(company=tenant.company, actor=None, doc=changed)
    assert [change.replaces_draft for change in refused.value.plan.drafts_replaced] == [2]
    assert WorkflowDefinition.objects.filter(pk=draft.pk).exists()

    bundle_import(company=tenant.company, actor=None, doc=changed, replace_drafts=True)

    assert not WorkflowDefinition.objects.filter(pk=draft.pk).exists()
    # The discarded draft never ran, so its number is free again.
    assert list(WorkflowDefinition.objects.for_company(tenant.company).values_list("version", "status")) == [
        (2, DefinitionStatus.PUBLISHED),
        (1, DefinitionStatus.RETIRED),
    ]


def test_import_reuses_existing_roles_case_insensitively(tenant):
    existing = CompanyRoleFactory(company=tenant.company, name="purchasing")
    result = bundle_import(company=tenant.company, actor=None, doc=reference("procurement"))
    assert sorted(result.created_roles) == ["Employees", "Supervisors"]
    task = TaskDefinition.objects.for_company(tenant.company).get(key="vendor-quote")
    assert task.assignee_role == existing


def test_a_bad_ticket_definition_after_good_workflows_writes_nothing(tenant):
    doc = reference("procurement")
    doc["workflows"].append(reference("it-support")["workflows"][0])
    doc["ticket_definitions"].append({"key": "broken", "title": "Broken", "workflow_key": "nowhere"})
    before = row_counts()

    with pytest.raises(BundleInvalid) as raised:
        bundle_import(company=tenant.company, actor=Actor(user=tenant.owner), doc=doc)

    assert [problem.path for problem in raised.value.problems] == ["ticket_definitions[1].workflow_key"]
    assert row_counts() == before


def test_ticket_definition_may_use_a_workflow_already_published_in_the_company(tenant):
    bundle_import(company=tenant.company, actor=None, doc=reference("it-support"))
    doc = reference("it-support")
    doc["workflows"] = []
    doc["ticket_definitions"][0]["title"] = "Computer trouble"
    bundle_import(company=tenant.company, actor=None, doc=doc)
    assert TicketDefinition.objects.for_company(tenant.company).get().title == "Computer trouble"


def test_ticket_definition_must_have_the_ticket_fields_its_published_workflow_reads(tenant):
    bundle_import(company=tenant.company, actor=None, doc=reference("it-support"))
    doc = reference("it-support")
    doc["workflows"] = []
    doc["ticket_definitions"][0]["fields_schema"]["properties"].pop("summary")
    doc["ticket_definitions"][0]["fields_schema"]["required"].remove("summary")
    doc["ticket_definitions"][0]["fields_schema"]["x-order"].remove("summary")
    assert "reads ticket field(s) 'summary'" in problems_of(doc, tenant.company)["ticket_definitions[0].fields_schema"]


def test_a_role_of_another_company_is_unknown(tenant, other_tenant):
    CompanyRoleFactory(company=other_tenant.company, name="Auditors")
    doc = reference("it-support")
    doc["ticket_definitions"][0]["allowed_roles"] = ["Auditors"]
    assert problems_of(doc, tenant.company) == {
        "ticket_definitions[0].allowed_roles[0]": "Ticket type 'it-support-request': company role 'Auditors' does "
        "not exist in this company or in the bundle's company_roles."
    }
    assert problems_of(doc, other_tenant.company) == {}


def test_a_workflow_published_only_in_another_company_is_unknown(tenant, other_tenant):
    bundle_import(company=other_tenant.company, actor=None, doc=reference("it-support"))
    doc = reference("it-support")
    doc["workflows"] = []
    assert list(problems_of(doc, tenant.company)) == ["ticket_definitions[0].workflow_key"]


# --- Problems by path -------------------------------------------------------------------------


def test_unknown_keys_are_named_by_path(tenant):
    doc = reference("procurement")
    doc["colour"] = "blue"
    doc["workflows"][0]["tasks"][1]["deadline"] = "P1D"
    problems = problems_of(doc, tenant.company)
    assert set(problems) == {"colour", "workflows[0].tasks[1].deadline"}
    assert problems["colour"].startswith(
        "Unknown key 'colour' in the bundle; allowed: company_roles, exported_at, format"
    )
    assert problems["workflows[0].tasks[1].deadline"].startswith(
        "Unknown key 'deadline' in a task; allowed: action_url"
    )


def test_wrong_types_are_named_by_path(tenant):
    doc = reference("procurement")
    doc["workflows"][0]["transitions"][1]["priority"] = "high"
    doc["workflows"][0]["description"] = ["not", "text"]
    doc["company_roles"][0] = "Purchasing"
    assert problems_of(doc, tenant.company) == {
        "workflows[0].transitions[1].priority": "'priority' must be an integer, not a string.",
        "workflows[0].description": "'description' must be a string, not a list.",
        "company_roles[0]": "The company role must be an object, not a string.",
        "ticket_definitions[0].allowed_roles[0]": "Ticket type 'purchase-request': company role 'Employees' does "
        "not exist in this company or in the bundle's company_roles.",
    }


def test_missing_required_keys_are_named_by_path(tenant):
    doc = reference("procurement")
    del doc["workflows"][0]["tasks"][0]["type"]
    assert problems_of(doc, tenant.company) == {
        "workflows[0].tasks[0].type": "Required key 'type' is missing from a task."
    }


def test_dangling_task_keys(tenant):
    doc = reference("procurement")
    doc["workflows"][0]["transitions"][2]["to"] = "place-orders"
    problems = problems_of(doc, tenant.company)
    assert problems["workflows[0].transitions[2].to"] == (
        "Arrow “Approved” from “Approve the purchase”: its 'to' names task 'place-orders', which does not exist."
    )
    assert problems["workflows[0].tasks[2]"] == "Task “Place the order” cannot be reached from the start."


def test_cycle_with_no_exit(tenant):
    doc = reference("procurement")
    doc["workflows"][0]["transitions"][2]["to"] = "vendor-quote"
    doc["workflows"][0]["transitions"] = doc["workflows"][0]["transitions"][:4]
    doc["workflows"][0]["tasks"] = doc["workflows"][0]["tasks"][:2]
    assert problems_of(doc, tenant.company) == {
        "workflows[0].transitions": "Tasks “Get a vendor quote”, “Approve the purchase” loop with no way to finish; "
        'add an arrow to the end ("to": null) or to a task that finishes.'
    }


def test_duplicate_keys_in_a_bundle(tenant):
    doc = reference("it-support")
    doc["workflows"].append(copy.deepcopy(doc["workflows"][0]))
    assert problems_of(doc, tenant.company) == {
        "workflows[1].key": "Workflow key 'it-support' appears twice in the bundle."
    }


def test_validate_bundle_refuses_a_non_object():
    company = CompanyFactory()
    assert validate_bundle([1, 2], company=company) == [
        Problem("", "A bundle must be a JSON object ({…}) at the top level.")
    ]


def test_bundle_schema_is_a_valid_json_schema():
    from jsonschema import Draft202012Validator

    Draft202012Validator.check_schema(bundle_schema())


# --- Parsing ----------------------------------------------------------------------------------


def only_problem(raw) -> Problem:
    with pytest.raises(BundleInvalid) as raised:
        parse_bundle(raw)
    assert len(raised.value.problems) == 1
    return raised.value.problems[0]


def test_malformed_json_names_line_and_column():
    problem = only_problem(b'{\n  "format": "ticketflower/v1",\n  "workflows": [}\n}')
    assert problem == Problem("", "The file is not valid JSON: Expecting value at line 3, column 17.")


def test_a_five_megabyte_upload_is_refused_with_its_size(settings):
    settings.BUNDLE_MAX_BYTES = 1024 * 1024
    problem = only_problem(b" " * (5 * 1024 * 1024))
    assert problem.message == "The file is 5.0 MB; bundles may be at most 1.0 MB."


def test_non_utf8_is_refused():
    assert only_problem(b'{"format": "\xff"}').message == "The file is not UTF-8 text (invalid byte at position 12)."


def test_a_utf8_byte_order_mark_is_accepted():
    assert parse_bundle(b'\xef\xbb\xbf{"format": "ticketflower/v1"}') == {"format": BUNDLE_FORMAT}


@pytest.mark.parametrize(
    ("raw", "path", "message"),
    [
        ("[]", "", "A bundle must be a JSON object ({…}) at the top level."),
        ("{}", "format", 'The bundle has no "format"; expected "ticketflower/v1".'),
        (
            '{"format": "ticketflower/v2"}',
            "format",
            'Format "ticketflower/v2" is not supported; expected "ticketflower/v1".',
        ),
        ('{"format": "ticketflower/v1", "a": NaN}', "", "The file is not valid JSON: NaN is not valid JSON."),
        (
            '{"format": "ticketflower/v1", "format": "x"}',
            "",
            "The file is not valid JSON: the key 'format' appears twice in one object.",
        ),
        (
            '{"format": "ticketflower/v1", "x": ' + "[" * 100 + "]" * 100 + "}",
            "",
            "The file is nested more than 64 levels deep.",
        ),
    ],
)
def test_parse_refuses_what_is_not_a_bundle(raw, path, message):
    assert only_problem(raw) == Problem(path, message)


def test_bundle_invalid_summarises_its_problems():
    error = BundleInvalid([Problem("a", "One."), Problem("b", "Two."), Problem("c", "Three.")])
    assert str(error) == "a: One. (and 2 more problems)"


def test_text_a_database_cannot_store_is_refused(tenant):
    doc = reference("it-support")
    doc["workflows"][0]["title"] = "IT\x00support"
    assert problems_of(doc, tenant.company) == {
        "workflows[0].title": "The text contains a NUL character or an invalid \\u escape."
    }
    surrogate = parse_bundle('{"format": "ticketflower/v1", "company_roles": [{"name": "\\ud800"}]}')
    assert list(problems_of(surrogate, tenant.company)) == ["company_roles[0].name"]


def test_company_role_names_have_no_outer_spaces(tenant):
    doc = reference("it-support")
    doc["company_roles"][0]["name"] = " Employees"
    assert problems_of(doc, tenant.company)["company_roles[0].name"] == (
        "Company role name ' Employees' cannot be empty or start or end with spaces."
    )


def test_values_the_database_could_not_hold_are_refused(tenant):
    doc = reference("it-support")
    doc["workflows"][0]["tasks"][0]["escalate_after"] = "P999999999D"
    doc["workflows"][0]["transitions"][1]["priority"] = 2**40
    problems = problems_of(doc, tenant.company)
    assert problems["workflows[0].tasks[0].escalate_after"] == (
        "Task “Triage the request”: escalate_after must be at most 365 days (P365D)."
    )
    assert problems["workflows[0].transitions[1].priority"] == (
        "Arrow “Triaged” from “Triage the request”: its priority must be between ±1,000,000, not 1,099,511,627,776."
    )


def test_the_format_docs_show_the_current_schema_and_a_valid_example(tenant):
    from django.conf import settings

    from workflow_design.bundle_schema import BUNDLE_SCHEMA_PATH, bundle_schema_text

    docs = (settings.BASE_DIR / "docs" / "bundle-format.md").read_text()
    blocks = docs.split("```json\n")
    # The table builds the schema; the file and the docs carry that very text.
    assert BUNDLE_SCHEMA_PATH.read_text() == bundle_schema_text()
    assert bundle_schema_text() in [block.split("```")[0] for block in blocks]
    example = json.loads(blocks[-2].split("```")[0])
    assert example == reference("it-support")
    assert validate_bundle(example, company=tenant.company) == []
