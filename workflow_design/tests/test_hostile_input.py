"""What designers (or anyone with a designer's session) can post: never a 500, never a slow
request, a message next to the field, nothing saved."""

import pytest
from django.urls import reverse

from users.roles import SystemRole
from workflow_design.models import TaskDefinition, WorkflowTransition
from workflow_design.tests.factories import two_task_workflow
from workflow_design.tests.test_views_tickets import ticket_post
from workflow_design.tests.test_views_workflows import task_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def designer(client, tenant):
    client.force_login(tenant.by_role[SystemRole.WORKFLOW_CREATOR])
    return client


@pytest.mark.parametrize(
    "raw, message",
    [
        ("[" * 100000, "nested more than"),
        ('{"a": 1' + "0" * 5000 + "}", "not valid JSON"),
        ('{"type": "object", "properties": {"a": {"type": "string", "title": "x\\u0000y"}}}', "NUL"),
        ('{"type": "object", "properties": {"a": {"type": "string", "title": "x\\ud800y"}}}', "NUL"),
    ],
    ids=["deep", "long-number", "nul", "lone-surrogate"],
)
def test_hostile_raw_json_schema_is_a_message_next_to_the_textarea(designer, tenant, raw, message):
    workflow = two_task_workflow(tenant.company)
    before = TaskDefinition.objects.count()

    response = designer.post(reverse("design:task-create", args=[workflow.pk]), task_post("Odd", raw=raw))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert TaskDefinition.objects.count() == before


def test_hostile_raw_condition_is_a_message(designer, tenant):
    workflow = two_task_workflow(tenant.company)
    review = workflow.tasks.get(key="review")
    before = WorkflowTransition.objects.count()
    response = designer.post(
        reverse("design:transition-create", args=[workflow.pk]),
        {"from_task": review.pk, "to_task": "", "priority": "5", "condition-raw": "[" * 5000},
    )
    assert response.status_code == 200
    assert "nested more than" in response.content.decode()
    assert WorkflowTransition.objects.count() == before


@pytest.mark.parametrize("value", ["1e5000", "1e100000", "-1e16"])
def test_huge_field_bounds_are_refused_quickly(designer, tenant, value):
    workflow = two_task_workflow(tenant.company)
    row = {"label": "Amount", "name": "amount", "type": "number", "minimum": value}
    response = designer.post(reverse("design:task-create", args=[workflow.pk]), task_post("Odd", rows=[row]))
    assert response.status_code == 200
    assert (
        'data-field-error="minimum"' in response.content.decode() or "less than or equal" in response.content.decode()
    )
    assert not workflow.tasks.filter(title="Odd").exists()


@pytest.mark.parametrize("priority", ["1000000000000000000000000000000", "2147483648", "-2147483649"])
def test_out_of_range_priority_is_a_form_error(designer, tenant, priority):
    workflow = two_task_workflow(tenant.company)
    review = workflow.tasks.get(key="review")
    before = WorkflowTransition.objects.count()
    response = designer.post(
        reverse("design:transition-create", args=[workflow.pk]),
        {"from_task": review.pk, "to_task": "", "priority": priority},
    )
    assert response.status_code == 200
    assert 'data-field-error="priority"' in response.content.decode()
    assert WorkflowTransition.objects.count() == before


@pytest.mark.parametrize("value", ["nan", "inf", "-Infinity", "1e400"])
def test_non_finite_numbers_in_the_condition_builder_are_refused(designer, tenant, value):
    workflow = two_task_workflow(tenant.company)
    schema = {"type": "object", "properties": {"amount": {"type": "number", "title": "Amount"}}}
    review = workflow.tasks.get(key="review")
    review.output_schema = schema
    review.save()
    before = WorkflowTransition.objects.count()
    response = designer.post(
        reverse("design:transition-create", args=[workflow.pk]),
        {
            "from_task": review.pk,
            "to_task": "",
            "priority": "5",
            "condition-variable": "tasks.review.amount",
            "condition-operator": "equals",
            "condition-value": value,
        },
    )
    assert response.status_code == 200
    assert WorkflowTransition.objects.count() == before


def test_too_many_rows_are_refused_without_building_them_all(designer, tenant):
    two_task_workflow(tenant.company, publish=True)
    data = ticket_post("Many", "purchase-approval")
    data["fields-TOTAL_FORMS"] = "100000"
    response = designer.post(reverse("design:ticket-type-create"), data)
    assert response.status_code == 200
    assert "at most 100" in response.content.decode()
    assert len(response.context["builder"].formset.forms) <= 101


@pytest.mark.parametrize("url_name", ["design:workflow-list", "design:ticket-type-list"])
def test_a_nul_in_the_search_box_is_ignored(designer, url_name):
    assert designer.get(reverse(url_name), {"q": "a\x00b"}).status_code == 200


@pytest.mark.parametrize(
    "query",
    [{"prefix": "output", "output-TOTAL_FORMS": "²"}, {"prefix": "output\n", "output\n-TOTAL_FORMS": "1"}],
    ids=["unicode-digit", "newline-prefix"],
)
def test_field_row_endpoint_refuses_odd_counters_and_prefixes(designer, query):
    assert designer.get(reverse("design:field-row"), query).status_code == 400


def test_an_empty_arrow_form_does_not_save_a_start_to_end_arrow(designer, tenant):
    workflow = two_task_workflow(tenant.company)
    before = WorkflowTransition.objects.count()
    response = designer.post(reverse("design:transition-create", args=[workflow.pk]), {})
    assert response.status_code == 200
    assert 'data-field-error="to_task"' in response.content.decode()
    assert WorkflowTransition.objects.count() == before
