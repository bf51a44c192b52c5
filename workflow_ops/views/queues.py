"""/ops/tickets/ and /ops/tasks/: the company's queues for ticket admins, active and archive.

Filters live in the URL (workflow_ops.filters). A search that names a ticket
("#42" or "42") opens it. `?format=csv` streams the same rows the page lists, all
of them. Pages count at most 1,000 rows (workflow_ops.pagination).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django_htmx.http import HttpResponseClientRedirect

from users.models import Company
from users.services import Actor
from workflow_ops.exports import TASK_HEADER, TICKET_HEADER, task_rows, ticket_rows
from workflow_ops.filters import QueueFilter, TaskFilter, TicketFilter
from workflow_ops.forms import BulkAssignForm
from workflow_ops.models import TicketInstance
from workflow_ops.pagination import CappedPaginator
from workflow_ops.selectors.queues import queue_choices, task_queue, ticket_number_in, ticket_queue
from workflow_ops.selectors.rows import Row, task_list_rows, task_values, ticket_list_rows, ticket_values
from workflow_ops.services.tasks import tasks_assign
from workflow_ops.views.mixins import TicketAdminMixin, csv_download

PAGE_SIZE = 25


class QueueView(TicketAdminMixin, View):
    """A queue: its template, filters, rows (`queue(company, archive=…)`) and CSV (`export_rows(rows)`)."""

    template_name = ""
    filter_class: type[QueueFilter]
    queue: Callable[..., QuerySet]
    export_name = ""
    export_header: list[str] = []
    export_rows: Callable[[QuerySet], Iterator[list[Any]]]
    # A page's rows as plain values (workflow_ops.selectors.rows): the values read, and the rows made of them.
    row_values: Callable[[QuerySet], QuerySet]
    rows_of: Callable[[list[dict], Company], list[Row]]

    def get(self, request: HttpRequest) -> HttpResponse:
        archive = request.GET.get("archive") == "1"
        opened = self.open_named_ticket(request)
        if opened is not None:
            return opened
        filterset = self.filter_class(
            request.GET,
            type(self).queue(request.company, archive=archive),
            choices=queue_choices(request.company),
            archive=archive,
            request=request,
        )
        rows = filterset.qs if filterset.is_valid() else filterset.queryset.none()
        if request.GET.get("format") == "csv":
            return csv_download(self.export_name, self.export_header, type(self).export_rows(rows))
        values = type(self).row_values(rows)
        page = CappedPaginator(values, PAGE_SIZE, counted=rows).page(request.GET.get("page"))
        page.object_list = type(self).rows_of(page.object_list, request.company)
        context = {
            "filter": filterset,
            "archive": archive,
            "page_obj": page,
            "rows": page.object_list,
            **self.extra_context(filterset),
        }
        template = f"{self.template_name}#queue" if request.htmx and not request.htmx.boosted else self.template_name
        return render(request, template, context)

    def extra_context(self, filterset: QueueFilter) -> dict[str, Any]:
        return {}

    def open_named_ticket(self, request: HttpRequest) -> HttpResponse | None:
        """A search for "#42" (or "42") sent on purpose opens ticket 42; while typing, the list narrows to it."""
        number = ticket_number_in(request.GET.get("q", ""))
        typing = request.htmx and request.htmx.trigger != "queue-filters"
        if number is None or typing or request.GET.get("format") == "csv":
            return None
        ticket = TicketInstance.objects.for_company(request.company).filter(number=number).first()
        if ticket is None:
            return None
        url = reverse("ops:ticket-detail", args=[ticket.pk])
        return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


class TicketQueueView(QueueView):
    template_name = "workflow_ops/ticket_queue.html"
    filter_class = TicketFilter
    queue = staticmethod(ticket_queue)
    row_values, rows_of = staticmethod(ticket_values), staticmethod(ticket_list_rows)
    export_name, export_header, export_rows = "tickets", TICKET_HEADER, staticmethod(ticket_rows)


class TaskQueueView(QueueView):
    template_name = "workflow_ops/task_queue.html"
    filter_class = TaskFilter
    queue = staticmethod(task_queue)
    row_values, rows_of = staticmethod(task_values), staticmethod(partial(task_list_rows, link="ops:ops-task-detail"))
    export_name, export_header, export_rows = "tasks", TASK_HEADER, staticmethod(task_rows)

    def extra_context(self, filterset: QueueFilter) -> dict[str, Any]:
        if filterset.archive:
            return {}
        workers = filterset.filters["assignee"].extra["choices"][:-1]  # the company's workers, without "Nobody"
        return {"bulk_workers": workers}


class BulkAssignView(TicketAdminMixin, View):
    """Assign the ticked tasks of the task queue to one worker; each one the worker may not do is named."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        back = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}) or not back.startswith("/"):
            back = "/ops/tasks/"
        form = BulkAssignForm(request.POST, company=request.company)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect(back)
        assignee = form.cleaned_data["assignee"]
        done = tasks_assign(tasks=form.cleaned_data["tasks"], actor=Actor.from_request(request), assignee=assignee)
        if done.assigned:
            tasks = "task" if done.assigned == 1 else "tasks"
            messages.success(request, f"Assigned {done.assigned} {tasks} to {assignee}.")
        for line in done.refused:
            messages.warning(request, f"Not assigned — {line}")
        return redirect(back)
