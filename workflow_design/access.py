"""Who may see and change definitions: one place for every design view.

Ticket admins and workflow creators read (users.view_definitions); only
workflow creators change anything (users.design_workflows). Put these after
the company-scoped object lookup, so another company's id is a 404 first.
"""

from django.contrib.auth.mixins import PermissionRequiredMixin

from users.roles import PERM_DESIGN_WORKFLOWS, PERM_VIEW_DEFINITIONS


class DesignReadMixin(PermissionRequiredMixin):
    permission_required = PERM_VIEW_DEFINITIONS


class DesignWriteMixin(PermissionRequiredMixin):
    permission_required = PERM_DESIGN_WORKFLOWS
