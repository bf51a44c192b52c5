"""Factories for definitions. Child objects take their company from their parent,
so one object graph never spans two companies."""

from __future__ import annotations

import factory

from users.tests.factories import CompanyFactory
from workflow_design import services
from workflow_design.models import TaskDefinition, TaskType, TicketDefinition, WorkflowDefinition, WorkflowTransition


class WorkflowDefinitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkflowDefinition

    company = factory.SubFactory(CompanyFactory)
    key = factory.Sequence(lambda n: f"workflow-{n}")
    version = 1
    title = factory.Sequence(lambda n: f"Workflow {n}")


class TaskDefinitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TaskDefinition

    workflow = factory.SubFactory(WorkflowDefinitionFactory)
    company = factory.SelfAttribute("workflow.company")
    key = factory.Sequence(lambda n: f"task-{n}")
    title = factory.Sequence(lambda n: f"Task {n}")
    task_type = TaskType.FORM
    position = factory.Sequence(lambda n: n)


class WorkflowTransitionFactory(factory.django.DjangoModelFactory):
    """Defaults to the start transition of a new task's workflow."""

    class Meta:
        model = WorkflowTransition

    to_task = factory.SubFactory(TaskDefinitionFactory)
    workflow = factory.SelfAttribute("to_task.workflow")
    company = factory.SelfAttribute("workflow.company")
    from_task = None


class TicketDefinitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TicketDefinition

    company = factory.SubFactory(CompanyFactory)
    key = factory.Sequence(lambda n: f"ticket-{n}")
    title = factory.Sequence(lambda n: f"Ticket type {n}")
    workflow_key = "support"


DECISION_SCHEMA = {
    "type": "object",
    "properties": {"decision": {"type": "string", "title": "Decision", "enum": ["approve", "decline"]}},
    "required": ["decision"],
    "x-order": ["decision"],
}


def two_task_workflow(company, *, title="Purchase approval", publish=False):
    """Start → review → (approve) invoice → end; review → end otherwise. Valid."""
    workflow = services.workflow_create(company=company, actor=None, title=title)
    review = services.task_create(
        actor=None, workflow=workflow, title="Review", key="review", output_schema=DECISION_SCHEMA
    )
    invoice = services.task_create(actor=None, workflow=workflow, title="Invoice", key="invoice")
    services.transition_create(
        actor=None,
        workflow=workflow,
        from_task=review,
        to_task=invoice,
        condition={"==": [{"var": "tasks.review.decision"}, "approve"]},
        priority=0,
    )
    services.transition_create(
        actor=None, workflow=workflow, from_task=review, to_task=None, priority=10, label="Declined"
    )
    services.transition_create(actor=None, workflow=workflow, from_task=invoice, to_task=None, label="Invoiced")
    if publish:
        workflow = services.workflow_publish(actor=None, workflow=workflow)
    return workflow
