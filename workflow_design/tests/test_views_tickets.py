import pytest
from django.urls import reverse

from users.roles import SystemRole
from users.tests.factories import CompanyRoleFactory
from workflow_design.models import DefinitionStatus, TicketDefinition
from workflow_design.tests.factories import TicketDefinitionFactory, two_task_workflow

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def ticket_post(title, workflow_key, *, key="", rows=(), roles=(), raw=None, original="", **extra):
    """The ticket-type form as a browser posts it: details + field builder rows."""
    data = {
        "title": title,
        "key": key,
        "description": "",
        "workflow_key": workflow_key,
        "allowed_roles": [role.pk for role in roles],
        "fields-TOTAL_FORMS": str(len(rows)),
        "fields-INITIAL_FORMS": "0",
        "fields-MIN_NUM_FORMS": "0",
        "fields-MAX_NUM_FORMS": "100",
        "fields-raw-raw": raw if raw is not None else original,
        "fields-raw-original": original,
    }
    for index, row in enumerate(rows):
        for name, value in row.items():
            data[f"fields-{index}-{name}"] = value
    data.update(extra)
    return data


def as_role(client, tenant, role):
    client.force_login(tenant.by_role[role])
    return client


def test_ticket_admin_reads_but_cannot_write(client, tenant):
    ticket_type = TicketDefinitionFactory(company=tenant.company)
    as_role(client, tenant, SystemRole.TICKET_ADMIN)
    assert client.get(reverse("design:ticket-type-list")).status_code == 200
    assert client.get(reverse("design:ticket-type-detail", args=[ticket_type.pk])).status_code == 200
    assert client.get(reverse("design:export-company")).status_code == 200
    assert client.get(reverse("design:ticket-type-create")).status_code == 403
    assert client.get(reverse("design:ticket-type-edit", args=[ticket_type.pk])).status_code == 403
    assert client.post(reverse("design:ticket-type-publish", args=[ticket_type.pk])).status_code == 403
    assert client.post(reverse("design:ticket-type-retire", args=[ticket_type.pk])).status_code == 403
    assert client.get(reverse("design:import")).status_code == 403


@pytest.mark.parametrize("role", [SystemRole.USER, SystemRole.TASK_WORKER, SystemRole.ADMIN])
def test_roles_without_design_permissions_get_403(client, tenant, role):
    ticket_type = TicketDefinitionFactory(company=tenant.company)
    as_role(client, tenant, role)
    for url in [
        reverse("design:ticket-type-list"),
        reverse("design:ticket-type-detail", args=[ticket_type.pk]),
        reverse("design:ticket-type-create"),
        reverse("design:import"),
        reverse("design:export-company"),
    ]:
        assert client.get(url).status_code == 403, url


def test_creator_builds_a_ticket_type_with_fields_and_publishes_it(client, tenant):
    two_task_workflow(tenant.company, publish=True)
    sales = CompanyRoleFactory(company=tenant.company, name="Sales")
    as_role(client, tenant, SystemRole.WORKFLOW_CREATOR)

    response = client.post(
        reverse("design:ticket-type-create"),
        ticket_post(
            "Purchase request",
            "purchase-approval",
            roles=[sales],
            rows=[
                {"label": "What do you need?", "name": "item", "type": "text", "required": "on"},
                {"label": "Amount", "name": "amount", "type": "number", "minimum": "0"},
            ],
        ),
    )

    ticket_type = TicketDefinition.objects.get(company=tenant.company)
    assert response.status_code == 302
    assert response.url == reverse("design:ticket-type-detail", args=[ticket_type.pk])
    assert ticket_type.key == "purchase-request"
    assert ticket_type.status == DefinitionStatus.DRAFT
    assert ticket_type.fields_schema["required"] == ["item"]
    assert ticket_type.fields_schema["properties"]["amount"] == {"type": "number", "title": "Amount", "minimum": 0}
    assert list(ticket_type.allowed_roles.all()) == [sales]

    detail = client.get(response.url).content.decode()
    assert "What do you need?" in detail and "Sales" in detail

    client.post(reverse("design:ticket-type-publish", args=[ticket_type.pk]))
    ticket_type.refresh_from_db()
    assert ticket_type.status == DefinitionStatus.PUBLISHED

    client.post(reverse("design:ticket-type-retire", args=[ticket_type.pk]))
    ticket_type.refresh_from_db()
    assert ticket_type.status == DefinitionStatus.RETIRED


def test_form_errors_show_next_to_fields_and_nothing_is_saved(client, tenant):
    as_role(client, tenant, SystemRole.WORKFLOW_CREATOR)
    response = client.post(
        reverse("design:ticket-type-create"),
        ticket_post("", "no-such-workflow", rows=[{"label": "Bad", "name": "9bad", "type": "text"}]),
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert 'data-field-error="title"' in content
    assert 'data-field-error="workflow_key"' in content
    assert "9bad" in content
    assert not TicketDefinition.objects.exists()


def test_duplicate_key_is_a_form_error(client, tenant):
    two_task_workflow(tenant.company)
    TicketDefinitionFactory(company=tenant.company, key="taken")
    as_role(client, tenant, SystemRole.WORKFLOW_CREATOR)
    response = client.post(reverse("design:ticket-type-create"), ticket_post("Taken", "purchase-approval", key="taken"))
    assert response.status_code == 200
    assert "Another ticket type already uses this key." in response.content.decode()


def test_choices_offer_only_this_companys_workflows_and_roles(client, tenant, other_tenant):
    two_task_workflow(tenant.company, title="Ours")
    two_task_workflow(other_tenant.company, title="Theirs")
    CompanyRoleFactory(company=tenant.company, name="Our role")
    theirs = CompanyRoleFactory(company=other_tenant.company, name="Their role")
    as_role(client, tenant, SystemRole.WORKFLOW_CREATOR)

    page = client.get(reverse("design:ticket-type-create")).content.decode()
    assert "Ours" in page and "Our role" in page
    assert "Theirs" not in page and "Their role" not in page

    response = client.post(reverse("design:ticket-type-create"), ticket_post("Sneaky", "ours", roles=[theirs]))
    assert response.status_code == 200
    assert 'data-field-error="allowed_roles"' in response.content.decode()
    assert not TicketDefinition.objects.filter(title="Sneaky").exists()


def test_publishing_without_a_published_workflow_is_refused_with_a_message(client, tenant):
    two_task_workflow(tenant.company)  # a draft only
    ticket_type = TicketDefinitionFactory(company=tenant.company, workflow_key="purchase-approval")
    as_role(client, tenant, SystemRole.WORKFLOW_CREATOR)

    response = client.post(reverse("design:ticket-type-publish", args=[ticket_type.pk]), follow=True)

    ticket_type.refresh_from_db()
    assert ticket_type.status == DefinitionStatus.DRAFT
    assert "Not published" in response.content.decode()


def test_editing_keeps_the_key_and_bumps_the_revision(client, tenant):
    two_task_workflow(tenant.company, publish=True)
    ticket_type = TicketDefinitionFactory(company=tenant.company, key="keep-me", workflow_key="purchase-approval")
    as_role(client, tenant, SystemRole.WORKFLOW_CREATOR)
    edit = reverse("design:ticket-type-edit", args=[ticket_type.pk])
    assert client.get(edit).status_code == 200

    response = client.post(edit, ticket_post("Renamed", "purchase-approval", key="changed"))

    ticket_type.refresh_from_db()
    assert response.status_code == 302
    assert (ticket_type.title, ticket_type.key, ticket_type.version) == ("Renamed", "keep-me", 2)


def test_a_published_ticket_type_cannot_be_saved_invalid(client, tenant):
    two_task_workflow(tenant.company, publish=True)
    ticket_type = TicketDefinitionFactory(
        company=tenant.company, workflow_key="purchase-approval", status=DefinitionStatus.PUBLISHED
    )
    other = two_task_workflow(tenant.company, title="Only a draft")
    as_role(client, tenant, SystemRole.WORKFLOW_CREATOR)

    response = client.post(reverse("design:ticket-type-edit", args=[ticket_type.pk]), ticket_post("Moved", other.key))

    ticket_type.refresh_from_db()
    assert response.status_code == 200
    assert "must stay valid" in response.content.decode()
    assert ticket_type.workflow_key == "purchase-approval" and ticket_type.title != "Moved"


def test_list_searches_filters_and_answers_htmx_with_rows(client, tenant, other_tenant):
    TicketDefinitionFactory(company=tenant.company, title="Laptop request", status=DefinitionStatus.PUBLISHED)
    TicketDefinitionFactory(company=tenant.company, title="Holiday request")
    TicketDefinitionFactory(company=other_tenant.company, title="Laptop of theirs")
    as_role(client, tenant, SystemRole.TICKET_ADMIN)

    page = client.get(reverse("design:ticket-type-list"), {"q": "laptop"}).content.decode()
    assert "Laptop request" in page and "Holiday request" not in page and "theirs" not in page

    rows = client.get(reverse("design:ticket-type-list"), {"status": "draft"}, **HTMX).content.decode()
    assert "Holiday request" in rows and "Laptop request" not in rows
    assert "<html" not in rows


def test_empty_list_tells_a_creator_what_to_do(client, tenant):
    as_role(client, tenant, SystemRole.WORKFLOW_CREATOR)
    content = client.get(reverse("design:ticket-type-list")).content.decode()
    assert "No ticket types yet" in content
    assert reverse("design:ticket-type-create") in content and reverse("design:import") in content


@pytest.mark.parametrize("count", [3, 30])
def test_list_queries_are_bounded(client, tenant, django_assert_max_num_queries, count):
    for index in range(count):
        two_task_workflow(tenant.company, title=f"Flow {index}")
        ticket_type = TicketDefinitionFactory(company=tenant.company, workflow_key=f"flow-{index}")
        ticket_type.allowed_roles.add(CompanyRoleFactory(company=tenant.company))
    as_role(client, tenant, SystemRole.TICKET_ADMIN)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("design:ticket-type-list"))
    assert response.status_code == 200
    assert len(response.context["ticket_types"]) == min(count, 25)


def test_unchanged_field_rows_are_kept_whatever_initial_forms_says(client, tenant):
    # INITIAL_FORMS is only a hint from the page: a row equal to its initial value must
    # still be read, not silently dropped (which would delete the field on save).
    two_task_workflow(tenant.company, publish=True)
    schema = {"type": "object", "properties": {"item": {"type": "string", "title": "Item"}}, "x-order": ["item"]}
    ticket_type = TicketDefinitionFactory(
        company=tenant.company, workflow_key="purchase-approval", fields_schema=schema
    )
    as_role(client, tenant, SystemRole.WORKFLOW_CREATOR)

    client.post(
        reverse("design:ticket-type-edit", args=[ticket_type.pk]),
        ticket_post("Renamed", "purchase-approval", rows=[{"label": "Item", "name": "item", "type": "text"}]),
    )

    ticket_type.refresh_from_db()
    assert ticket_type.title == "Renamed"
    assert list(ticket_type.fields_schema["properties"]) == ["item"]
