"""What pages derive from a company's setup is cached per setup version; every change moves the version on."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.urls import reverse

from users.backends import CompanyUserBackend
from users.company_cache import company_cached, setup_changed
from users.models import Company, User
from users.roles import SystemRole
from users.services import Actor, company_role_delete, company_settings_update, team_member_update
from users.tests.factories import TEST_PASSWORD, CompanyFactory, CompanyRoleFactory, UserFactory

pytestmark = pytest.mark.django_db


def version(company: Company) -> int:
    return Company.objects.values_list("setup_version", flat=True).get(pk=company.pk)


def test_a_value_is_computed_once_per_setup_version():
    company = CompanyFactory()
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert company_cached(company, "thing", compute) == 1
    assert company_cached(company, "thing", compute) == 1
    setup_changed([company.pk])
    company.refresh_from_db()
    assert company_cached(company, "thing", compute) == 2
    assert company_cached(CompanyFactory(), "thing", compute) == 3, "each company has its own"


def _rename(user: User, role) -> None:
    user.first_name = "Renamed"
    user.save()


def _deactivate(user: User, role) -> None:
    user.is_active = False
    user.save(update_fields=["is_active"])


def _rename_role(user: User, role) -> None:
    role.name = "Renamed role"
    role.save()


def _group(name: str) -> Group:
    return Group.objects.get(name=name)


CHANGES = {
    "system role given": lambda user, role: user.groups.add(_group(SystemRole.TICKET_ADMIN)),
    "system role taken": lambda user, role: user.groups.remove(_group(SystemRole.TASK_WORKER)),
    "system role given from the role's side": lambda user, role: _group(SystemRole.TICKET_ADMIN).user_set.add(user),
    "system role's users cleared": lambda user, role: _group(SystemRole.TASK_WORKER).user_set.clear(),
    "own permission given": lambda user, role: user.user_permissions.add(
        Permission.objects.get(codename="view_company")
    ),
    "company role given": lambda user, role: user.company_roles.add(role),
    "company role given from the role's side": lambda user, role: role.users.add(user),
    "name changed": _rename,
    "deactivated": _deactivate,
    "company role renamed": _rename_role,
    "company role deleted": lambda user, role: company_role_delete(role=role, actor=Actor(user=None)),
    "person joins": lambda user, role: UserFactory(company=user.company),
}


@pytest.mark.parametrize("change", CHANGES)
def test_every_change_of_people_and_roles_changes_the_version(change):
    company = CompanyFactory()
    user = UserFactory(company=company, roles=[SystemRole.TASK_WORKER])
    role = CompanyRoleFactory(company=company)
    before = version(company)
    CHANGES[change](user, role)
    assert version(company) != before


def test_a_login_moves_nothing(client):
    user = UserFactory(roles=[SystemRole.TASK_WORKER])
    before = version(user.company)
    response = client.post(reverse("login"), {"username": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302 and User.objects.get(pk=user.pk).last_login is not None
    assert version(user.company) == before


def test_a_change_in_one_company_leaves_the_others_alone():
    mine, theirs = UserFactory(), UserFactory()
    before = version(theirs.company)
    mine.groups.add(Group.objects.get(name=SystemRole.TICKET_ADMIN))
    assert version(theirs.company) == before


def test_a_person_moved_to_another_company_changes_both_versions():
    user, other = UserFactory(), CompanyFactory()
    before = version(user.company), version(other)
    moved = User.objects.get(pk=user.pk)
    moved.company = other
    moved.save()
    assert version(user.company) != before[0] and version(other) != before[1]


def test_a_change_of_what_a_system_role_grants_changes_every_companys_version():
    companies = [UserFactory().company, UserFactory().company]
    before = [version(company) for company in companies]
    group = Group.objects.get(name=SystemRole.USER)
    group.permissions.add(Permission.objects.get(codename="view_company"))
    assert all(version(company) != old for company, old in zip(companies, before, strict=True))


def test_saving_a_copy_of_the_company_read_before_a_change_keeps_the_new_version():
    company = CompanyFactory()
    stale = Company.objects.get(pk=company.pk)
    setup_changed([company.pk])
    moved = version(company)
    company_settings_update(company=stale, actor=Actor(user=None), name="New name", time_zone="Europe/Berlin")
    stale.save()
    assert version(company) == moved
    assert Company.objects.get(pk=company.pk).name == "New name"


def test_permissions_are_cached_for_the_signed_in_user_until_the_setup_changes(django_assert_num_queries):
    user = UserFactory(roles=[SystemRole.TICKET_ADMIN])
    backend = CompanyUserBackend()
    assert backend.has_perm(backend.get_user(user.pk), "users.manage_tickets")
    with django_assert_num_queries(1):  # the user and company; the permissions come from the cache
        signed_in = backend.get_user(user.pk)
        assert backend.has_perm(signed_in, "users.manage_tickets")
    user.groups.set([Group.objects.get(name=SystemRole.USER)])
    signed_in = backend.get_user(user.pk)
    assert not backend.has_perm(signed_in, "users.manage_tickets")
    assert backend.has_perm(signed_in, "users.submit_tickets")


def test_a_deleted_permission_changes_every_companys_version():
    user = UserFactory()
    permission = Permission.objects.create(
        codename="try_things", name="Can try things", content_type=Permission.objects.first().content_type
    )
    user.user_permissions.add(permission)
    before = version(user.company)
    permission.delete()  # its links to users go with it, without an m2m signal
    assert version(user.company) != before


def test_a_change_rolled_back_after_something_was_cached_leaves_nothing_behind():
    """A rolled-back change's version is never seen again, so what was cached under it is never used."""
    user = UserFactory(roles=[SystemRole.USER])
    backend = CompanyUserBackend()
    with pytest.raises(RuntimeError), transaction.atomic():
        user.groups.add(Group.objects.get(name=SystemRole.TICKET_ADMIN))
        assert backend.has_perm(backend.get_user(user.pk), "users.manage_tickets")  # cached under that version
        raise RuntimeError("rolled back")
    CompanyRoleFactory(company=user.company)  # the next change that commits
    assert not backend.has_perm(backend.get_user(user.pk), "users.manage_tickets")


def test_a_role_taken_away_is_refused_on_the_very_next_request(client, tenant):
    admin = UserFactory(company=tenant.company, roles=[SystemRole.TICKET_ADMIN, SystemRole.USER])
    client.force_login(admin)
    queue = reverse("ops:ticket-queue")
    assert client.get(queue).status_code == 200
    team_member_update(
        member=admin,
        actor=Actor(user=tenant.owner),
        first_name=admin.first_name,
        last_name=admin.last_name,
        system_roles=Group.objects.filter(name=SystemRole.USER),
        company_roles=[],
    )
    assert client.get(queue).status_code == 403
    admin.groups.add(Group.objects.get(name=SystemRole.TICKET_ADMIN))
    assert client.get(queue).status_code == 200
