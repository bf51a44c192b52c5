import pytest
from django.urls import reverse

from users.roles import SystemRole
from workflow_design.models import DefinitionStatus
from workflow_design.services import workflow_draft_for_editing
from workflow_design.tests.factories import TicketDefinitionFactory, two_task_workflow

pytestmark = pytest.mark.django_db


def cards(client, user):
    client.force_login(user)
    return {card.title: card for card in client.get(reverse("dashboard")).context["cards"]}


def test_new_company_creator_is_told_to_create_or_import(client, tenant):
    shown = cards(client, tenant.by_role[SystemRole.WORKFLOW_CREATOR])
    assert shown["Workflows"].count == 0
    assert "import a bundle" in shown["Workflows"].empty_hint
    assert shown["Ticket types"].action_label == "Manage ticket types"


def test_counts_are_this_companys_workflow_families_and_published_ticket_types(client, tenant, other_tenant):
    workflow = two_task_workflow(tenant.company, publish=True)
    workflow_draft_for_editing(workflow=workflow, actor=None)  # v2 draft: still one workflow
    TicketDefinitionFactory(company=tenant.company, status=DefinitionStatus.PUBLISHED)
    TicketDefinitionFactory(company=tenant.company)  # a draft is not counted
    two_task_workflow(other_tenant.company)
    TicketDefinitionFactory(company=other_tenant.company, status=DefinitionStatus.PUBLISHED)

    shown = cards(client, tenant.by_role[SystemRole.TICKET_ADMIN])

    assert shown["Workflows"].count == 1
    assert shown["Ticket types"].count == 1
    assert shown["Workflows"].action_label == "View workflows"


def test_submitters_and_workers_see_no_design_cards(client, tenant):
    for role in (SystemRole.USER, SystemRole.TASK_WORKER):
        assert "Workflows" not in cards(client, tenant.by_role[role])
