"""A company role that ticket types, tasks or people use says which, before and after a delete is tried.

(Here rather than in users/tests: users knows nothing of workflow_design, but the role pages name its objects.)
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from users.models import CompanyRole
from workflow_design.bundles import reference_bundle
from workflow_design.services import bundle_import

pytestmark = pytest.mark.django_db


def test_a_role_used_by_a_ticket_type_and_tasks_names_them_and_its_delete_button_is_off(client, tenant):
    bundle_import(company=tenant.company, actor=None, doc=reference_bundle("it-support"))
    role = CompanyRole.objects.for_company(tenant.company).get(name="Employees")
    tenant.member.company_roles.add(role)
    client.force_login(tenant.owner)

    page = client.get(reverse("company-roles")).content.decode()
    row = page[page.index(f'data-testid="role-{role.pk}"') :]
    row = row[: row.index("</tr>")]
    assert (
        "Used by 1 user ("
        + str(tenant.member)
        + "), 2 task definitions (Triage the request, Fix the problem), and 1 ticket definition (IT support request)."
    ) in row
    assert "disabled" in row and "company-role-delete" not in row

    edit = client.get(reverse("company-role-edit", args=[role.pk])).content.decode()
    assert "1 ticket definition (IT support request)" in edit

    response = client.post(reverse("company-role-delete", args=[role.pk]), follow=True)
    message = str(list(response.context["messages"])[0])
    assert message.startswith("“Employees” is still in use by ")
    assert "1 ticket definition (IT support request)" in message and f"1 user ({tenant.member})" in message
    assert CompanyRole.objects.filter(pk=role.pk).exists()


def test_an_unused_role_asks_before_it_is_deleted(client, tenant):
    CompanyRole.objects.create(company=tenant.company, name="Finance")
    client.force_login(tenant.owner)
    page = client.get(reverse("company-roles")).content.decode()
    assert "Not used yet." in page
    assert 'data-confirm="Delete the company role “Finance”?"' in page


def queries_for(client, url):
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return len(captured.captured_queries)


def test_the_role_list_reads_what_uses_its_roles_in_the_same_number_of_queries_however_many(client, tenant):
    bundle_import(company=tenant.company, actor=None, doc=reference_bundle("procurement"))
    client.force_login(tenant.owner)
    client.get(reverse("company-roles"))  # warm up the session and permission caches
    three_roles = queries_for(client, reverse("company-roles"))
    for name in ("Finance", "Warehouse", "Drivers"):
        tenant.member.company_roles.add(CompanyRole.objects.create(company=tenant.company, name=name))
    client.get(reverse("company-roles"))  # the setup changed: the cached permissions are read again once

    assert queries_for(client, reverse("company-roles")) == three_roles
    assert (
        "Used by 2 task definitions (Get a vendor quote, Place the order)."
        in client.get(reverse("company-roles")).content.decode()
    )
