import pytest
from django.urls import reverse

from users.models import AuditEvent, Company, User
from users.roles import SystemRole
from users.tenancy import IMPERSONATION_SESSION_KEY

pytestmark = pytest.mark.django_db


def test_superuser_impersonates_then_stops(client, superuser, tenant):
    client.force_login(superuser)
    # Without a company, company pages send staff to pick one.
    assert client.get(reverse("team")).url == reverse("impersonate")
    session_before = client.session.session_key

    response = client.post(reverse("impersonate"), {"company": tenant.company.pk})

    assert response.status_code == 302
    assert client.session.session_key != session_before  # key cycled on start
    team = client.get(reverse("team"))
    assert team.status_code == 200
    assert {m.email for m in team.context["members"]} >= {tenant.owner.email}
    page = client.get(reverse("dashboard")).content.decode()
    assert "Alpha Ltd" in page and "Stop impersonating" in page

    key_during = client.session.session_key
    client.post(reverse("impersonate-stop"))
    assert client.session.session_key != key_during  # cycled on stop
    assert IMPERSONATION_SESSION_KEY not in client.session
    actions = list(AuditEvent.objects.filter(company=tenant.company).values_list("action", "actor", "impersonating"))
    assert ("impersonation_started", superuser.pk, True) in actions
    assert ("impersonation_stopped", superuser.pk, True) in actions


def test_changes_while_impersonating_record_the_real_user(client, superuser, tenant):
    client.force_login(superuser)
    client.post(reverse("impersonate"), {"company": tenant.company.pk})
    client.post(reverse("company-role-add"), {"name": "Finance"})
    event = AuditEvent.objects.get(action="role_created")
    assert event.actor == superuser and event.impersonating is True and event.company == tenant.company


@pytest.mark.parametrize("role", [*SystemRole.values])
def test_non_superusers_get_404_on_impersonation(client, tenant, other_tenant, role):
    client.force_login(tenant.by_role[role])
    assert client.get(reverse("impersonate")).status_code == 404
    assert client.post(reverse("impersonate"), {"company": other_tenant.company.pk}).status_code == 404
    assert client.post(reverse("impersonate-stop")).status_code == 404


def test_a_forged_session_value_gives_a_non_superuser_nothing(client, tenant, other_tenant):
    client.force_login(tenant.owner)
    session = client.session
    session[IMPERSONATION_SESSION_KEY] = other_tenant.company.pk
    session.save()

    team = client.get(reverse("team"))

    emails = {member.email for member in team.context["members"]}
    assert other_tenant.owner.email not in emails
    assert tenant.owner.email in emails
    assert b"Stop impersonating" not in team.content


def test_superuser_demoted_mid_session_loses_the_impersonated_company(client, superuser, tenant):
    client.force_login(superuser)
    client.post(reverse("impersonate"), {"company": tenant.company.pk})
    User.objects.filter(pk=superuser.pk).update(is_superuser=False)

    response = client.get(reverse("team"))

    assert response.status_code == 404  # staff user without a company has none to act in


def test_impersonation_start_needs_csrf(superuser, tenant):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(superuser)
    response = strict.post(reverse("impersonate"), {"company": tenant.company.pk})
    assert response.status_code == 403
    assert IMPERSONATION_SESSION_KEY not in strict.session


def test_impersonating_an_unknown_company_is_404(client, superuser):
    client.force_login(superuser)
    assert client.post(reverse("impersonate"), {"company": 999999}).status_code == 404
    assert client.post(reverse("impersonate"), {"company": "abc"}).status_code == 404


def test_the_impersonation_notice_shows_once_and_a_long_name_is_cut_with_the_full_name_on_hover(client, superuser):
    long_name = "Bloom" + "x" * 250
    company = Company.objects.create(name=long_name)
    client.force_login(superuser)

    page = client.post(reverse("impersonate"), {"company": company.pk}, follow=True).content.decode()

    assert page.count("acting inside") == 1  # the bar, not the bar and a message
    assert f'data-testid="current-company" title="{long_name}"' in page
    assert f'<strong class="name-clip" title="{long_name}">' in page
