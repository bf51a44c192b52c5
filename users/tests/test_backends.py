"""The authentication backend: same permissions as Django's ModelBackend, fewer queries per page."""

import pytest
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission

from users.backends import CompanyUserBackend
from users.models import User
from users.roles import SystemRole
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def fresh(user):
    return User.objects.get(pk=user.pk)


@pytest.mark.parametrize("roles", [[], [SystemRole.USER], [SystemRole.TICKET_ADMIN, SystemRole.TASK_WORKER]])
def test_permissions_are_the_model_backends_own_and_group_permissions(roles):
    user = UserFactory(roles=roles)
    user.user_permissions.add(Permission.objects.get(codename="view_company"))
    expected = ModelBackend().get_all_permissions(fresh(user))
    assert CompanyUserBackend().get_all_permissions(fresh(user)) == expected
    assert "users.view_company" in expected


def test_permissions_are_read_in_one_query_and_kept_for_the_request(django_assert_num_queries):
    user = fresh(UserFactory(roles=[SystemRole.TICKET_ADMIN]))
    backend = CompanyUserBackend()
    with django_assert_num_queries(1):
        assert backend.has_perm(user, "users.manage_tickets")
        assert not backend.has_perm(user, "users.design_workflows")


def test_an_inactive_user_has_no_permissions():
    user = UserFactory(roles=[SystemRole.TICKET_ADMIN], is_active=False)
    assert CompanyUserBackend().get_all_permissions(fresh(user)) == set()


def test_the_signed_in_user_comes_with_their_company(django_assert_num_queries):
    user = UserFactory()
    with django_assert_num_queries(1):
        loaded = CompanyUserBackend().get_user(user.pk)
        assert loaded.company.name == user.company.name
    assert CompanyUserBackend().get_user(user.pk + 1000) is None
