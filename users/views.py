"""Account pages: signup, login, dashboard, team, company roles, impersonation."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.contrib.auth.views import LoginView
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django.views.generic import FormView, ListView, TemplateView

from ticketflower.text import and_list
from ticketflower.views import HtmxPartialMixin, search_text
from users import dashboard, selectors, services
from users.forms import (
    CompanyRoleForm,
    CompanySettingsForm,
    EmailAuthenticationForm,
    SignupForm,
    TeamMemberCreateForm,
    TeamMemberRolesForm,
)
from users.models import Company, CompanyRole, User
from users.roles import PERM_MANAGE_TEAM, ROLE_ABILITIES, SystemRole
from users.services import Actor, NotAllowed
from users.tenancy import CompanyObjectMixin, CompanyRequiredMixin, scoped_object_or_404


class SignupView(FormView):
    template_name = "users/signup.html"
    form_class = SignupForm

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            return redirect("dashboard")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form: SignupForm) -> HttpResponse:
        user = services.company_signup(**form.cleaned_data)
        login(self.request, user, backend="users.backends.CompanyUserBackend")
        messages.success(self.request, f"Welcome to TicketFlower, {user.first_name}! {user.company} is ready.")
        return redirect("dashboard")


class EmailLoginView(LoginView):
    form_class = EmailAuthenticationForm
    redirect_authenticated_user = True


class DashboardView(LoginRequiredMixin, CompanyRequiredMixin, TemplateView):
    template_name = "users/dashboard.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["cards"] = dashboard.cards_for(self.request)
        roles = [SystemRole(group.name) for group in self.request.user.groups.all() if group.name in SystemRole.values]
        roles.sort(key=list(SystemRole).index)
        context["role_labels"] = [role.label for role in roles]
        context["abilities"] = and_list([ROLE_ABILITIES[role] for role in roles])
        return context


class TeamPermissionMixin(PermissionRequiredMixin):
    # Anonymous visitors are sent to log in; members without the role get 403.
    permission_required = PERM_MANAGE_TEAM


class TeamListView(LoginRequiredMixin, CompanyRequiredMixin, TeamPermissionMixin, HtmxPartialMixin, ListView):
    template_name = "users/team_list.html"
    context_object_name = "members"
    paginate_by = 25

    def get_queryset(self):
        return selectors.team_members(
            company=self.request.company,
            search=search_text(self.request),
            status=self.request.GET.get("status", "active"),
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["q"] = search_text(self.request)
        context["status"] = self.request.GET.get("status", "active")
        context["statuses"] = [("active", "Active"), ("inactive", "Deactivated"), ("all", "Everyone")]
        return context


class TeamMemberCreateView(LoginRequiredMixin, CompanyRequiredMixin, TeamPermissionMixin, FormView):
    template_name = "users/team_form.html"
    form_class = TeamMemberCreateForm

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "company": self.request.company}

    def get_initial(self) -> dict[str, Any]:
        return {"system_roles": services.system_role_groups([SystemRole.USER])}

    def form_valid(self, form: TeamMemberCreateForm) -> HttpResponse:
        member = services.team_member_add(
            company=self.request.company, actor=Actor.from_request(self.request), **form.cleaned_data
        )
        messages.success(self.request, f"{member} was added. Share their temporary password with them.")
        return redirect("team")


class TeamMemberUpdateView(LoginRequiredMixin, CompanyObjectMixin, TeamPermissionMixin, FormView):
    model = User
    template_name = "users/team_form.html"
    form_class = TeamMemberRolesForm

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "company": self.request.company}

    def get_initial(self) -> dict[str, Any]:
        member = self.object
        return {
            "first_name": member.first_name,
            "last_name": member.last_name,
            "system_roles": member.groups.all(),
            "company_roles": member.company_roles.all(),
        }

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(member=self.object, **kwargs)

    def form_valid(self, form: TeamMemberRolesForm) -> HttpResponse:
        try:
            services.team_member_update(member=self.object, actor=Actor.from_request(self.request), **form.cleaned_data)
        except NotAllowed as error:
            form.add_error("system_roles", str(error))
            return self.form_invalid(form)
        messages.success(self.request, f"{self.object} was updated.")
        return redirect("team")


@require_POST
def team_member_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    member = scoped_object_or_404(request, User, pk, permission=PERM_MANAGE_TEAM)
    try:
        services.team_member_deactivate(member=member, actor=Actor.from_request(request))
    except NotAllowed as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"{member} was deactivated. Their history stays.")
    return redirect("team")


@require_POST
def team_member_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    member = scoped_object_or_404(request, User, pk, permission=PERM_MANAGE_TEAM)
    services.team_member_reactivate(member=member, actor=Actor.from_request(request))
    messages.success(request, f"{member} can log in again.")
    return redirect(f"{reverse('team')}?status=inactive")


class CompanyRoleListView(LoginRequiredMixin, CompanyRequiredMixin, TeamPermissionMixin, HtmxPartialMixin, ListView):
    template_name = "users/company_role_list.html"
    context_object_name = "roles"
    paginate_by = 25

    def get_queryset(self):
        return selectors.company_roles_with_member_counts(
            company=self.request.company, search=search_text(self.request)
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(q=search_text(self.request), **kwargs)
        for role in context["roles"]:  # what uses each role is prefetched: no query per role
            role.usage = services.usage_text(services.company_role_usage(role))
        return context


class CompanyRoleCreateView(LoginRequiredMixin, CompanyRequiredMixin, TeamPermissionMixin, FormView):
    template_name = "users/company_role_form.html"
    form_class = CompanyRoleForm

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "company": self.request.company}

    def form_valid(self, form: CompanyRoleForm) -> HttpResponse:
        role = services.company_role_create(
            company=self.request.company, actor=Actor.from_request(self.request), **form.cleaned_data
        )
        messages.success(self.request, f"Company role “{role.name}” was created.")
        return redirect("company-roles")


class CompanyRoleUpdateView(LoginRequiredMixin, CompanyObjectMixin, TeamPermissionMixin, FormView):
    model = CompanyRole
    template_name = "users/company_role_form.html"
    form_class = CompanyRoleForm

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "company": self.request.company, "instance": self.object}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        usage = services.usage_text(services.company_role_usage(self.object))
        return super().get_context_data(role=self.object, usage=usage, **kwargs)

    def form_valid(self, form: CompanyRoleForm) -> HttpResponse:
        role = services.company_role_update(
            role=self.object, actor=Actor.from_request(self.request), **form.cleaned_data
        )
        messages.success(self.request, f"Company role “{role.name}” was saved.")
        return redirect("company-roles")


@require_POST
def company_role_delete(request: HttpRequest, pk: int) -> HttpResponse:
    role = scoped_object_or_404(request, CompanyRole, pk, permission=PERM_MANAGE_TEAM)
    try:
        services.company_role_delete(role=role, actor=Actor.from_request(request))
    except NotAllowed as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Company role “{role.name}” was deleted.")
    return redirect("company-roles")


def _require_superuser(request: HttpRequest) -> None:
    # Everyone else gets the same answer as for a page that does not exist.
    if not (request.user.is_authenticated and request.user.is_superuser):
        raise Http404


def impersonate(request: HttpRequest) -> HttpResponse:
    _require_superuser(request)
    if request.method == "POST":
        company_id = request.POST.get("company", "")
        company = get_object_or_404(Company, pk=int(company_id) if company_id.isdigit() else 0)
        services.impersonation_start(request=request, company=company)
        # No message: the impersonation bar on every page says it (once).
        return redirect("dashboard")
    search = search_text(request)
    companies = selectors.companies_for_staff(search=search)
    page = Paginator(companies, 25).get_page(request.GET.get("page"))
    template = "users/impersonate.html#rows" if request.htmx else "users/impersonate.html"
    return render(request, template, {"page_obj": page, "companies": page.object_list, "q": search})


@require_POST
def impersonate_stop(request: HttpRequest) -> HttpResponse:
    _require_superuser(request)
    company = services.impersonation_stop(request=request)
    if company is not None:
        messages.info(request, f"You stopped acting inside {company}.")
    return redirect("impersonate")


class HomeView(TemplateView):
    """Anonymous visitors see what TicketFlower is; members see their dashboard."""

    template_name = "users/home.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            return DashboardView.as_view()(request, *args, **kwargs)
        return super().dispatch(request, *args, **kwargs)


class CompanySettingsView(LoginRequiredMixin, CompanyRequiredMixin, TeamPermissionMixin, FormView):
    """The company's name and the time zone every page shows times in (company admins)."""

    template_name = "users/company_settings.html"
    form_class = CompanySettingsForm

    def get_initial(self) -> dict[str, Any]:
        return {"name": self.request.company.name, "time_zone": self.request.company.time_zone}

    def form_valid(self, form: CompanySettingsForm) -> HttpResponse:
        services.company_settings_update(
            company=self.request.company, actor=Actor.from_request(self.request), **form.cleaned_data
        )
        messages.success(self.request, "Company settings saved.")
        return redirect("company-settings")
