"""Definitions in Django's admin, for TicketFlower staff: read-only.

Every change to a definition goes through the services (validation, versioning,
the audit record); an admin form would skip them, so the admin only shows.
"""

from django.contrib import admin
from django.http import HttpRequest

from workflow_design.models import (
    DefinitionEvent,
    TaskDefinition,
    TicketDefinition,
    WorkflowDefinition,
    WorkflowTransition,
)


class ReadOnlyMixin:
    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class TaskInline(ReadOnlyMixin, admin.TabularInline):
    model = TaskDefinition
    fields = ["position", "key", "title", "task_type", "assignee_role", "remind_after", "escalate_after"]
    extra = 0
    show_change_link = True


class TransitionInline(ReadOnlyMixin, admin.TabularInline):
    model = WorkflowTransition
    fk_name = "workflow"
    fields = ["from_task", "to_task", "priority", "label", "condition"]
    extra = 0


@admin.register(WorkflowDefinition)
class WorkflowDefinitionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["title", "key", "version", "status", "company", "published_at"]
    list_filter = ["status", "company"]
    search_fields = ["title", "key"]
    list_select_related = ["company"]
    inlines = [TaskInline, TransitionInline]


@admin.register(TaskDefinition)
class TaskDefinitionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["title", "key", "task_type", "workflow", "company"]
    list_filter = ["task_type", "company"]
    search_fields = ["title", "key"]
    list_select_related = ["workflow", "company"]


@admin.register(TicketDefinition)
class TicketDefinitionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["title", "key", "workflow_key", "version", "status", "company"]
    list_filter = ["status", "company"]
    search_fields = ["title", "key"]
    list_select_related = ["company"]


@admin.register(DefinitionEvent)
class DefinitionEventAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["created_at", "company", "actor", "impersonating", "action", "subject", "version", "detail"]
    list_filter = ["action", "impersonating", "company"]
    search_fields = ["subject", "detail"]
    list_select_related = ["company", "actor"]
