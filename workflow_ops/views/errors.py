"""/ops/errors/: what stopped, why, every attempt; retry, mark reviewed, or resolve with a note."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View
from django.views.generic import ListView

from users.services import Actor
from workflow_ops.forms import ResolveForm
from workflow_ops.models import WorkflowError
from workflow_ops.selectors.errors import STATUS_FILTERS, error_list
from workflow_ops.services.common import InvalidData, NotAllowed
from workflow_ops.services.errors import error_mark_reviewed, error_resolve, error_retry
from workflow_ops.services.tasks import stuck_after
from workflow_ops.views.mixins import TicketAdminMixin


class ErrorListView(TicketAdminMixin, ListView):
    template_name = "workflow_ops/error_list.html"
    context_object_name = "errors"
    paginate_by = 25

    @property
    def status(self) -> str:
        status = self.request.GET.get("status", "open")
        return status if status in dict(STATUS_FILTERS) else "open"

    def get_queryset(self):
        return error_list(self.request.company, status=self.status)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(status=self.status, statuses=STATUS_FILTERS, **kwargs)


class ErrorObjectMixin(TicketAdminMixin):
    """The error through the company-scoped query (another company's id is a 404) before the permission."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated and request.company is not None:
            errors = WorkflowError.objects.for_company(request.company).select_related(
                "ticket", "task__definition", "task__ticket", "resolved_by"
            )
            self.error = get_object_or_404(errors, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)


class ErrorDetailView(ErrorObjectMixin, View):
    template_name = "workflow_ops/error_detail.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self.page(request, ResolveForm())

    def page(self, request: HttpRequest, resolve_form: ResolveForm) -> HttpResponse:
        error = self.error
        context = {
            "error": error,
            "attempts": error.attempts.select_related("attempted_by"),
            "resolve_form": resolve_form,
            "can_correct": error.task is not None and stuck_after(error.task),
        }
        return render(request, self.template_name, context)


class ErrorActionView(ErrorDetailView):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        try:
            response = self.act(request, Actor.from_request(request))
        except NotAllowed as refused:
            messages.error(request, str(refused))
            response = None
        return response or redirect("ops:error-detail", self.error.pk)


class ErrorRetryView(ErrorActionView):
    def act(self, request: HttpRequest, actor: Actor) -> HttpResponse | None:
        if error_retry(error=self.error, actor=actor):
            messages.success(request, f"Retried: #{self.error.ticket.number} moved on and the error is resolved.")
            return redirect("ops:ticket-detail", self.error.ticket_id)
        self.error.refresh_from_db()
        messages.error(request, f"The retry failed again: {self.error.message}")
        return None


class ErrorReviewView(ErrorActionView):
    def act(self, request: HttpRequest, actor: Actor) -> HttpResponse | None:
        error_mark_reviewed(error=self.error, actor=actor)
        messages.success(request, "Marked as reviewed.")
        return None


class ErrorResolveView(ErrorActionView):
    def act(self, request: HttpRequest, actor: Actor) -> HttpResponse | None:
        form = ResolveForm(request.POST)
        if not form.is_valid():
            return self.page(request, form)
        try:
            error_resolve(error=self.error, actor=actor, notes=form.cleaned_data["notes"])
        except InvalidData as invalid:
            form.add_error("notes", invalid.errors.get("notes", []))
            return self.page(request, form)
        messages.success(request, "The error is resolved.")
        return None
