"""/ops/: one inbox of what needs a ticket admin, each row with the action that clears it.

Retry and assign answer in place (htmx swaps the whole inbox, so counts and rows
stay true together); without JavaScript they redirect back to the inbox.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from users.services import Actor
from workflow_ops.models import TaskInstance
from workflow_ops.selectors.queues import inbox
from workflow_ops.services.common import NotAllowed
from workflow_ops.services.errors import error_retry
from workflow_ops.views.errors import ErrorObjectMixin
from workflow_ops.views.mixins import TicketAdminMixin
from workflow_ops.views.tasks import assign_from_form

TEMPLATE = "workflow_ops/inbox.html"


def inbox_page(request: HttpRequest) -> HttpResponse:
    box = inbox(request.company, request.user)
    context = {"inbox": box, "work_counts": box.counts}  # the navbar's counts too, read once
    return render(request, f"{TEMPLATE}#inbox" if request.htmx else TEMPLATE, context)


def back_to_inbox(request: HttpRequest) -> HttpResponse:
    return inbox_page(request) if request.htmx else redirect("ops:inbox")


class InboxView(TicketAdminMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        return inbox_page(request)


class InboxRetryView(ErrorObjectMixin, View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        number = self.error.ticket.number
        try:
            moved_on = error_retry(error=self.error, actor=Actor.from_request(request))
        except NotAllowed as refused:
            messages.error(request, str(refused))
            return back_to_inbox(request)
        if moved_on:
            messages.success(request, f"Retried: #{number} moved on and its error is resolved.")
        else:
            self.error.refresh_from_db()
            messages.error(request, f"#{number} failed again: {self.error.message}")
        return back_to_inbox(request)


class InboxAssignView(TicketAdminMixin, View):
    http_method_names = ["post"]

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        # The task through the company-scoped query first: another company's id is a 404 for everyone.
        if request.user.is_authenticated and request.company is not None:
            tasks = TaskInstance.objects.for_company(request.company).select_related("definition", "ticket")
            self.task = get_object_or_404(tasks, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        assign_from_form(request, self.task)
        return back_to_inbox(request)
