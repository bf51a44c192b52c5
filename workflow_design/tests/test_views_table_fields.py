"""The ticket-type pages with a table field and a multi-choice field, built as the browser posts them."""

import pytest
from django.urls import reverse

from users.roles import SystemRole
from workflow_design.models import TicketDefinition
from workflow_design.tests.factories import two_task_workflow
from workflow_design.tests.test_views_tickets import ticket_post

pytestmark = pytest.mark.django_db


def test_a_creator_builds_a_table_and_a_multi_choice_field_and_sees_its_columns(client, tenant):
    two_task_workflow(tenant.company, publish=True)
    client.force_login(tenant.by_role[SystemRole.WORKFLOW_CREATOR])
    columns = {
        "fields-0-columns-TOTAL_FORMS": "2",
        "fields-0-columns-INITIAL_FORMS": "0",
        "fields-0-columns-0-label": "Item",
        "fields-0-columns-0-type": "text",
        "fields-0-columns-0-required": "on",
        "fields-0-columns-1-label": "Meters",
        "fields-0-columns-1-type": "number",
        "fields-0-columns-1-decimal_places": "2",
        "fields-1-columns-TOTAL_FORMS": "0",
        "fields-1-columns-INITIAL_FORMS": "0",
    }
    response = client.post(
        reverse("design:ticket-type-create"),
        ticket_post(
            "Fabric order",
            "purchase-approval",
            rows=[
                {"label": "Order lines", "type": "table", "required": "on", "minimum": "1"},
                {"label": "Finishes", "type": "multichoice", "choices": "matte\ngloss"},
            ],
            **columns,
        ),
    )
    assert response.status_code == 302, response.content.decode()
    schema = TicketDefinition.objects.get(company=tenant.company).fields_schema
    assert schema["properties"]["order_lines"]["items"]["x-order"] == ["item", "meters"]
    assert schema["properties"]["finishes"]["items"]["enum"] == ["matte", "gloss"]

    detail = client.get(response.url).content.decode()
    assert 'data-testid="columns-order_lines">Columns: Item*, Meters</div>' in detail
    assert "Checkboxes" in detail and "Table" in detail

    edit = client.get(reverse("design:ticket-type-edit", args=[TicketDefinition.objects.get().pk])).content.decode()
    assert 'name="fields-0-columns-1-decimal_places" value="2"' in edit


def test_a_table_with_a_broken_column_is_refused_beside_it(client, tenant):
    two_task_workflow(tenant.company, publish=True)
    client.force_login(tenant.by_role[SystemRole.WORKFLOW_CREATOR])
    response = client.post(
        reverse("design:ticket-type-create"),
        ticket_post(
            "Fabric order",
            "purchase-approval",
            rows=[{"label": "Order lines", "type": "table"}],
            **{
                "fields-0-columns-TOTAL_FORMS": "1",
                "fields-0-columns-INITIAL_FORMS": "0",
                "fields-0-columns-0-label": "Colour",
                "fields-0-columns-0-type": "choice",
            },
        ),
    )
    content = response.content.decode()
    assert response.status_code == 200 and not TicketDefinition.objects.exists()
    assert "Fix the columns of this table below." in content
    assert "A choice field needs at least one choice (one per line)." in content


def test_the_added_row_can_become_a_table_with_columns(client, tenant):
    client.force_login(tenant.by_role[SystemRole.WORKFLOW_CREATOR])
    response = client.get(reverse("design:field-row"), {"prefix": "fields", "fields-TOTAL_FORMS": "3"})
    content = response.content.decode()
    assert '<option value="table">Table</option>' in content
    assert 'name="fields-3-columns-TOTAL_FORMS" value="0"' in content
    assert 'name="fields-3-columns-__prefix__-label"' in content and "data-add-row" in content
