"""Workflow designer pages: list, detail with diagram, one-page editor, versions, export.

Views are thin: forms validate, `workflow_design.services` write, selectors read.
Objects are resolved inside the company-scoped query before the permission
check, so another company's id is a 404 for everyone. Reading needs
`users.view_definitions`; every change needs `users.design_workflows`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from ticketflower.views import HtmxPartialMixin, search_text
from users.roles import PERM_DESIGN_WORKFLOWS
from users.tenancy import CompanyObjectMixin, CompanyRequiredMixin
from workflow_design import services
from workflow_design.access import DesignReadMixin, DesignWriteMixin
from workflow_design.diagram import workflow_mermaid
from workflow_design.forms import (
    MAX_FIELD_ROWS,
    FieldBuilder,
    TaskForm,
    TransitionForm,
    WorkflowCreateForm,
    WorkflowDetailsForm,
    duration_label,
)
from workflow_design.models import DefinitionStatus, TaskDefinition, WorkflowDefinition, WorkflowTransition
from workflow_design.schema_builder import condition_text
from workflow_design.selectors import (
    STATUS_FILTERS,
    condition_variables,
    transform_variables,
    workflow_list,
    workflow_tasks,
    workflow_transitions,
    workflow_versions,
)
from workflow_design.services import InvalidDefinition, NotEditable


def _problem_text(problem: Any) -> str:
    return f"{problem.path}: {problem.message}" if problem.path else problem.message


def workflow_overview(workflow: WorkflowDefinition) -> dict[str, Any]:
    """Tasks, transitions, diagram and (for drafts) problems, each problem also placed on its row."""
    from workflow_design.validation import workflow_problems

    tasks = workflow_tasks(workflow=workflow)
    transitions = workflow_transitions(workflow=workflow)
    problems = workflow_problems(workflow) if workflow.is_editable else []
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
    diagram = workflow_mermaid(tasks, transitions, problem_task_ids={task.pk for task in tasks if task.problems})
    return {
        "workflow": workflow,
        "tasks": tasks,
        "transitions": transitions,
        "problems": problems,
        "general_problems": general,
        "diagram": diagram,
    }


def _go(request: HttpRequest, url: str) -> HttpResponse:
    """Redirect; for htmx, a full-page redirect (the message shows there)."""
    if request.htmx:
        return HttpResponse(status=204, headers={"HX-Redirect": url})
    return redirect(url)


def _not_editable(request: HttpRequest, workflow: WorkflowDefinition) -> HttpResponse:
    messages.warning(
        request,
        f"Version {workflow.version} is {workflow.get_status_display().lower()} and cannot change. "
        "Use “Edit as new draft” to make the next version.",
    )
    return _go(request, reverse("design:workflow-detail", args=[workflow.pk]))


def _editor_response(request: HttpRequest, workflow: WorkflowDefinition) -> HttpResponse:
    """After a change: the refreshed editor (tasks, transitions, problems, diagram) in place of the form."""
    if not request.htmx:
        return redirect("design:workflow-edit", workflow.pk)
    response = render(request, "workflow_design/workflow_edit.html#editor", workflow_overview(workflow))
    response["HX-Retarget"] = "#editor"
    response["HX-Reswap"] = "outerHTML"
    return response


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
        workflow = services.workflow_create(company=self.request.company, user=self.request.user, **form.cleaned_data)
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
        draft = services.workflow_draft_for_editing(workflow=self.object, user=request.user)
        if draft.pk != self.object.pk and draft.version > self.object.version:
            messages.info(request, f"You are editing draft v{draft.version}. v{self.object.version} is unchanged.")
        return redirect("design:workflow-edit", draft.pk)


class WorkflowPublishView(WorkflowActionView):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        try:
            workflow = services.workflow_publish(workflow=self.object)
        except NotEditable:
            return _not_editable(request, self.object)
        except InvalidDefinition as error:
            count = len(error.problems)
            messages.error(request, f"Not published: {count} problem{'s' if count != 1 else ''} to fix first.")
            for problem in error.problems[:10]:
                messages.error(request, _problem_text(problem))
            return redirect("design:workflow-detail", self.object.pk)
        messages.success(request, f"Version {workflow.version} is published; new tickets use it.")
        return redirect("design:workflow-detail", workflow.pk)


class WorkflowDiscardView(WorkflowActionView):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        try:
            fallback = services.workflow_discard_draft(workflow=self.object)
        except NotEditable:
            return _not_editable(request, self.object)
        messages.success(request, f"Draft v{self.object.version} of “{self.object.title}” was discarded.")
        if fallback is not None:
            return redirect("design:workflow-detail", fallback.pk)
        return redirect("design:workflow-list")


class WorkflowExportView(LoginRequiredMixin, WorkflowObjectMixin, DesignReadMixin, View):
    http_method_names = ["get"]

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        from workflow_design.bundles import export_bundle
        from workflow_design.views_bundles import bundle_download

        bundle = export_bundle(request.company, workflow=self.object)
        return bundle_download(bundle, f"{self.object.key}-v{self.object.version}.ticketflower.json")


# --- The editor ---------------------------------------------------------------------------


class WorkflowEditView(LoginRequiredMixin, WorkflowObjectMixin, DesignWriteMixin, View):
    """The one-page editor of a draft. GET (htmx): just the editor part; POST: the details form."""

    template_name = "workflow_design/workflow_edit.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not self.object.is_editable:
            return _not_editable(request, self.object)
        if request.htmx:
            return render(request, f"{self.template_name}#editor", workflow_overview(self.object))
        form = WorkflowDetailsForm(
            initial={"title": self.object.title, "description": self.object.description}, prefix="details"
        )
        return self._page(request, form)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        form = WorkflowDetailsForm(request.POST, prefix="details")
        if not form.is_valid():
            return self._page(request, form)
        try:
            services.workflow_update_details(workflow=self.object, **form.cleaned_data)
        except NotEditable:
            return _not_editable(request, self.object)
        messages.success(request, "Details saved.")
        return redirect("design:workflow-edit", pk)

    def _page(self, request: HttpRequest, form: WorkflowDetailsForm) -> HttpResponse:
        if not self.object.is_editable:
            return _not_editable(request, self.object)
        context = {"details_form": form, **workflow_overview(self.object)}
        return render(request, self.template_name, context)


class DraftChildMixin(LoginRequiredMixin, CompanyRequiredMixin, DesignWriteMixin):
    """Editor endpoints under /workflows/<pk>/...: workflow (and task/transition) resolved
    through the company-scoped queries before the permission check."""

    child_kwarg = ""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated and request.company is not None:
            company = request.company
            self.workflow = get_object_or_404(WorkflowDefinition.objects.for_company(company), pk=kwargs["pk"])
            self.task = self.transition = None
            if "task_pk" in kwargs:
                tasks = TaskDefinition.objects.for_company(company).filter(workflow=self.workflow)
                self.task = get_object_or_404(tasks, pk=kwargs["task_pk"])
            if "transition_pk" in kwargs:
                transitions = WorkflowTransition.objects.for_company(company).filter(workflow=self.workflow)
                self.transition = get_object_or_404(transitions, pk=kwargs["transition_pk"])
        return super().dispatch(request, *args, **kwargs)


class DraftChildFormView(DraftChildMixin, View):
    """Add or edit a task or an arrow of a draft: htmx gets the form alone, errors stay next
    to the fields, a saved change answers with the refreshed editor."""

    template_name: str

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not self.workflow.is_editable:
            return _not_editable(request, self.workflow)
        return self._form(request, self.make_form())

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = self.make_form(request.POST)
        if not form.is_valid():
            return self._form(request, form)
        try:
            self.save(request, form)
        except NotEditable:
            return _not_editable(request, self.workflow)
        return _editor_response(request, self.workflow)

    def _form(self, request: HttpRequest, form: Any) -> HttpResponse:
        template = f"{self.template_name}#form" if request.htmx else self.template_name
        return render(request, template, {"form": form, "workflow": self.workflow, **self.form_context(form)})


class TaskFormView(DraftChildFormView):
    template_name = "workflow_design/task_form.html"

    def make_form(self, data: Any = None) -> TaskForm:
        offered, readable = transform_variables(workflow=self.workflow, task=self.task)
        return TaskForm(data, workflow=self.workflow, task=self.task, variables=offered, readable=readable)

    def save(self, request: HttpRequest, form: TaskForm) -> None:
        if self.task is None:
            task = services.task_create(workflow=self.workflow, **form.service_kwargs())
            messages.success(request, f"Task “{task.title}” was added.")
        else:
            services.task_update(task=self.task, **form.service_kwargs())

    def form_context(self, form: TaskForm) -> dict[str, Any]:
        return {"builder": form.builder, "task": self.task}


class TaskDeleteView(DraftChildMixin, View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            services.task_delete(task=self.task)
        except NotEditable:
            return _not_editable(request, self.workflow)
        messages.success(request, f"Task “{self.task.title}” and its arrows were deleted.")
        return _editor_response(request, self.workflow)


class TaskMoveView(DraftChildMixin, View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        direction = request.POST.get("direction")
        if direction not in ("up", "down"):
            return HttpResponseBadRequest("direction must be up or down")
        try:
            services.task_move(task=self.task, direction=direction)
        except NotEditable:
            return _not_editable(request, self.workflow)
        return _editor_response(request, self.workflow)


class TransitionFormView(DraftChildFormView):
    template_name = "workflow_design/transition_form.html"

    def make_form(self, data: Any = None) -> TransitionForm:
        tasks = workflow_tasks(workflow=self.workflow)
        return TransitionForm(
            data,
            workflow=self.workflow,
            tasks=tasks,
            variables=condition_variables(workflow=self.workflow, tasks=tasks),
            transition=self.transition,
        )

    def save(self, request: HttpRequest, form: TransitionForm) -> None:
        if self.transition is None:
            services.transition_create(workflow=self.workflow, **form.service_kwargs())
        else:
            services.transition_update(transition=self.transition, **form.service_kwargs())

    def form_context(self, form: TransitionForm) -> dict[str, Any]:
        return {"condition": form.condition, "transition": self.transition}


class TransitionDeleteView(DraftChildMixin, View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            services.transition_delete(transition=self.transition)
        except NotEditable:
            return _not_editable(request, self.workflow)
        return _editor_response(request, self.workflow)


# --- Field builder rows ---------------------------------------------------------------------

_PREFIX = re.compile(r"[a-z][a-z0-9_]{0,30}")


class FieldRowView(LoginRequiredMixin, CompanyRequiredMixin, DesignWriteMixin, View):
    """One more empty row for a field builder: `?prefix=<builder prefix>&<prefix>-TOTAL_FORMS=<n>`.

    Answers the row (index n) and, out of band, the TOTAL_FORMS input set to n + 1.
    """

    http_method_names = ["get"]

    def get(self, request: HttpRequest) -> HttpResponse:
        prefix = request.GET.get("prefix", "")
        total = request.GET.get(f"{prefix}-TOTAL_FORMS", "0")
        if not _PREFIX.fullmatch(prefix) or not re.fullmatch(r"[0-9]{1,4}", total):
            return HttpResponseBadRequest("prefix and TOTAL_FORMS are required")
        index = int(total)
        if index >= MAX_FIELD_ROWS:
            return HttpResponseBadRequest(f"At most {MAX_FIELD_ROWS} fields.")
        builder = FieldBuilder(prefix=prefix)
        return render(
            request,
            "workflow_design/includes/field_row_added.html",
            {"row": builder.row_form(index), "builder": builder, "total": index + 1},
        )
