import pytest
from django.core.management import call_command

from users.demo import DEMO_COMPANY_NAME, DEMO_USERS
from users.models import Company, User
from workflow_design.bundles import reference_bundle_paths
from workflow_design.models import DefinitionStatus, TaskDefinition, TicketDefinition, WorkflowDefinition
from workflow_design.services import workflow_draft_for_editing, workflow_publish, workflow_update_details

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_users_for_every_role_once(capsys):
    call_command("seed_demo")
    first = capsys.readouterr().out
    call_command("seed_demo")
    second = capsys.readouterr().out

    company = Company.objects.get(name=DEMO_COMPANY_NAME)
    assert User.objects.for_company(company).count() == len(DEMO_USERS)
    roles = set(User.objects.for_company(company).values_list("groups__name", flat=True))
    assert roles == {"admin", "user", "ticket_admin", "task_worker", "workflow_creator"}
    assert User.objects.filter(is_superuser=True, company=None).count() == 1
    assert "shown only this once" in first
    assert "nothing changed" in second


def test_printed_demo_password_logs_in(client, capsys):
    call_command("seed_demo")
    line = next(line for line in capsys.readouterr().out.splitlines() if "submitter@" in line)
    password = line.split()[1]
    response = client.post("/login/", {"username": "submitter@demo.ticketflower.test", "password": password})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(User.objects.get(email="submitter@demo.ticketflower.test").pk)


def test_seed_demo_loads_every_reference_process_once(capsys):
    call_command("seed_demo")
    first = capsys.readouterr().out
    company = Company.objects.get(name=DEMO_COMPANY_NAME)
    published = set(WorkflowDefinition.objects.for_company(company).published().values_list("key", "version"))
    assert published == {
        ("it-support", 1),
        ("procurement", 1),
        ("customer-order", 1),
        ("artwork-approval", 1),
        ("supplier-link", 1),
    }
    assert TicketDefinition.objects.for_company(company).filter(status=DefinitionStatus.PUBLISHED).count() == 5
    assert "procurement.json: " in first and "workflow procurement v1" in first

    call_command("seed_demo")
    second = capsys.readouterr().out

    assert WorkflowDefinition.objects.for_company(company).count() == 5
    assert set(TicketDefinition.objects.for_company(company).values_list("version", flat=True)) == {1}
    assert second.count("already loaded; nothing changed") == len(reference_bundle_paths())


def test_seed_demo_reloads_a_reference_process_that_was_changed(capsys):
    call_command("seed_demo")
    company = Company.objects.get(name=DEMO_COMPANY_NAME)
    current = WorkflowDefinition.objects.for_company(company).published().get(key="it-support")
    draft = workflow_draft_for_editing(workflow=current, actor=None)
    workflow_update_details(actor=None, workflow=draft, title="Changed by hand")
    workflow_publish(actor=None, workflow=draft)
    capsys.readouterr()

    call_command("seed_demo")

    latest = WorkflowDefinition.objects.for_company(company).published().get(key="it-support")
    assert (latest.version, latest.title) == (3, "IT support request")
    assert "it-support.json: workflow it-support v3" in capsys.readouterr().out


def test_seed_demo_reset_passwords_prints_new_working_passwords(capsys):
    call_command("seed_demo")
    capsys.readouterr()
    call_command("seed_demo", "--reset-passwords")
    line = next(line for line in capsys.readouterr().out.splitlines() if "worker@" in line)
    assert User.objects.get(email="worker@demo.ticketflower.test").check_password(line.split()[1])


def test_the_demo_action_calls_the_server_it_runs_on(settings, allow_private_action_targets, capsys):
    settings.DEMO_ACTION_BASE_URL = "http://127.0.0.1:8123"
    call_command("seed_demo")
    task = TaskDefinition.objects.get(key="stock-check", workflow__status=DefinitionStatus.PUBLISHED)
    assert task.action_url == "http://127.0.0.1:8123/demo-actions/stock-check/"

    settings.DEMO_ACTION_BASE_URL = "http://127.0.0.1:9000/"  # make run PORT=9000 later on
    call_command("seed_demo")
    task = TaskDefinition.objects.get(key="stock-check", workflow__status=DefinitionStatus.PUBLISHED)
    assert task.action_url == "http://127.0.0.1:9000/demo-actions/stock-check/"


def test_without_private_targets_seed_demo_skips_the_action_process_and_says_why(settings, capsys):
    settings.DEMO_ACTION_BASE_URL = "http://127.0.0.1:8000"  # as under production settings

    call_command("seed_demo")

    out = capsys.readouterr().out
    assert "customer-order.json: skipped. Its action task calls this server's demo endpoint" in out
    assert "ACTIONS_ALLOW_PRIVATE_TARGETS is off" in out
    assert not WorkflowDefinition.objects.filter(key="customer-order").exists()
    assert WorkflowDefinition.objects.filter(key="procurement", status=DefinitionStatus.PUBLISHED).exists()
