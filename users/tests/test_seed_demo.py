import pytest
from django.core.management import call_command

from users.demo import DEMO_COMPANY_NAME, DEMO_USERS
from users.models import Company, User

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
