"""Ticket-type pages: list, detail, create/edit with the field builder, publish/retire.

Ticket admins read (users.view_definitions); workflow creators write
(users.design_workflows). Objects are always reached through for_company().
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views import View
from django.views.generic import DetailView, ListView
from django_fsm import TransitionNotAllowed

from ticketflower.views import HtmxPartialMixin, search_text
from users.roles import PERM_DESIGN_WORKFLOWS
from users.services import Actor
from users.tenancy import CompanyObjectMixin, CompanyRequiredMixin, CompanyScopedMixin
from workflow_design import services
from workflow_design.access import DesignReadMixin, DesignWriteMixin
from workflow_design.forms.field_builder import FieldBuilder
from workflow_design.forms.ticket_types import TicketTypeForm
from workflow_design.models import DefinitionStatus, TicketDefinition
from workflow_design.schema_builder import FIELD_TYPES, UnsupportedSchema, schema_to_rows
from workflow_design.selectors import STATUS_FILTERS, current_workflows
from workflow_design.services import InvalidDefinition
from workflow_design.validation import ticket_type_problems


class TicketTypeListView(LoginRequiredMixin, CompanyScopedMixin, DesignReadMixin, HtmxPartialMixin, ListView):
    model = TicketDefinition
    template_name = "workflow_design/ticket_type_list.html"
    context_object_name = "ticket_types"
    paginate_by = 25

    def get_queryset(self) -> QuerySet[TicketDefinition]:
        queryset = super().get_queryset().annotate(role_count=Count("allowed_roles")).order_by("title", "pk")
        query = search_text(self.request)
        if query:
            queryset = queryset.filter(Q(title__icontains=query) | Q(key__icontains=query))
        status = self.request.GET.get("status", "")
        if status in DefinitionStatus.values:
            queryset = queryset.filter(status=status)
        return queryset

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        page = context["ticket_types"]
        workflows = current_workflows(self.request.company, [ticket_type.workflow_key for ticket_type in page])
        for ticket_type in page:
            ticket_type.workflow = workflows.get(ticket_type.workflow_key)
            ticket_type.field_count = len((ticket_type.fields_schema or {}).get("properties", {}))
        context.update(
            q=search_text(self.request),
            status=self.request.GET.get("status", ""),
            statuses=STATUS_FILTERS,
            can_design=self.request.user.has_perm(PERM_DESIGN_WORKFLOWS),
        )
        return context


class TicketTypeDetailView(LoginRequiredMixin, CompanyObjectMixin, DesignReadMixin, DetailView):
    model = TicketDefinition
    template_name = "workflow_design/ticket_type_detail.html"
    context_object_name = "ticket_type"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ticket_type = self.object
        try:
            rows = schema_to_rows(ticket_type.fields_schema or {})
        except UnsupportedSchema:
            rows = None  # shown as raw JSON Schema
        for row in rows or []:
            row.type_label = FIELD_TYPES[row.type][0]
        return super().get_context_data(
            workflow=current_workflows(self.request.company, [ticket_type.workflow_key]).get(ticket_type.workflow_key),
            rows=rows,
            allowed_roles=ticket_type.allowed_roles.all(),
            problems=ticket_type_problems(ticket_type) if ticket_type.status != DefinitionStatus.RETIRED else [],
            can_design=self.request.user.has_perm(PERM_DESIGN_WORKFLOWS),
            **kwargs,
        )


class TicketTypeFormMixin:
    """One page for a ticket type's details and its fields (the shared field builder)."""

    template_name = "workflow_design/ticket_type_form.html"
    ticket_type: TicketDefinition | None = None

    def forms(self, request: HttpRequest) -> tuple[TicketTypeForm, FieldBuilder]:
        ticket_type = self.ticket_type
        data = request.POST if request.method == "POST" else None
        form = TicketTypeForm(data, company=request.company, instance=ticket_type)
        builder = FieldBuilder(
            data,
            schema=ticket_type.fields_schema if ticket_type else {},
            prefix="fields",
            label="Fields submitters fill in",
            help_text="Each row is one question on the ticket form. Add as many as you need.",
        )
        return form, builder

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form, builder = self.forms(request)
        return self.render_page(request, form, builder)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form, builder = self.forms(request)
        # Validate both so every error shows at once.
        form_ok, builder_ok = form.is_valid(), builder.is_valid()
        if not (form_ok and builder_ok):
            return self.render_page(request, form, builder)
        try:
            ticket_type = self.save(request, form.cleaned_data, builder.schema)
        except InvalidDefinition as invalid:
            form.add_error(None, "This ticket type is published, so it must stay valid:")
            for problem in invalid.problems:
                form.add_error(None, problem.message)
            return self.render_page(request, form, builder)
        messages.success(request, f"“{ticket_type}” was saved.")
        return redirect("design:ticket-type-detail", pk=ticket_type.pk)

    def render_page(self, request: HttpRequest, form: TicketTypeForm, builder: FieldBuilder) -> HttpResponse:
        return render(
            request,
            self.template_name,
            {"form": form, "builder": builder, "ticket_type": self.ticket_type},
            status=200,
        )


class TicketTypeCreateView(LoginRequiredMixin, CompanyRequiredMixin, TicketTypeFormMixin, DesignWriteMixin, View):
    def save(self, request: HttpRequest, data: dict, fields_schema: dict) -> TicketDefinition:
        return services.ticket_type_create(
            company=request.company, actor=Actor.from_request(request), fields_schema=fields_schema, **data
        )


class TicketTypeUpdateView(LoginRequiredMixin, CompanyObjectMixin, TicketTypeFormMixin, DesignWriteMixin, View):
    model = TicketDefinition

    @property
    def ticket_type(self) -> TicketDefinition:  # resolved by CompanyObjectMixin
        return self.object

    def save(self, request: HttpRequest, data: dict, fields_schema: dict) -> TicketDefinition:
        data = {name: value for name, value in data.items() if name != "key"}
        ticket_type, changed = services.ticket_type_update(
            ticket_type=self.object, actor=Actor.from_request(request), fields_schema=fields_schema, **data
        )
        if not changed:
            messages.info(request, "Nothing changed, so the version stays the same.")
        return ticket_type


class TicketTypeActionView(LoginRequiredMixin, CompanyObjectMixin, DesignWriteMixin, View):
    """POST-only status changes; another company's id is a 404, a reader's POST a 403."""

    model = TicketDefinition
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.act(request, self.object)
        return redirect("design:ticket-type-detail", pk=self.object.pk)


class TicketTypePublishView(TicketTypeActionView):
    def act(self, request: HttpRequest, ticket_type: TicketDefinition) -> None:
        try:
            services.ticket_type_publish(ticket_type=ticket_type, actor=Actor.from_request(request))
        except InvalidDefinition as invalid:
            for problem in invalid.problems:
                messages.error(request, f"Not published: {problem.message}")
        except TransitionNotAllowed:
            messages.info(request, f"“{ticket_type}” is already published.")
        else:
            messages.success(request, f"“{ticket_type}” is published: people can submit it now.")


class TicketTypeRetireView(TicketTypeActionView):
    def act(self, request: HttpRequest, ticket_type: TicketDefinition) -> None:
        try:
            services.ticket_type_retire(ticket_type=ticket_type, actor=Actor.from_request(request))
        except TransitionNotAllowed:
            messages.info(request, f"“{ticket_type}” is not published, so there is nothing to retire.")
        else:
            messages.success(request, f"“{ticket_type}” is retired: no new submissions; existing tickets carry on.")
