import pytest
from django.urls import reverse

from users import dashboard
from users.roles import SystemRole
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_new_company_owner_sees_team_cards_with_next_steps(client, tenant):
    client.force_login(tenant.owner)
    response = client.get(reverse("dashboard"))
    content = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="card-team"' in content
    assert 'data-testid="card-company-roles"' in content
    assert "No company roles yet" in content
    assert 'data-testid="current-company"' in content and "Alpha Ltd" in content


def test_member_without_team_permission_sees_no_team_card(client, tenant):
    client.force_login(tenant.by_role[SystemRole.TASK_WORKER])
    content = client.get(reverse("dashboard")).content.decode()
    assert 'data-testid="card-team"' not in content
    assert "Task worker" in content


def test_dashboard_counts_only_this_company(client, tenant, other_tenant):
    client.force_login(tenant.owner)
    cards = {card.title: card for card in client.get(reverse("dashboard")).context["cards"]}
    # owner + member + five single-role users
    assert cards["Team"].count == 7


def test_submitter_is_told_what_they_can_do_not_that_they_have_no_roles(client, tenant):
    client.force_login(tenant.member)
    response = client.get(reverse("dashboard"))
    content = response.content.decode()
    assert "Ticket submitter" in content
    assert "You can submit tickets and follow them." in content
    assert "no roles" not in content
    assert response.context["cards"]


def test_worker_is_told_what_they_can_do_not_that_they_have_no_roles(client, tenant):
    client.force_login(tenant.by_role[SystemRole.TASK_WORKER])
    content = client.get(reverse("dashboard")).content.decode()
    assert "You can receive tasks and complete them." in content
    assert "no roles" not in content


def test_owner_reads_every_ability_in_one_sentence(client, tenant):
    client.force_login(tenant.owner)
    content = client.get(reverse("dashboard")).content.decode()
    assert (
        "You can add teammates and give them roles, submit tickets and follow them, run the ticket queue and retry "
        "stopped tickets, receive tasks and complete them, and design workflows and ticket types."
    ) in content


def test_only_someone_without_roles_reads_that_they_have_none(client, tenant, monkeypatch):
    nobody = UserFactory(company=tenant.company, roles=[])
    client.force_login(nobody)
    content = client.get(reverse("dashboard")).content.decode()
    assert "You have no roles in Alpha Ltd yet" in content
    assert 'data-testid="abilities"' not in content

    # With a role but nothing on the dashboard (no app offers a card), the page does not claim they have none.
    monkeypatch.setattr(dashboard, "_providers", [])
    client.force_login(tenant.member)
    content = client.get(reverse("dashboard")).content.decode()
    assert "Nothing needs you right now" in content
    assert "no roles" not in content
