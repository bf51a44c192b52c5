import pytest
from django.urls import reverse

from users.models import CompanyRole
from users.tests.factories import CompanyRoleFactory

pytestmark = pytest.mark.django_db


def test_create_rename_and_delete_an_unused_role(client, tenant):
    client.force_login(tenant.owner)
    client.post(reverse("company-role-add"), {"name": "Finance", "description": "Money people"})
    role = CompanyRole.objects.get(company=tenant.company, name="Finance")

    client.post(reverse("company-role-edit", args=[role.pk]), {"name": "Accounts", "description": "Bookkeeping"})
    role.refresh_from_db()
    assert (role.name, role.description) == ("Accounts", "Bookkeeping")

    response = client.post(reverse("company-role-delete", args=[role.pk]))
    assert response.status_code == 302
    assert not CompanyRole.objects.filter(pk=role.pk).exists()


def test_role_names_are_unique_per_company_ignoring_case(client, tenant, other_tenant):
    CompanyRoleFactory(company=tenant.company, name="Finance")
    CompanyRoleFactory(company=other_tenant.company, name="Warehouse")
    client.force_login(tenant.owner)

    clash = client.post(reverse("company-role-add"), {"name": "finance"})
    assert "already has a role named" in clash.context["form"].errors["name"][0]

    # Another company's names do not matter.
    client.post(reverse("company-role-add"), {"name": "Warehouse"})
    assert CompanyRole.objects.filter(company=tenant.company, name="Warehouse").exists()


def test_renaming_to_its_own_name_is_fine(client, tenant):
    role = CompanyRoleFactory(company=tenant.company, name="Finance")
    client.force_login(tenant.owner)
    response = client.post(reverse("company-role-edit", args=[role.pk]), {"name": "Finance", "description": "x"})
    assert response.status_code == 302


def test_a_role_in_use_cannot_be_deleted(client, tenant):
    role = CompanyRoleFactory(company=tenant.company, name="Finance")
    tenant.member.company_roles.add(role)
    client.force_login(tenant.owner)

    response = client.post(reverse("company-role-delete", args=[role.pk]), follow=True)

    assert "still in use" in response.content.decode()
    assert CompanyRole.objects.filter(pk=role.pk).exists()


def test_blank_name_is_refused(client, tenant):
    client.force_login(tenant.owner)
    response = client.post(reverse("company-role-add"), {"name": "   "})
    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert not CompanyRole.objects.exists()


def test_role_list_is_empty_state_then_lists_with_member_counts(client, tenant):
    client.force_login(tenant.owner)
    assert b"No company roles yet" in client.get(reverse("company-roles")).content
    role = CompanyRoleFactory(company=tenant.company, name="Finance")
    tenant.member.company_roles.add(role)
    roles = client.get(reverse("company-roles")).context["roles"]
    assert [(r.name, r.member_count) for r in roles] == [("Finance", 1)]


def test_company_roles_have_a_place_in_the_navbar_for_company_admins(client, tenant):
    client.force_login(tenant.owner)
    navbar = client.get(reverse("dashboard")).content.decode().split("</nav>")[0]
    assert f'href="{reverse("company-roles")}">Company roles</a>' in navbar
    assert f'href="{reverse("team")}">People</a>' in navbar

    client.force_login(tenant.member)
    navbar = client.get(reverse("dashboard")).content.decode().split("</nav>")[0]
    assert reverse("company-roles") not in navbar
