"""Pages for people who ask: choose a ticket type, fill in its form, follow the ticket, cancel it.

Tickets are reached only through `visible_tickets` (the company's, and only those
this person may see), so any other id is a 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View
from django.views.generic import ListView, TemplateView

from users.models import User
from users.roles import PERM_MANAGE_TICKETS
from users.services import Actor
from users.tenancy import CompanyRequiredMixin
from workflow_design.plans import submittable_ticket_types
from workflow_ops.conversation_forms import AttachmentForm, CommentForm
from workflow_ops.exports import TICKET_HEADER, ticket_rows
from workflow_ops.forms import CancelForm, PriorityForm, TicketSubmitForm
from workflow_ops.models import Priority, TicketStatus
from workflow_ops.selectors.tickets import my_tickets, ticket_page, visible_tickets
from workflow_ops.services.common import InvalidData, NotAllowed
from workflow_ops.services.tickets import (
    may_cancel,
    may_choose_priority,
    may_submit_for_others,
    ticket_cancel,
    ticket_set_priority,
    ticket_submit,
)
from workflow_ops.views.mixins import CsvExportMixin, SubmitterMixin


class TicketTypeChooseView(SubmitterMixin, TemplateView):
    template_name = "workflow_ops/ticket_choose.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ticket_types = submittable_ticket_types(company=self.request.company, user=self.request.user)
        return super().get_context_data(ticket_types=ticket_types, **kwargs)


class TicketSubmitView(SubmitterMixin, View):
    """The form of one ticket type, made from its fields schema."""

    template_name = "workflow_ops/ticket_submit.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated and request.company is not None:
            types = submittable_ticket_types(company=request.company, user=request.user)
            self.ticket_type = get_object_or_404(types, pk=kwargs["type_pk"])
        return super().dispatch(request, *args, **kwargs)

    def make_form(self, data: Any = None, files: Any = None) -> TicketSubmitForm:
        requesters = None
        if may_submit_for_others(self.request.user):
            requesters = (
                User.objects.for_company(self.request.company)
                .filter(is_active=True)
                .order_by("first_name", "last_name", "email")
            )
        priority = may_choose_priority(self.request.user, self.ticket_type)
        return TicketSubmitForm(self.ticket_type.fields_schema, data, files, requesters=requesters, priority=priority)

    def get(self, request: HttpRequest, type_pk: int) -> HttpResponse:
        return self.page(request, self.make_form())

    def post(self, request: HttpRequest, type_pk: int) -> HttpResponse:
        form = self.make_form(request.POST, request.FILES)
        if not form.is_valid():
            return self.page(request, form)
        try:
            ticket = ticket_submit(
                company=request.company,
                actor=Actor.from_request(request),
                ticket_type=self.ticket_type,
                title=form.cleaned_data["title"],
                data=form.to_json(),
                requester=form.cleaned_data.get("requester"),
                priority=form.cleaned_data.get("priority", Priority.NORMAL),
                files=form.uploaded_files(),
            )
        except InvalidData as invalid:
            form.add_schema_errors(invalid.errors)
            return self.page(request, form)
        except NotAllowed as refused:
            form.add_error(None, str(refused))
            return self.page(request, form)
        messages.success(request, f"Ticket #{ticket.number} was submitted. Its first step is under way.")
        return redirect("ops:ticket-detail", ticket.pk)

    def page(self, request: HttpRequest, form: TicketSubmitForm) -> HttpResponse:
        return render(request, self.template_name, {"form": form, "ticket_type": self.ticket_type})


class MyTicketsView(SubmitterMixin, CsvExportMixin, ListView):
    export_name, export_header, export_rows = "my-tickets", TICKET_HEADER, staticmethod(ticket_rows)
    template_name = "workflow_ops/my_tickets.html"
    context_object_name = "tickets"
    paginate_by = 25

    @property
    def archive(self) -> bool:
        return self.request.GET.get("archive") == "1"

    def get_queryset(self):
        tickets = my_tickets(self.request.company, self.request.user)
        if self.archive:
            return tickets.exclude(status=TicketStatus.OPEN).order_by("-closed_at", "-id")
        return tickets.filter(status=TicketStatus.OPEN).order_by("-created_at", "-id")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(archive=self.archive, **kwargs)


def _visible_ticket(request: HttpRequest, pk: int):
    if not request.user.is_authenticated:
        raise Http404
    tickets = visible_tickets(request.company, request.user).select_related(
        "ticket_type", "requester", "submitted_by", "workflow", "workflow_definition"
    )
    return get_object_or_404(tickets, pk=pk)


class TicketDetailView(LoginRequiredMixin, CompanyRequiredMixin, View):
    template_name = "workflow_ops/ticket_detail.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        ticket = _visible_ticket(request, pk)
        return self.page(request, ticket, CancelForm())

    def page(self, request: HttpRequest, ticket: Any, cancel_form: CancelForm, **forms: Any) -> HttpResponse:
        admin = request.user.has_perm(PERM_MANAGE_TICKETS) and ticket.status == TicketStatus.OPEN
        page = ticket_page(ticket, request.user)
        context = {
            "page": page,
            "ticket": ticket,
            "cancel_form": cancel_form if may_cancel(ticket, request.user) else None,
            "priority_form": PriorityForm(initial={"priority": ticket.priority}) if admin else None,
            "comment_form": forms.get("comment_form") or CommentForm(staff=page.staff),
            "attachment_form": forms.get("attachment_form") or AttachmentForm(),
        }
        return render(request, self.template_name, context)


class TicketCancelView(TicketDetailView):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        ticket = _visible_ticket(request, pk)
        form = CancelForm(request.POST)
        if not form.is_valid():
            return self.page(request, ticket, form)
        try:
            ticket_cancel(ticket=ticket, actor=Actor.from_request(request), reason=form.cleaned_data["reason"])
        except NotAllowed as refused:
            messages.error(request, str(refused))
        except InvalidData as invalid:
            for field, errors in invalid.errors.items():
                form.add_error(field if field in form.fields else None, errors)
            return self.page(request, ticket, form)
        else:
            messages.success(request, f"Ticket #{ticket.number} was cancelled.")
        return redirect("ops:ticket-detail", ticket.pk)


class TicketPriorityView(TicketDetailView):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        ticket = _visible_ticket(request, pk)
        form = PriorityForm(request.POST)
        try:
            if not form.is_valid():
                raise InvalidData({"priority": ["Choose a priority from the list."]})
            ticket = ticket_set_priority(
                ticket=ticket, actor=Actor.from_request(request), priority=form.cleaned_data["priority"]
            )
            messages.success(request, f"Priority is now {ticket.get_priority_display().lower()}.")
        except (NotAllowed, InvalidData) as refused:
            messages.error(
                request, str(refused) if isinstance(refused, NotAllowed) else "Choose a priority from the list."
            )
        return redirect("ops:ticket-detail", ticket.pk)
