"""SQL compiled once from stand-in values answers as the ORM would with the real ones, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from ticketflower.compiled_sql import CompiledQuery
from users.models import User
from users.tests.factories import CompanyFactory, UserFactory

pytestmark = pytest.mark.django_db


def joined_before(company, since):
    return User.objects.filter(company_id=company, date_joined__lt=since, is_active=True)


def count(query: CompiledQuery, **values) -> int:
    sql, params = query.sql_with_params(**values)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM ({sql}) AS rows", params)
        return cursor.fetchone()[0]


def test_the_sql_is_compiled_once_and_answers_for_each_calls_values():
    builds = []

    def build(company, since):
        builds.append((company, since))
        return joined_before(company, since).values("pk").query.sql_with_params()

    query = CompiledQuery(build)
    now = timezone.now()
    alpha, beta = CompanyFactory(), CompanyFactory()
    for joined_days_ago in (1, 3, 10):
        UserFactory(company=alpha, date_joined=now - timedelta(days=joined_days_ago))
    UserFactory(company=beta, date_joined=now - timedelta(days=5))
    UserFactory(company=alpha, date_joined=now - timedelta(days=20), is_active=False)

    for company in (alpha, beta):
        for since in (now, now - timedelta(days=2), now - timedelta(days=4), now - timedelta(days=30)):
            expected = joined_before(company.pk, since).count()
            assert count(query, company=company.pk, since=since) == expected
    assert len(builds) == 1
    assert builds[0][0] < 0 and builds[0][1].year == 1901, "built from stand-ins, never from a caller's values"


def test_a_value_the_querysets_change_is_refused_rather_than_guessed():
    query = CompiledQuery(
        lambda since: joined_before(1, since + timedelta(days=1)).values("pk").query.sql_with_params()
    )
    with pytest.raises(ValueError, match="since"):
        query.sql_with_params(since=timezone.now())


def test_only_numbers_and_times_have_stand_ins():
    query = CompiledQuery(lambda email: User.objects.filter(email=email).values("pk").query.sql_with_params())
    with pytest.raises(TypeError, match="str"):
        query.sql_with_params(email="a@example.test")
