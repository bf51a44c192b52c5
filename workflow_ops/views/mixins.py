"""Who may open the working pages: each view states the permission it needs."""

from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin

from users.roles import PERM_MANAGE_TICKETS, PERM_WORK_TASKS
from users.tenancy import CompanyRequiredMixin


class TicketAdminMixin(LoginRequiredMixin, CompanyRequiredMixin, PermissionRequiredMixin):
    permission_required = PERM_MANAGE_TICKETS


class WorkerMixin(LoginRequiredMixin, CompanyRequiredMixin, PermissionRequiredMixin):
    permission_required = PERM_WORK_TASKS
