"""Running work in Django's admin, for TicketFlower staff: read-only, with actions that call services.

Writes through admin forms would skip the services (transitions, history, the engine),
so every model is shown read-only; WorkflowError has Retry and Mark reviewed actions
that run the same services as /ops/errors/.
"""

from django.contrib import admin, messages
from django.http import HttpRequest

from users.services import Actor
from workflow_ops.models import (
    ErrorAttempt,
    Notification,
    StatusChange,
    TaskInstance,
    TicketCounter,
    TicketInstance,
    WorkflowError,
    WorkflowInstance,
)
from workflow_ops.services.common import NotAllowed
from workflow_ops.services.errors import error_mark_reviewed, error_retry


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(TicketInstance)
class TicketAdmin(ReadOnlyAdmin):
    list_display = ["number", "title", "company", "ticket_type", "status", "outcome", "priority", "created_at"]
    list_filter = ["status", "priority", "company"]
    search_fields = ["title", "number"]
    list_select_related = ["company", "ticket_type"]


@admin.register(WorkflowInstance)
class WorkflowAdmin(ReadOnlyAdmin):
    list_display = ["ticket", "definition", "status", "current_task", "created_at"]
    list_filter = ["status", "company"]
    list_select_related = ["ticket", "definition", "current_task__definition"]


@admin.register(TaskInstance)
class TaskAdmin(ReadOnlyAdmin):
    list_display = ["definition", "ticket", "status", "assigned_to", "due_at", "completed_at", "advanced_at"]
    list_filter = ["status", "company"]
    search_fields = ["definition__title", "ticket__title"]
    list_select_related = ["definition", "ticket", "assigned_to"]


class AttemptInline(admin.TabularInline):
    model = ErrorAttempt
    fields = ["created_at", "attempted_by", "succeeded", "message"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(WorkflowError)
class WorkflowErrorAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "ticket", "kind", "status", "attempt_count", "message"]
    list_filter = ["status", "kind", "company"]
    search_fields = ["message", "ticket__title", "step"]
    list_select_related = ["ticket"]
    inlines = [AttemptInline]
    actions = ["retry", "mark_reviewed"]

    @admin.action(description="Retry the stuck step of the selected errors")
    def retry(self, request: HttpRequest, queryset) -> None:
        actor = Actor(user=request.user)
        succeeded = failed = 0
        for error in queryset:
            try:
                if error_retry(error=error, actor=actor):
                    succeeded += 1
                else:
                    failed += 1
            except NotAllowed as refused:
                self.message_user(request, f"{error}: {refused}", messages.WARNING)
        if succeeded:
            self.message_user(request, f"{succeeded} step(s) succeeded; their errors are resolved.", messages.SUCCESS)
        if failed:
            self.message_user(request, f"{failed} step(s) failed again; see their latest attempt.", messages.ERROR)

    @admin.action(description="Mark the selected errors as reviewed")
    def mark_reviewed(self, request: HttpRequest, queryset) -> None:
        for error in queryset:
            try:
                error_mark_reviewed(error=error, actor=Actor(user=request.user))
            except NotAllowed as refused:
                self.message_user(request, f"{error}: {refused}", messages.WARNING)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        # The actions need it; the form itself shows read-only fields (get_readonly_fields).
        return request.user.is_superuser

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        return [field.name for field in self.model._meta.fields]


@admin.register(StatusChange)
class StatusChangeAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "ticket", "subject", "from_status", "to_status", "actor", "impersonating", "note"]
    list_filter = ["subject", "to_status", "impersonating", "company"]
    list_select_related = ["ticket", "actor"]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "recipient", "kind", "message", "is_read"]
    list_filter = ["kind", "is_read", "company"]
    list_select_related = ["recipient"]


@admin.register(TicketCounter)
class TicketCounterAdmin(ReadOnlyAdmin):
    list_display = ["company", "last_number"]
