"""The seams the engine reads: which ticket types a person may submit, the version a new
ticket starts, and a published version's start task and arrows in the order they are tried."""

import pytest

from users.tests.factories import CompanyRoleFactory, UserFactory
from workflow_design import services
from workflow_design.plans import (
    NotRunnable,
    submittable_ticket_types,
    workflow_for_new_ticket,
    workflow_plan,
)
from workflow_design.tests.factories import DECISION_SCHEMA, two_task_workflow

pytestmark = pytest.mark.django_db


def published_type(company, *, title="Purchase", roles=()):
    workflow = two_task_workflow(company, title=f"{title} flow", publish=True)
    ticket_type = services.ticket_type_create(
        company=company, actor=None, title=title, workflow_key=workflow.key, allowed_roles=roles
    )
    return services.ticket_type_publish(ticket_type=ticket_type, actor=None), workflow


def test_the_plan_starts_where_the_start_arrow_points_and_tries_arrows_by_priority(tenant):
    workflow = two_task_workflow(tenant.company)
    review = workflow.tasks.get(key="review")
    # A later arrow with a lower priority is tried first; equal priorities keep their order.
    early = services.transition_create(
        workflow=workflow,
        actor=None,
        from_task=review,
        to_task=None,
        condition={"==": [{"var": "tasks.review.decision"}, "decline"]},
        priority=-5,
        label="Declined",
    )
    workflow = services.workflow_publish(workflow=workflow, actor=None)

    plan = workflow_plan(workflow)

    assert plan.start_task.key == "review"
    assert plan.start_task.output_schema == DECISION_SCHEMA
    assert [arrow.id for arrow in plan.outgoing(review.pk)][0] == early.pk
    assert [arrow.priority for arrow in plan.outgoing(review.pk)] == [-5, 0, 10]
    invoice = plan.task_by_key("invoice")
    assert [arrow.to_task_id for arrow in plan.outgoing(invoice.id)] == [None]


def test_a_plan_is_read_once_per_published_version(tenant, django_assert_num_queries):
    workflow = two_task_workflow(tenant.company, publish=True)
    first = workflow_plan(workflow)
    with django_assert_num_queries(0):
        assert workflow_plan(workflow) is first


def test_a_draft_does_not_run(tenant):
    with pytest.raises(NotRunnable):
        workflow_plan(two_task_workflow(tenant.company))


def test_new_tickets_start_the_published_version_not_a_newer_draft(tenant):
    ticket_type, published = published_type(tenant.company)
    services.workflow_draft_for_editing(workflow=published, actor=None)
    assert workflow_for_new_ticket(ticket_type) == published


def test_submittable_ticket_types_follow_roles_status_and_company(tenant, other_tenant):
    purchasing = CompanyRoleFactory(company=tenant.company, name="Purchasing")
    open_to_all, _ = published_type(tenant.company, title="Help")
    restricted, _ = published_type(tenant.company, title="Purchase", roles=[purchasing])
    draft = services.ticket_type_create(company=tenant.company, actor=None, title="Draft", workflow_key="x")
    published_type(other_tenant.company, title="Theirs")
    buyer = UserFactory(company=tenant.company)
    buyer.company_roles.add(purchasing)
    clerk = UserFactory(company=tenant.company)

    assert list(submittable_ticket_types(company=tenant.company, user=buyer)) == [open_to_all, restricted]
    assert list(submittable_ticket_types(company=tenant.company, user=clerk)) == [open_to_all]
    assert draft not in submittable_ticket_types(company=tenant.company, user=buyer)
