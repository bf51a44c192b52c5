"""Design pages under /design/ (namespace "design").

Workflow pages live in urls_workflows.py, ticket-type and bundle pages in
urls_tickets.py; both join this namespace.
"""

from django.urls import include, path

app_name = "design"

urlpatterns = [
    path("", include("workflow_design.urls_workflows")),
    path("", include("workflow_design.urls_tickets")),
]
