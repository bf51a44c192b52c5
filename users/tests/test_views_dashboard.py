import pytest
from django.urls import reverse

from users.roles import SystemRole

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
