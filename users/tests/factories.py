"""Factories for the users app. Child objects take their company from their parent."""

from __future__ import annotations

import factory
from django.contrib.auth.models import Group

from users.models import Company, CompanyRole, User
from users.roles import SystemRole

TEST_PASSWORD = "a-Strong-test-passw0rd"


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"Company {n}")


class CompanyRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CompanyRole

    company = factory.SubFactory(CompanyFactory)
    name = factory.Sequence(lambda n: f"Role {n}")
    description = "A company role"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    company = factory.SubFactory(CompanyFactory)
    password = factory.django.Password(TEST_PASSWORD)

    @factory.post_generation
    def roles(self, create: bool, extracted: list[str] | None, **kwargs) -> None:
        """`UserFactory(roles=["admin", "task_worker"])` puts the user in those groups."""
        if create and extracted:
            self.groups.set(Group.objects.filter(name__in=extracted))

    @factory.post_generation
    def company_roles(self, create: bool, extracted: list[CompanyRole] | None, **kwargs) -> None:
        if create and extracted:
            self.company_roles.set(extracted)


class SuperuserFactory(UserFactory):
    company = None
    is_staff = True
    is_superuser = True


ALL_ROLES = list(SystemRole.values)
