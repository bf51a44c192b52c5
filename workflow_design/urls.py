"""Design pages under /design/ (namespace "design")."""

from django.urls import path

from ticketflower.views import answer_oversized_posts
from workflow_design.views import bundles, editor, ticket_types, workflows

app_name = "design"

urlpatterns = [
    # Workflows: list, detail and diagram, versions, export.
    path("workflows/", workflows.WorkflowListView.as_view(), name="workflow-list"),
    path("workflows/new/", workflows.WorkflowCreateView.as_view(), name="workflow-create"),
    path("workflows/<int:pk>/", workflows.WorkflowDetailView.as_view(), name="workflow-detail"),
    path("workflows/<int:pk>/draft/", workflows.WorkflowDraftView.as_view(), name="workflow-draft"),
    path("workflows/<int:pk>/publish/", workflows.WorkflowPublishView.as_view(), name="workflow-publish"),
    path("workflows/<int:pk>/discard/", workflows.WorkflowDiscardView.as_view(), name="workflow-discard"),
    path("workflows/<int:pk>/export/", workflows.WorkflowExportView.as_view(), name="workflow-export"),
    # The editor of a draft: tasks and arrows.
    path("workflows/<int:pk>/edit/", editor.WorkflowEditView.as_view(), name="workflow-edit"),
    path("workflows/<int:pk>/tasks/new/", editor.TaskFormView.as_view(), name="task-create"),
    path("workflows/<int:pk>/tasks/<int:task_pk>/edit/", editor.TaskFormView.as_view(), name="task-edit"),
    path("workflows/<int:pk>/tasks/<int:task_pk>/delete/", editor.TaskDeleteView.as_view(), name="task-delete"),
    path("workflows/<int:pk>/tasks/<int:task_pk>/move/", editor.TaskMoveView.as_view(), name="task-move"),
    path("workflows/<int:pk>/transitions/new/", editor.TransitionFormView.as_view(), name="transition-create"),
    path(
        "workflows/<int:pk>/transitions/<int:transition_pk>/edit/",
        editor.TransitionFormView.as_view(),
        name="transition-edit",
    ),
    path(
        "workflows/<int:pk>/transitions/<int:transition_pk>/delete/",
        editor.TransitionDeleteView.as_view(),
        name="transition-delete",
    ),
    path("fields/row/", editor.FieldRowView.as_view(), name="field-row"),
    # Ticket types (the path says "tickets": it is part of the page contract).
    path("tickets/", ticket_types.TicketTypeListView.as_view(), name="ticket-type-list"),
    path("tickets/new/", ticket_types.TicketTypeCreateView.as_view(), name="ticket-type-create"),
    path("tickets/<int:pk>/", ticket_types.TicketTypeDetailView.as_view(), name="ticket-type-detail"),
    path("tickets/<int:pk>/edit/", ticket_types.TicketTypeUpdateView.as_view(), name="ticket-type-edit"),
    path("tickets/<int:pk>/publish/", ticket_types.TicketTypePublishView.as_view(), name="ticket-type-publish"),
    path("tickets/<int:pk>/retire/", ticket_types.TicketTypeRetireView.as_view(), name="ticket-type-retire"),
    # Bundles.
    path(
        "import/",
        answer_oversized_posts(bundles.BundleImportView.as_view()),
        name="import",
    ),
    path("export/", bundles.CompanyExportView.as_view(), name="export-company"),
]
