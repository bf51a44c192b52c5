"""The one-page editor of a draft: details, tasks and arrows by htmx, and field-builder rows.

Each endpoint resolves the workflow (and its task or arrow) through the
company-scoped queries before the permission check; a saved change answers with
the refreshed editor (tasks, arrows, problems, diagram) in place of the form.
"""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from users.services import Actor
from users.tenancy import CompanyRequiredMixin
from workflow_design import services
from workflow_design.access import DesignWriteMixin
from workflow_design.forms.field_builder import MAX_FIELD_ROWS, FieldBuilder
from workflow_design.forms.workflows import TaskForm, TransitionForm, WorkflowDetailsForm
from workflow_design.models import TaskDefinition, WorkflowDefinition, WorkflowTransition
from workflow_design.selectors import condition_variables, transform_variables, workflow_tasks
from workflow_design.services import NotEditable
from workflow_design.validation import workflow_rule_scope
from workflow_design.views.workflows import WorkflowObjectMixin, not_editable, workflow_overview


def _editor_response(request: HttpRequest, workflow: WorkflowDefinition) -> HttpResponse:
    """After a change: the refreshed editor (tasks, arrows, problems, diagram) in place of the form."""
    if not request.htmx:
        return redirect("design:workflow-edit", workflow.pk)
    response = render(request, "workflow_design/workflow_edit.html#editor", workflow_overview(workflow))
    response["HX-Retarget"] = "#editor"
    response["HX-Reswap"] = "outerHTML"
    return response


class WorkflowEditView(LoginRequiredMixin, WorkflowObjectMixin, DesignWriteMixin, View):
    """The one-page editor of a draft. GET (htmx): just the editor part; POST: the details form."""

    template_name = "workflow_design/workflow_edit.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not self.object.is_editable:
            return not_editable(request, self.object)
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
            services.workflow_update_details(
                workflow=self.object, actor=Actor.from_request(request), **form.cleaned_data
            )
        except NotEditable:
            return not_editable(request, self.object)
        messages.success(request, "Details saved.")
        return redirect("design:workflow-edit", pk)

    def _page(self, request: HttpRequest, form: WorkflowDetailsForm) -> HttpResponse:
        if not self.object.is_editable:
            return not_editable(request, self.object)
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
            return not_editable(request, self.workflow)
        return self._form(request, self.make_form())

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = self.make_form(request.POST)
        if not form.is_valid():
            return self._form(request, form)
        try:
            self.save(request, form)
        except NotEditable:
            return not_editable(request, self.workflow)
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
            task = services.task_create(
                workflow=self.workflow, actor=Actor.from_request(request), **form.service_kwargs()
            )
            messages.success(request, f"Task “{task.title}” was added.")
        else:
            services.task_update(task=self.task, actor=Actor.from_request(request), **form.service_kwargs())

    def form_context(self, form: TaskForm) -> dict[str, Any]:
        return {"builder": form.builder, "task": self.task}


class TaskDeleteView(DraftChildMixin, View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            services.task_delete(task=self.task, actor=Actor.from_request(request))
        except NotEditable:
            return not_editable(request, self.workflow)
        messages.success(request, f"Task “{self.task.title}” and its arrows were deleted.")
        return _editor_response(request, self.workflow)


class TaskMoveView(DraftChildMixin, View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        direction = request.POST.get("direction")
        if direction not in ("up", "down"):
            return HttpResponseBadRequest("direction must be up or down")
        try:
            services.task_move(task=self.task, actor=Actor.from_request(request), direction=direction)
        except NotEditable:
            return not_editable(request, self.workflow)
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
            scope=workflow_rule_scope(self.workflow),
            transition=self.transition,
        )

    def save(self, request: HttpRequest, form: TransitionForm) -> None:
        if self.transition is None:
            services.transition_create(
                workflow=self.workflow, actor=Actor.from_request(request), **form.service_kwargs()
            )
        else:
            services.transition_update(
                transition=self.transition, actor=Actor.from_request(request), **form.service_kwargs()
            )

    def form_context(self, form: TransitionForm) -> dict[str, Any]:
        return {"condition": form.condition, "transition": self.transition}


class TransitionDeleteView(DraftChildMixin, View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            services.transition_delete(transition=self.transition, actor=Actor.from_request(request))
        except NotEditable:
            return not_editable(request, self.workflow)
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
