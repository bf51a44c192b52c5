"""Workflow design pages: list, detail and diagram, editor, versions, export."""

from django.urls import path

from workflow_design import views_workflows as views

urlpatterns = [
    path("workflows/", views.WorkflowListView.as_view(), name="workflow-list"),
    path("workflows/new/", views.WorkflowCreateView.as_view(), name="workflow-create"),
    path("workflows/<int:pk>/", views.WorkflowDetailView.as_view(), name="workflow-detail"),
    path("workflows/<int:pk>/edit/", views.WorkflowEditView.as_view(), name="workflow-edit"),
    path("workflows/<int:pk>/draft/", views.WorkflowDraftView.as_view(), name="workflow-draft"),
    path("workflows/<int:pk>/publish/", views.WorkflowPublishView.as_view(), name="workflow-publish"),
    path("workflows/<int:pk>/discard/", views.WorkflowDiscardView.as_view(), name="workflow-discard"),
    path("workflows/<int:pk>/export/", views.WorkflowExportView.as_view(), name="workflow-export"),
    path("workflows/<int:pk>/tasks/new/", views.TaskFormView.as_view(), name="task-create"),
    path("workflows/<int:pk>/tasks/<int:task_pk>/edit/", views.TaskFormView.as_view(), name="task-edit"),
    path("workflows/<int:pk>/tasks/<int:task_pk>/delete/", views.TaskDeleteView.as_view(), name="task-delete"),
    path("workflows/<int:pk>/tasks/<int:task_pk>/move/", views.TaskMoveView.as_view(), name="task-move"),
    path("workflows/<int:pk>/transitions/new/", views.TransitionFormView.as_view(), name="transition-create"),
    path(
        "workflows/<int:pk>/transitions/<int:transition_pk>/edit/",
        views.TransitionFormView.as_view(),
        name="transition-edit",
    ),
    path(
        "workflows/<int:pk>/transitions/<int:transition_pk>/delete/",
        views.TransitionDeleteView.as_view(),
        name="transition-delete",
    ),
    path("fields/row/", views.FieldRowView.as_view(), name="field-row"),
]
