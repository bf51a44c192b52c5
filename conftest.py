"""Fixtures shared by every app's tests.

Two companies, each with an owner (all five roles), a member (ticket submitter)
and one user per single system role; `outsider` is the other company's owner.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.conf import settings
from django.core.cache import cache

from users.models import Company, User
from users.roles import SystemRole
from users.tests.factories import ALL_ROLES, CompanyFactory, SuperuserFactory, UserFactory
from workflow_design.plans import forget_plans


def pytest_collection_modifyitems(config, items):
    on_sqlite = settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")
    skip_postgres = pytest.mark.skip(reason="needs PostgreSQL; CI runs it there")
    for item in items:
        if on_sqlite and "postgres" in item.keywords:
            item.add_marker(skip_postgres)


@dataclass
class Tenant:
    company: Company
    owner: User
    member: User
    by_role: dict[str, User] = field(default_factory=dict)


def make_tenant(name: str) -> Tenant:
    company = CompanyFactory(name=name)
    owner = UserFactory(company=company, roles=ALL_ROLES, first_name="Olivia")
    member = UserFactory(company=company, roles=[SystemRole.USER])
    by_role = {role: UserFactory(company=company, roles=[role]) for role in ALL_ROLES}
    return Tenant(company=company, owner=owner, member=member, by_role=by_role)


@pytest.fixture
def tenant(db) -> Tenant:
    return make_tenant("Alpha Ltd")


@pytest.fixture
def other_tenant(db) -> Tenant:
    return make_tenant("Beta GmbH")


@pytest.fixture
def owner(tenant: Tenant) -> User:
    return tenant.owner


@pytest.fixture
def outsider(other_tenant: Tenant) -> User:
    return other_tenant.owner


@pytest.fixture
def superuser(db) -> User:
    return SuperuserFactory(email="staff@ticketflower.test")


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def allow_private_action_targets(settings):
    """Let HTTP action tasks call loopback and private addresses (off in tests, as in production)."""
    settings.ACTIONS_ALLOW_PRIVATE_TARGETS = True


@pytest.fixture(autouse=True)
def _fresh_company_cache():
    """Values are cached per company id and setup version (users.company_cache); test databases reuse both."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fresh_workflow_plans():
    """Published workflow plans are cached by id per process; test databases reuse ids."""
    forget_plans()
    yield
    forget_plans()


@pytest.fixture
def system_role_groups(transactional_db):
    """Transactional tests flush every table, the rows of data migrations too: put the role groups back."""
    importlib.import_module("users.migrations.0002_system_roles").create_roles(apps, None)
