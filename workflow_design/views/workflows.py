"""Workflow pages: list, detail with diagram, versions, publish, discard, export.

Views are thin: forms validate, `workflow_design.services` write, selectors read.
Objects are resolved inside the company-scoped query before the permission
check, so another company's id is a 404 for everyone. Reading needs
`users.view_definitions`; every change needs `users.design_workflows`.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from ticketflower.views import HtmxPartialMixin, search_text
from users.roles import PERM_DESIGN_WORKFLOWS
from users.services import Actor
from users.tenancy import CompanyObjectMixin, CompanyRequiredMixin
from workflow_design import services
from workflow_design.access import DesignReadMixin, DesignWriteMixin
from workflow_design.bundles import export_bundle
from workflow_design.diagram import workflow_mermaid
from workflow_design.durations import duration_label
from workflow_design.forms.workflows import WorkflowCreateForm
from workflow_design.models import DefinitionStatus, WorkflowDefinition
from workflow_design.problems import Problem, errors_of, warnings_of
from workflow_design.schema_builder import condition_text
from workflow_design.selectors import (
    STATUS_FILTERS,
    workflow_list,
    workflow_tasks,
    workflow_transitions,
    workflow_versions,
)
from workflow_design.services import InvalidDefinition, NotEditable
from workflow_design.validation import workflow_problems
from workflow_design.views.downloads import bundle_download


def overview_problems(workflow: WorkflowDefinition) -> list[Problem]:
    """What the pages say of a version: errors and warnings of drafts and of the published version.

    A draft also gets what publishing it would refuse in the published ticket types of
    its key (checked, as publishing does, once the workflow itself has no errors).
    """
    if workflow.status == DefinitionStatus.RETIRED:
        return []
    problems = workflow_problems(workflow)
    if workflow.is_editable and not errors_of(problems):
        problems += services.published_ticket_type_problems(workflow=workflow)
    return problems


def workflow_overview(workflow: WorkflowDefinition) -> dict[str, Any]:
    """Tasks, arrows, diagram and problems, each problem shown once: beside its task or arrow,
    or (when it belongs to neither) in the list above them."""
    tasks = workflow_tasks(workflow=workflow)
    transitions = workflow_transitions(workflow=workflow)
    problems = overview_problems(workflow)
    by_task, by_transition, general = defaultdict(list), defaultdict(list), []
    for problem in problems:
        if problem.task_key:
            by_task[problem.task_key].append(problem)
        elif problem.transition_id:
            by_transition[problem.transition_id].append(problem)
        else:
            general.append(problem)
    for task in tasks:
        task.problems = by_task.get(task.key, [])
        task.remind_label = duration_label(task.remind_after)
        task.escalate_label = duration_label(task.escalate_after)
        task.field_count = len((task.output_schema or {}).get("properties") or {})
    for transition in transitions:
        transition.problems = by_transition.get(transition.pk, [])
        transition.condition_label = condition_text(transition.condition)
    diagram = workflow_mermaid(
        tasks, transitions, problem_task_ids={task.pk for task in tasks if errors_of(task.problems)}
    )
    return {
        "workflow": workflow,
        "tasks": tasks,
        "transitions": transitions,
        "problems": problems,
        "error_count": len(errors_of(problems)),
        "warning_count": len(warnings_of(problems)),
        "general_problems": general,
        "placed_count": len(problems) - len(general),
        "diagram": diagram,
    }


def go(request: HttpRequest, url: str) -> HttpResponse:
    """Redirect; for htmx, a full-page redirect (the message shows there)."""
    if request.htmx:
        return HttpResponse(status=204, headers={"HX-Redirect": url})
    return redirect(url)


def not_editable(request: HttpRequest, workflow: WorkflowDefinition) -> HttpResponse:
    messages.warning(
        request,
        f"Version {workflow.version} is {workflow.get_status_display().lower()} and cannot change. "
        "Use “Edit as new draft” to make the next version.",
    )
    return go(request, reverse("design:workflow-detail", args=[workflow.pk]))


# --- List, create, detail ------------------------------------------------------------


class WorkflowListView(LoginRequiredMixin, CompanyRequiredMixin, DesignReadMixin, HtmxPartialMixin, ListView):
    template_name = "workflow_design/workflow_list.html"
    context_object_name = "workflows"
    paginate_by = 25

    def get_queryset(self):
        return workflow_list(
            company=self.request.company,
            search=search_text(self.request),
            status=self.request.GET.get("status", ""),
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            q=search_text(self.request),
            status=self.request.GET.get("status", ""),
            statuses=STATUS_FILTERS,
            **kwargs,
        )


class WorkflowCreateView(LoginRequiredMixin, CompanyRequiredMixin, DesignWriteMixin, FormView):
    template_name = "workflow_design/workflow_form.html"
    form_class = WorkflowCreateForm

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "company": self.request.company}

    def form_valid(self, form: WorkflowCreateForm) -> HttpResponse:
        workflow = services.workflow_create(
            company=self.request.company, actor=Actor.from_request(self.request), **form.cleaned_data
        )
        messages.success(self.request, f"“{workflow.title}” was created as a draft. Add its tasks and arrows.")
        return redirect("design:workflow-edit", workflow.pk)


class WorkflowObjectMixin(CompanyObjectMixin):
    model = WorkflowDefinition


class WorkflowDetailView(LoginRequiredMixin, WorkflowObjectMixin, DesignReadMixin, TemplateView):
    template_name = "workflow_design/workflow_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        workflow = self.object
        versions = workflow_versions(workflow=workflow)
        draft = next((v for v in versions if v.status == DefinitionStatus.DRAFT), None)
        return super().get_context_data(
            versions=versions,
            draft=draft,
            can_design=self.request.user.has_perm(PERM_DESIGN_WORKFLOWS),
            **workflow_overview(workflow),
            **kwargs,
        )


class WorkflowActionView(LoginRequiredMixin, WorkflowObjectMixin, DesignWriteMixin, View):
    http_method_names = ["post"]


class WorkflowDraftView(WorkflowActionView):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        draft = services.workflow_draft_for_editing(workflow=self.object, actor=Actor.from_request(request))
        if draft.pk != self.object.pk and draft.version > self.object.version:
            messages.info(request, f"You are editing draft v{draft.version}. v{self.object.version} is unchanged.")
        return redirect("design:workflow-edit", draft.pk)


class WorkflowPublishView(WorkflowActionView):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        try:
            workflow = services.workflow_publish(workflow=self.object, actor=Actor.from_request(request))
        except NotEditable:
            return not_editable(request, self.object)
        except InvalidDefinition as error:
            # The page lists them (beside their tasks and arrows); the message only says why.
            count = len(error.problems)
            messages.error(
                request, f"Not published: {count} problem{'s' if count != 1 else ''} to fix first (listed below)."
            )
            return redirect("design:workflow-detail", self.object.pk)
        messages.success(request, f"Version {workflow.version} is published; new tickets use it.")
        return redirect("design:workflow-detail", workflow.pk)


class WorkflowDiscardView(WorkflowActionView):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        try:
            fallback = services.workflow_discard_draft(workflow=self.object, actor=Actor.from_request(request))
        except NotEditable:
            return not_editable(request, self.object)
        messages.success(request, f"Draft v{self.object.version} of “{self.object.title}” was discarded.")
        if fallback is not None:
            return redirect("design:workflow-detail", fallback.pk)
        return redirect("design:workflow-list")


class WorkflowExportView(LoginRequiredMixin, WorkflowObjectMixin, DesignReadMixin, View):
    http_method_names = ["get"]

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        bundle = export_bundle(request.company, workflow=self.object)
        return bundle_download(bundle, f"{self.object.key}-v{self.object.version}.ticketflower.json")
