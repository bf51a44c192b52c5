import pytest
from django.urls import reverse

from users.models import AuditEvent, User
from users.roles import SystemRole
from users.tests.factories import CompanyRoleFactory, UserFactory

pytestmark = pytest.mark.django_db


def group_ids(*names):
    from django.contrib.auth.models import Group

    return [group.pk for group in Group.objects.filter(name__in=names)]


def test_admin_adds_a_teammate_with_system_and_company_roles(client, tenant):
    warehouse = CompanyRoleFactory(company=tenant.company, name="Warehouse")
    client.force_login(tenant.owner)

    response = client.post(
        reverse("team-add"),
        {
            "email": "New.Worker@alpha.example",
            "first_name": "Nia",
            "last_name": "Worker",
            "password": "forklift-Sunday-77",
            "system_roles": group_ids(SystemRole.TASK_WORKER),
            "company_roles": [warehouse.pk],
        },
    )

    assert response.status_code == 302
    worker = User.objects.get(email="new.worker@alpha.example")
    assert worker.company == tenant.company
    assert list(worker.groups.values_list("name", flat=True)) == [SystemRole.TASK_WORKER]
    assert list(worker.company_roles.all()) == [warehouse]
    assert worker.check_password("forklift-Sunday-77")
    event = AuditEvent.objects.get(action="user_added")
    assert event.actor == tenant.owner and not event.impersonating


def test_another_companys_role_is_not_a_valid_choice(client, tenant, other_tenant):
    foreign = CompanyRoleFactory(company=other_tenant.company)
    client.force_login(tenant.owner)
    response = client.post(
        reverse("team-add"),
        {
            "email": "x@alpha.example",
            "first_name": "X",
            "password": "forklift-Sunday-77",
            "company_roles": [foreign.pk],
        },
    )
    assert response.status_code == 200
    assert "valid choice" in response.context["form"].errors["company_roles"][0]
    assert not User.objects.filter(email="x@alpha.example").exists()


def test_team_list_searches_and_paginates(client, tenant):
    UserFactory.create_batch(30, company=tenant.company, roles=[SystemRole.USER])
    UserFactory(company=tenant.company, first_name="Zebulon", email="zeb@alpha.example")
    client.force_login(tenant.owner)

    first_page = client.get(reverse("team"))
    assert first_page.context["page_obj"].paginator.count == 38
    assert len(first_page.context["members"]) == 25

    found = client.get(reverse("team"), {"q": "zebul"})
    assert [member.email for member in found.context["members"]] == ["zeb@alpha.example"]


def test_team_search_via_htmx_returns_only_the_rows(client, tenant):
    client.force_login(tenant.owner)
    response = client.get(reverse("team"), {"q": tenant.member.email}, HTTP_HX_REQUEST="true")
    content = response.content.decode()
    assert tenant.member.email in content
    assert "<nav" not in content.split("<table")[0]  # no page chrome
    assert "<html" not in content


@pytest.mark.parametrize("size", [5, 40])
def test_team_list_queries_stay_bounded(client, tenant, size, django_assert_max_num_queries):
    for _ in range(size):
        UserFactory(
            company=tenant.company, roles=[SystemRole.USER], company_roles=[CompanyRoleFactory(company=tenant.company)]
        )
    client.force_login(tenant.owner)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("team"), {"status": "all"}).status_code == 200


def test_admin_edits_roles(client, tenant):
    client.force_login(tenant.owner)
    member = tenant.member
    response = client.post(
        reverse("team-edit", args=[member.pk]),
        {"first_name": "Renamed", "last_name": "", "system_roles": group_ids(SystemRole.USER, SystemRole.TASK_WORKER)},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.first_name == "Renamed"
    assert set(member.groups.values_list("name", flat=True)) == {SystemRole.USER, SystemRole.TASK_WORKER}


def test_the_last_admin_cannot_drop_their_admin_role(client, tenant):
    tenant.by_role[SystemRole.ADMIN].groups.clear()
    client.force_login(tenant.owner)
    response = client.post(
        reverse("team-edit", args=[tenant.owner.pk]),
        {"first_name": "Olivia", "system_roles": group_ids(SystemRole.USER)},
    )
    assert response.status_code == 200
    assert "at least one active company admin" in response.context["form"].errors["system_roles"][0]
    assert tenant.owner.groups.filter(name=SystemRole.ADMIN).exists()


def test_deactivate_keeps_the_user_and_blocks_login(client, tenant):
    client.force_login(tenant.owner)
    member = tenant.member
    response = client.post(reverse("team-deactivate", args=[member.pk]))
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.is_active is False
    client.logout()
    login = client.post(reverse("login"), {"username": member.email, "password": "a-Strong-test-passw0rd"})
    assert login.status_code == 200  # refused, form shown again

    client.force_login(tenant.owner)
    client.post(reverse("team-reactivate", args=[member.pk]))
    member.refresh_from_db()
    assert member.is_active is True


def test_admin_cannot_deactivate_themselves(client, tenant):
    client.force_login(tenant.owner)
    response = client.post(reverse("team-deactivate", args=[tenant.owner.pk]), follow=True)
    assert b"You cannot deactivate yourself" in response.content
    tenant.owner.refresh_from_db()
    assert tenant.owner.is_active


def test_deactivate_is_post_only(client, tenant):
    client.force_login(tenant.owner)
    assert client.get(reverse("team-deactivate", args=[tenant.member.pk])).status_code == 405


@pytest.mark.parametrize(
    "role", [SystemRole.USER, SystemRole.TASK_WORKER, SystemRole.TICKET_ADMIN, SystemRole.WORKFLOW_CREATOR]
)
def test_team_pages_are_for_company_admins_only(client, tenant, role):
    client.force_login(tenant.by_role[role])
    assert client.get(reverse("team")).status_code == 403
    assert client.get(reverse("team-add")).status_code == 403
    assert client.get(reverse("company-roles")).status_code == 403
    assert client.post(reverse("team-deactivate", args=[tenant.member.pk])).status_code == 404
    tenant.member.refresh_from_db()
    assert tenant.member.is_active
