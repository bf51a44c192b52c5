import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from users.models import AuditEvent, Company, CompanyRole
from workflow_design.bundle_schema import BUNDLE_FORMAT
from workflow_design.bundles import REFERENCE_BUNDLES_DIR
from workflow_design.models import DefinitionStatus, TicketDefinition, WorkflowDefinition
from workflow_design.services import workflow_draft_for_editing

pytestmark = pytest.mark.django_db

PROCUREMENT = REFERENCE_BUNDLES_DIR / "procurement.json"


def test_import_bundle_prints_what_it_created(tenant, capsys):
    call_command("import_bundle", str(PROCUREMENT), "--company", str(tenant.company.pk), "--user", tenant.owner.email)

    out = capsys.readouterr().out
    assert "Workflow procurement: published version 1" in out
    assert "Ticket type created: purchase-request" in out
    assert "Company role created: Purchasing" in out
    workflow = WorkflowDefinition.objects.for_company(tenant.company).get(key="procurement")
    assert (workflow.status, workflow.created_by) == (DefinitionStatus.PUBLISHED, tenant.owner)


def test_import_bundle_finds_the_company_by_exact_name(tenant, capsys):
    call_command("import_bundle", str(PROCUREMENT), "--company", tenant.company.name)
    assert WorkflowDefinition.objects.for_company(tenant.company).filter(key="procurement").exists()


def test_import_bundle_prints_every_problem_and_writes_nothing(tenant, tmp_path, capsys):
    doc = json.loads(PROCUREMENT.read_text())
    doc["workflows"][0]["tasks"][0]["timeout_seconds"] = "soon"
    doc["ticket_definitions"][0]["workflow_key"] = "nowhere"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc))

    with pytest.raises(CommandError, match="has 2 problems; nothing was imported"):
        call_command("import_bundle", str(path), "--company", str(tenant.company.pk))

    err = capsys.readouterr().err
    assert "workflows[0].tasks[0].timeout_seconds:" in err
    assert "ticket_definitions[0].workflow_key:" in err
    assert not WorkflowDefinition.objects.for_company(tenant.company).exists()
    assert not CompanyRole.objects.for_company(tenant.company).exists()


def test_import_bundle_reports_malformed_json_with_line_and_column(tenant, tmp_path, capsys):
    path = tmp_path / "broken.json"
    path.write_text('{\n  "format": "ticketflower/v1",\n  "workflows": [,]\n}')
    with pytest.raises(CommandError):
        call_command("import_bundle", str(path), "--company", str(tenant.company.pk))
    assert "line 3, column 17" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("company", "user", "message"),
    [
        ("999999", None, "No company with id or name '999999'"),
        ("Nobody Ltd", None, "No company with id or name 'Nobody Ltd'"),
        (None, "nobody@example.test", "has no user with the email"),
    ],
)
def test_import_bundle_refuses_unknown_company_or_user(tenant, company, user, message):
    args = [str(PROCUREMENT), "--company", company or str(tenant.company.pk)]
    if user:
        args += ["--user", user]
    with pytest.raises(CommandError, match=message):
        call_command("import_bundle", *args)


def test_import_bundle_refuses_a_user_of_another_company(tenant, other_tenant):
    with pytest.raises(CommandError, match="has no user"):
        call_command(
            "import_bundle", str(PROCUREMENT), "--company", str(tenant.company.pk), "--user", other_tenant.owner.email
        )


def test_import_bundle_refuses_a_missing_file(tenant, tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_bundle", str(tmp_path / "missing.json"), "--company", str(tenant.company.pk))


def test_export_bundle_writes_the_company_bundle_to_stdout(tenant, capsys):
    call_command("import_bundle", str(PROCUREMENT), "--company", str(tenant.company.pk))
    capsys.readouterr()

    call_command("export_bundle", "--company", str(tenant.company.pk))

    doc = json.loads(capsys.readouterr().out)
    assert doc["format"] == BUNDLE_FORMAT
    assert [workflow["key"] for workflow in doc["workflows"]] == ["procurement"]
    assert [td["key"] for td in doc["ticket_definitions"]] == ["purchase-request"]


def test_export_bundle_of_one_workflow_to_a_file_imports_into_another_company(tenant, other_tenant, tmp_path):
    call_command("import_bundle", str(PROCUREMENT), "--company", str(tenant.company.pk))
    call_command("import_bundle", str(REFERENCE_BUNDLES_DIR / "it-support.json"), "--company", str(tenant.company.pk))
    output = tmp_path / "out.json"

    call_command(
        "export_bundle", "--company", tenant.company.name, "--workflow", "procurement", "--output", str(output)
    )
    call_command("import_bundle", str(output), "--company", str(other_tenant.company.pk))

    assert list(WorkflowDefinition.objects.for_company(other_tenant.company).values_list("key", flat=True)) == [
        "procurement"
    ]
    assert TicketDefinition.objects.for_company(other_tenant.company).get().key == "purchase-request"
    assert sorted(CompanyRole.objects.for_company(other_tenant.company).values_list("name", flat=True)) == [
        "Employees",
        "Purchasing",
        "Supervisors",
    ]


def test_export_bundle_refuses_an_unknown_workflow(tenant):
    with pytest.raises(CommandError, match="no workflow with the key 'nope'"):
        call_command("export_bundle", "--company", str(tenant.company.pk), "--workflow", "nope")


# --- What an import changes, said first -------------------------------------------------------


def test_import_bundle_twice_changes_nothing_the_second_time(tenant, capsys):
    call_command("import_bundle", str(PROCUREMENT), "--company", str(tenant.company.pk))
    capsys.readouterr()

    call_command("import_bundle", str(PROCUREMENT), "--company", str(tenant.company.pk))

    out = capsys.readouterr().out
    assert "is unchanged" in out and "already current; nothing was written" in out
    assert WorkflowDefinition.objects.for_company(tenant.company).count() == 1
    assert TicketDefinition.objects.for_company(tenant.company).get().version == 1


def test_import_bundle_will_not_discard_a_draft_without_replace_drafts(tenant, tmp_path, capsys):
    call_command("import_bundle", str(PROCUREMENT), "--company", str(tenant.company.pk))
    published = WorkflowDefinition.objects.for_company(tenant.company).get()
    draft = workflow_draft_for_editing(workflow=published, actor=None)
    changed = json.loads(PROCUREMENT.read_text())
    changed["workflows"][0]["title"] = "Buying things"
    path = tmp_path / "changed.json"
    path.write_text(json.dumps(changed))
    capsys.readouterr()

    with pytest.raises(CommandError, match="--replace-drafts"):
        call_command("import_bundle", str(path), "--company", str(tenant.company.pk))
    assert "the unpublished draft version 2 will be discarded" in capsys.readouterr().out
    assert WorkflowDefinition.objects.filter(pk=draft.pk).exists()

    call_command("import_bundle", str(path), "--company", str(tenant.company.pk), "--replace-drafts")
    assert not WorkflowDefinition.objects.filter(pk=draft.pk).exists()
    assert WorkflowDefinition.objects.for_company(tenant.company).published().get().title == "Buying things"


def test_import_bundle_dry_run_writes_nothing(tenant, capsys):
    call_command("import_bundle", str(PROCUREMENT), "--company", str(tenant.company.pk), "--dry-run")
    assert "Dry run: nothing was written." in capsys.readouterr().out
    assert not WorkflowDefinition.objects.exists()


def test_import_bundle_reads_no_more_than_the_size_limit(tenant, settings, capsys):
    settings.BUNDLE_MAX_BYTES = 64 * 1024
    # /dev/zero never ends: reading it whole would exhaust the memory.
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_bundle", "/dev/zero", "--company", str(tenant.company.pk))
    assert "larger than 0.1 MB, the most a bundle may be" in capsys.readouterr().err


def test_import_bundle_prints_the_warnings_and_imports(tenant, tmp_path, capsys):
    doc = json.loads(PROCUREMENT.read_text())
    transitions = doc["workflows"][0]["transitions"]
    doc["workflows"][0]["transitions"] = [t for t in transitions if not t["label"].startswith("Declined")]
    path = tmp_path / "lint.json"
    path.write_text(json.dumps(doc))

    call_command("import_bundle", str(path), "--company", str(tenant.company.pk))

    out = capsys.readouterr().out
    assert "1 warning (they do not stop the import):" in out
    assert (
        "  workflows[0].tasks[1]: warning: Task “Approve the purchase”: a ticket stops here when "
        "supervisor-approval.decision = 'declined'" in out
    )
    assert "Workflow procurement: published version 1" in out


def test_import_bundle_prints_warnings_apart_from_the_problems(tenant, tmp_path, capsys):
    doc = json.loads(PROCUREMENT.read_text())
    doc["workflows"][0]["transitions"] = [
        t for t in doc["workflows"][0]["transitions"] if not t["label"].startswith("Declined")
    ]
    doc["ticket_definitions"][0]["workflow_key"] = "nowhere"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc))

    with pytest.raises(CommandError, match="has 1 problem; nothing was imported"):
        call_command("import_bundle", str(path), "--company", str(tenant.company.pk))

    err = capsys.readouterr().err
    assert "  ticket_definitions[0].workflow_key: Ticket type" in err
    assert "And 1 warning:\n  workflows[0].tasks[1]: warning: Task “Approve the purchase”" in err


def test_import_bundle_creates_the_company_when_asked(capsys):
    call_command("import_bundle", str(PROCUREMENT), "--company", "Another Company", "--create-company")

    company = Company.objects.get(name="Another Company")
    assert "Created the company Another Company." in capsys.readouterr().out
    assert WorkflowDefinition.objects.for_company(company).filter(key="procurement").exists()
    assert AuditEvent.objects.filter(company=company, action="company_signup").exists()
    # Run again: the company is found, not made twice.
    call_command("import_bundle", str(PROCUREMENT), "--company", "Another Company", "--create-company")
    assert Company.objects.filter(name="Another Company").count() == 1


def test_import_bundle_without_the_flag_names_the_missing_company_and_creates_nothing():
    with pytest.raises(CommandError, match="No company with id or name 'Another Company'"):
        call_command("import_bundle", str(PROCUREMENT), "--company", "Another Company")
    assert not Company.objects.filter(name="Another Company").exists()


def test_a_company_created_for_an_import_that_fails_or_only_looks_is_not_kept(tmp_path, capsys):
    doc = json.loads(PROCUREMENT.read_text())
    doc["ticket_definitions"][0]["workflow_key"] = "nowhere"
    broken = tmp_path / "bad.json"
    broken.write_text(json.dumps(doc))
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_bundle", str(broken), "--company", "Another Company", "--create-company")
    assert not Company.objects.filter(name="Another Company").exists()

    call_command("import_bundle", str(PROCUREMENT), "--company", "Another Company", "--create-company", "--dry-run")
    assert "Would create the company Another Company." in capsys.readouterr().out
    assert not Company.objects.filter(name="Another Company").exists()


def test_create_company_wants_a_name_not_an_unknown_id():
    with pytest.raises(CommandError, match="No company with id or name '4242'"):
        call_command("import_bundle", str(PROCUREMENT), "--company", "4242", "--create-company")
    assert not Company.objects.exists()
