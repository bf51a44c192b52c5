"""Pages for people who do the work: their tasks, the pool, and a task with its form.

A task is reached only through `visible_tasks` (its assignee, whoever did it, workers
who may claim it, ticket admins), so any other id is a 404. Saving a draft and
completing answer with the task panel in place (htmx), not a new page.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View
from django.views.generic import ListView

from users.roles import PERM_MANAGE_TICKETS, PERM_WORK_TASKS
from users.services import Actor
from users.tenancy import CompanyObjectMixin, CompanyRequiredMixin
from workflow_design.plans import workflow_plan_by_id
from workflow_ops.actions.runner import action_runner
from workflow_ops.engine.assignment import eligible_workers, is_eligible
from workflow_ops.exports import TASK_HEADER, task_rows
from workflow_ops.forms import AssignForm, SchemaForm
from workflow_ops.models import WORKABLE, TaskInstance, TaskStatus
from workflow_ops.pagination import CappedPaginator
from workflow_ops.selectors.counts import capped_count
from workflow_ops.selectors.rows import task_list_rows, task_values
from workflow_ops.selectors.tasks import my_open_tasks, pool_tasks, visible_tasks
from workflow_ops.selectors.tickets import data_rows, downloadable_uploads
from workflow_ops.services.common import InvalidData, NotAllowed
from workflow_ops.services.tasks import (
    stuck_after,
    task_assign,
    task_claim,
    task_complete,
    task_correct_output,
    task_save_draft,
)
from workflow_ops.views.mixins import CsvExportMixin, WorkerMixin


class TaskRowsMixin:
    """A list of tasks whose page lists plain rows (selectors.rows), counted no further than 1,000."""

    paginate_by = 25

    def get_paginator(self, queryset: QuerySet, per_page: int, **kwargs: Any) -> CappedPaginator:
        return CappedPaginator(task_values(queryset), per_page, counted=queryset, **kwargs)

    def paginate_queryset(self, queryset: QuerySet, page_size: int) -> tuple:
        paginator, page, values, is_paginated = super().paginate_queryset(queryset, page_size)
        page.object_list = task_list_rows(values, self.request.company)
        return paginator, page, page.object_list, is_paginated


class MyTasksView(WorkerMixin, CsvExportMixin, TaskRowsMixin, ListView):
    export_name, export_header, export_rows = "my-tasks", TASK_HEADER, staticmethod(task_rows)
    template_name = "workflow_ops/my_tasks.html"
    context_object_name = "tasks"

    def get_queryset(self):
        return my_open_tasks(self.request.company, self.request.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        pool = capped_count(pool_tasks(self.request.company, self.request.user))
        return super().get_context_data(pool_count=pool, **kwargs)


class PoolView(WorkerMixin, CsvExportMixin, TaskRowsMixin, ListView):
    export_name, export_header, export_rows = "pool", TASK_HEADER, staticmethod(task_rows)
    template_name = "workflow_ops/pool.html"
    context_object_name = "tasks"

    def get_queryset(self):
        return pool_tasks(self.request.company, self.request.user)


def visible_task(request: HttpRequest, pk: int) -> TaskInstance:
    if not request.user.is_authenticated or request.company is None:
        raise Http404
    tasks = visible_tasks(request.company, request.user).select_related(
        "definition", "ticket", "ticket__requester", "workflow", "assigned_to", "completed_by"
    )
    return get_object_or_404(tasks, pk=pk)


class TaskDetailView(LoginRequiredMixin, CompanyRequiredMixin, View):
    """GET: the task page. POST: save a draft ("draft") or complete ("complete"), answered in place."""

    template_name = "workflow_ops/task_detail.html"
    # Where the breadcrumb leads back to: the worker's own tasks, or (ticket admins) the task queue.
    back_to_queue = False

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        task = visible_task(request, pk)
        return self.page(request, task, self.work_form(task))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        task = visible_task(request, pk)
        form = self.work_form(task, request.POST, request.FILES)
        action = request.POST.get("action")
        if form is None or action not in ("draft", "complete"):
            messages.error(request, "This task cannot be worked on from here now.")
            return self.page(request, task, form)
        if not form.is_valid():
            return self.page(request, task, form)
        actor = Actor.from_request(request)
        try:
            if action == "draft":
                task_save_draft(task=task, actor=actor, output=form.to_json(), files=form.uploaded_files())
                messages.success(request, "Draft saved. Nobody else sees it until you complete the task.")
            else:
                task_complete(task=task, actor=actor, output=form.to_json(), files=form.uploaded_files())
                messages.success(request, f"“{task.definition.title}” is complete. The ticket moves on.")
        except InvalidData as invalid:
            form.add_schema_errors(invalid.errors)
            return self.page(request, task, form)
        except NotAllowed as refused:
            messages.error(request, str(refused))
        task = visible_task(request, pk)
        return self.page(request, task, self.work_form(task))

    def work_form(self, task: TaskInstance, data: Any = None, files: Any = None) -> SchemaForm | None:
        """The task's form, for its assignee while they can work on it."""
        if task.assigned_to_id != self.request.user.pk or task.status not in WORKABLE:
            return None
        plan = workflow_plan_by_id(task.workflow.definition_id).tasks[task.definition_id]
        return SchemaForm(plan.output_schema, data, files, initial=task.output_data, prefix="answer")

    def page(self, request: HttpRequest, task: TaskInstance, form: SchemaForm | None, **extra: Any) -> HttpResponse:
        plan = workflow_plan_by_id(task.workflow.definition_id).tasks[task.definition_id]
        user = request.user
        admin = user.has_perm(PERM_MANAGE_TICKETS)
        can_claim = (
            task.status == TaskStatus.UNASSIGNED
            and user.has_perm(PERM_WORK_TASKS)
            and is_eligible(user, request.company, plan.assignee_role_id)
        )
        assign_form = None
        if admin and task.status in (TaskStatus.UNASSIGNED, *WORKABLE):
            workers = eligible_workers(request.company, plan.assignee_role_id).order_by("first_name", "email")
            assign_form = AssignForm(workers=workers)
        correct_form = None
        if admin and stuck_after(task):
            correct_form = SchemaForm(plan.output_schema, initial=task.output_data, prefix="correct")
        correct_form = extra.pop("correct_form", correct_form)
        # The files this person may open on the ticket: links in the data, names in the file inputs.
        uploads = list(downloadable_uploads(request.company, user).filter(ticket=task.ticket_id))
        by_id = {upload.pk: upload for upload in uploads}
        for shown in (form, correct_form):
            if shown is not None:
                shown.name_uploads(uploads)
        context = {
            "task": task,
            "plan": plan,
            "form": form,
            "input_rows": data_rows(plan.input_schema, task.input_data, by_id),
            "ticket_rows": data_rows(task.ticket.fields_schema, task.ticket.data, by_id),
            "answer_rows": data_rows(plan.output_schema, task.output_data, by_id),
            "can_claim": can_claim,
            "assign_form": assign_form,
            "correct_form": correct_form,
            "action_message": action_runner().waiting_message if plan.is_action and task.is_open else "",
            "show_answer": admin or user.pk in (task.assigned_to_id, task.completed_by_id),
            "back_to_queue": self.back_to_queue,
            **extra,
        }
        template = f"{self.template_name}#panel" if request.htmx else self.template_name
        return render(request, template, context)


class OpsTaskDetailView(CompanyObjectMixin, PermissionRequiredMixin, TaskDetailView):
    """/ops/tasks/<id>/: a task as a ticket admin opens it from the task queue or the inbox.

    The task is looked up through the company first: another company's id is a 404 for everyone.
    """

    model = TaskInstance
    permission_required = PERM_MANAGE_TICKETS
    back_to_queue = True
    # Its forms post to the task's own address (/tasks/<id>/), the one place that works on a task.
    http_method_names = ["get"]


class TaskActionView(TaskDetailView):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        task = visible_task(request, pk)
        try:
            response = self.act(request, task)
        except NotAllowed as refused:
            messages.error(request, str(refused))
            response = None
        return response or redirect("ops:task-detail", task.pk)


class TaskClaimView(TaskActionView):
    def act(self, request: HttpRequest, task: TaskInstance) -> HttpResponse | None:
        task_claim(task=task, actor=Actor.from_request(request))
        messages.success(request, f"“{task.definition.title}” is yours now.")
        return None


class TaskAssignView(TaskActionView):
    def act(self, request: HttpRequest, task: TaskInstance) -> HttpResponse | None:
        assign_from_form(request, task)
        return None


def assign_from_form(request: HttpRequest, task: TaskInstance) -> bool:
    """Assign `task` to the worker chosen in the POSTed AssignForm; says how it went in a message."""
    workers = eligible_workers(request.company, task.definition.assignee_role_id)
    form = AssignForm(request.POST, workers=workers)
    if not form.is_valid():
        messages.error(request, f"Choose one of the workers who can do “{task.definition.title}”.")
        return False
    assignee = form.cleaned_data["assignee"]
    try:
        task_assign(task=task, actor=Actor.from_request(request), assignee=assignee)
    except NotAllowed as refused:
        messages.error(request, str(refused))
        return False
    name = str(assignee)
    messages.success(request, f"“{task.definition.title}” of #{task.ticket.number} is assigned to {name}.")
    return True


class TaskCorrectView(TaskActionView):
    """A ticket admin corrects the answer of a task the workflow is stuck after, then retries."""

    def act(self, request: HttpRequest, task: TaskInstance) -> HttpResponse | None:
        plan = workflow_plan_by_id(task.workflow.definition_id).tasks[task.definition_id]
        form = SchemaForm(plan.output_schema, request.POST, request.FILES, initial=task.output_data, prefix="correct")
        if not form.is_valid():
            return self.page(request, task, None, correct_form=form)
        try:
            actor = Actor.from_request(request)
            task_correct_output(task=task, actor=actor, output=form.to_json(), files=form.uploaded_files())
        except InvalidData as invalid:
            form.add_schema_errors(invalid.errors)
            return self.page(request, task, None, correct_form=form)
        messages.success(request, "The answer is corrected. Retry the error to move the ticket on.")
        error = task.errors.order_by("-created_at").first()
        return redirect("ops:error-detail", error.pk) if error else None
