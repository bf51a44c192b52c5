"""Cross-company matrix: another company's object id is a 404 for every role.

To cover a new URL, add one line to CROSS_COMPANY_URLS: the URL name, a
function that builds (or picks) the *other* company's object and returns the
URL kwargs, and the methods the URL answers. A completeness test fails when a
URL that takes an id is missing here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from conftest import Tenant
from users.roles import SystemRole
from users.tenancy import IMPERSONATION_SESSION_KEY
from users.tests.factories import CompanyRoleFactory
from workflow_design.tests.factories import (
    TaskDefinitionFactory,
    TicketDefinitionFactory,
    WorkflowDefinitionFactory,
    WorkflowTransitionFactory,
)
from workflow_ops.tests.factories import attach, running_ticket, stopped_ticket


@dataclass(frozen=True)
class CrossCompanyUrl:
    name: str
    other_kwargs: Callable[[Tenant], dict]
    methods: tuple[str, ...] = ("get", "post")


def other_workflow(other: Tenant) -> dict:
    return {"pk": WorkflowDefinitionFactory(company=other.company).pk}


def other_task(other: Tenant) -> dict:
    task = TaskDefinitionFactory(workflow__company=other.company)
    return {"pk": task.workflow_id, "task_pk": task.pk}


def other_ticket_type(other: Tenant) -> dict:
    return {"pk": TicketDefinitionFactory(company=other.company).pk}


def other_transition(other: Tenant) -> dict:
    transition = WorkflowTransitionFactory(to_task__workflow__company=other.company)
    return {"pk": transition.workflow_id, "transition_pk": transition.pk}


def other_ticket(other: Tenant) -> dict:
    return {"pk": running_ticket(other.company).pk}


def other_running_task(other: Tenant) -> dict:
    return {"pk": running_ticket(other.company).workflow.current_task_id}


def other_error(other: Tenant) -> dict:
    return {"pk": stopped_ticket(other.company).pk}


def other_upload(other: Tenant) -> dict:
    ticket = running_ticket(other.company)
    return {"pk": attach(ticket, ticket.requester)[0].pk}


def other_published_ticket_type(other: Tenant) -> dict:
    return {"type_pk": running_ticket(other.company).ticket_type_id}


CROSS_COMPANY_URLS = [
    # users
    CrossCompanyUrl("team-edit", lambda other: {"pk": other.member.pk}),
    CrossCompanyUrl("team-deactivate", lambda other: {"pk": other.member.pk}, ("post",)),
    CrossCompanyUrl("team-reactivate", lambda other: {"pk": other.member.pk}, ("post",)),
    CrossCompanyUrl("company-role-edit", lambda other: {"pk": CompanyRoleFactory(company=other.company).pk}),
    CrossCompanyUrl(
        "company-role-delete", lambda other: {"pk": CompanyRoleFactory(company=other.company).pk}, ("post",)
    ),
    # workflow_design: workflows, tasks, transitions
    CrossCompanyUrl("design:workflow-detail", other_workflow),
    CrossCompanyUrl("design:workflow-edit", other_workflow),
    CrossCompanyUrl("design:workflow-draft", other_workflow, ("post",)),
    CrossCompanyUrl("design:workflow-publish", other_workflow, ("post",)),
    CrossCompanyUrl("design:workflow-discard", other_workflow, ("post",)),
    CrossCompanyUrl("design:workflow-export", other_workflow),
    CrossCompanyUrl("design:task-create", other_workflow),
    CrossCompanyUrl("design:task-edit", other_task),
    CrossCompanyUrl("design:task-delete", other_task, ("post",)),
    CrossCompanyUrl("design:task-move", other_task, ("post",)),
    CrossCompanyUrl("design:transition-create", other_workflow),
    CrossCompanyUrl("design:transition-edit", other_transition),
    CrossCompanyUrl("design:transition-delete", other_transition, ("post",)),
    # workflow_design: ticket definitions
    CrossCompanyUrl("design:ticket-type-detail", other_ticket_type, ("get",)),
    CrossCompanyUrl("design:ticket-type-edit", other_ticket_type),
    CrossCompanyUrl("design:ticket-type-publish", other_ticket_type, ("post",)),
    CrossCompanyUrl("design:ticket-type-retire", other_ticket_type, ("post",)),
    # workflow_ops: tickets, tasks, errors
    CrossCompanyUrl("ops:ticket-submit", other_published_ticket_type),
    CrossCompanyUrl("ops:ticket-detail", other_ticket, ("get",)),
    CrossCompanyUrl("ops:ticket-cancel", other_ticket, ("post",)),
    CrossCompanyUrl("ops:ticket-priority", other_ticket, ("post",)),
    CrossCompanyUrl("ops:ticket-comment", other_ticket, ("post",)),
    CrossCompanyUrl("ops:ticket-attach", other_ticket, ("post",)),
    CrossCompanyUrl("ops:attachment-download", other_upload, ("get",)),
    CrossCompanyUrl("ops:task-detail", other_running_task),
    CrossCompanyUrl("ops:ops-task-detail", other_running_task),
    CrossCompanyUrl("ops:task-claim", other_running_task, ("post",)),
    CrossCompanyUrl("ops:task-assign", other_running_task, ("post",)),
    CrossCompanyUrl("ops:task-correct", other_running_task, ("post",)),
    CrossCompanyUrl("ops:error-detail", other_error, ("get",)),
    CrossCompanyUrl("ops:error-retry", other_error, ("post",)),
    CrossCompanyUrl("ops:error-review", other_error, ("post",)),
    CrossCompanyUrl("ops:error-resolve", other_error, ("post",)),
    CrossCompanyUrl("ops:inbox-retry", other_error, ("post",)),
    CrossCompanyUrl("ops:inbox-assign", other_running_task, ("post",)),
]

# Who asks: one user per single system role, the all-roles owner, and staff
# impersonating the first company.
ROLES = [*SystemRole.values, "owner", "superuser-impersonating"]


def login_as(client, role: str, tenant: Tenant, superuser) -> None:
    if role == "superuser-impersonating":
        client.force_login(superuser)
        session = client.session
        session[IMPERSONATION_SESSION_KEY] = tenant.company.pk
        session.save()
    elif role == "owner":
        client.force_login(tenant.owner)
    else:
        client.force_login(tenant.by_role[role])


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("entry", CROSS_COMPANY_URLS, ids=lambda entry: entry.name)
def test_another_companys_id_is_404(client, tenant, other_tenant, superuser, role, entry):
    url = reverse(entry.name, kwargs=entry.other_kwargs(other_tenant))
    login_as(client, role, tenant, superuser)
    for method in entry.methods:
        response = getattr(client, method)(url)
        assert response.status_code == 404, f"{method.upper()} {url} as {role}: {response.status_code}"


def _patterns_with_arguments(resolver: URLResolver, namespace: str = "") -> list[str]:
    names = []
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.app_name == "admin":
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names += _patterns_with_arguments(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.pattern.converters and pattern.name:
            names.append(namespace + pattern.name)
    return names


# URLs that take an argument which is not a company-owned object id.
NOT_OBJECT_URLS = {"password_reset_confirm"}


def test_every_url_with_an_id_is_in_the_matrix():
    covered = {entry.name for entry in CROSS_COMPANY_URLS}
    with_ids = set(_patterns_with_arguments(get_resolver())) - NOT_OBJECT_URLS
    assert with_ids - covered == set(), "add these URLs to CROSS_COMPANY_URLS"
