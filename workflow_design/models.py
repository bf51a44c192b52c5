"""Definitions a company makes before any ticket runs.

A workflow is a family of versions sharing one `key`. Published versions are
immutable: editing one creates the next draft version, so running tickets keep
the version they started on and new tickets use the newest published one.
Ticket definitions name their workflow by key and follow its published version.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django_fsm import FSMField, transition

from users.models import Company, CompanyRole
from users.querysets import CompanyQuerySet
from workflow_design.limits import MAX_PRIORITY, MAX_TIMEOUT_SECONDS, MIN_TIMEOUT_SECONDS


class DefinitionLocked(Exception):
    """A published or retired workflow version never changes: running tickets use it."""


class DefinitionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    # A published version that a newer one replaced; instances may still run on it.
    RETIRED = "retired", "Retired"


class WorkflowDefinitionQuerySet(CompanyQuerySet):
    def published(self) -> WorkflowDefinitionQuerySet:
        return self.filter(status=DefinitionStatus.PUBLISHED)

    def latest_versions(self) -> WorkflowDefinitionQuerySet:
        """One row per key: the newest version (draft or not)."""
        newest = (
            WorkflowDefinition.objects.filter(company=models.OuterRef("company"), key=models.OuterRef("key"))
            .order_by("-version")
            .values("pk")[:1]
        )
        return self.filter(pk=models.Subquery(newest))


class WorkflowDefinition(models.Model):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="workflow_definitions")
    key = models.SlugField(max_length=80, help_text="Stable name shared by every version; bundles use it.")
    version = models.PositiveIntegerField(default=1)
    title = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    # [{"label": ..., "description": ..., "uri": ...}] — links to outside documents.
    ext_ref = models.JSONField(default=list, blank=True)
    status = FSMField(default=DefinitionStatus.DRAFT, choices=DefinitionStatus.choices, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)

    objects = WorkflowDefinitionQuerySet.as_manager()

    class Meta:
        ordering = ["title", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["company", "key", "version"], name="wd_workflow_unique_version"),
            models.UniqueConstraint(
                fields=["company", "key"],
                condition=Q(status="published"),
                name="wd_workflow_one_published_version",
            ),
            models.UniqueConstraint(
                fields=["company", "key"], condition=Q(status="draft"), name="wd_workflow_one_draft_version"
            ),
        ]
        indexes = [models.Index(fields=["company", "key", "status"])]

    # What a published version may still change: its status (retiring it) and the time stamps.
    LOCKED_WRITABLE_FIELDS = frozenset({"status", "published_at", "updated_at"})

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The services lock and re-check a draft before changing it; this is the backstop for every
        # other path (the shell, the admin, a future bug): a version that was loaded as published or
        # retired only ever changes its status.
        loaded = getattr(self, "_loaded_status", DefinitionStatus.DRAFT)
        update_fields = kwargs.get("update_fields")
        if loaded != DefinitionStatus.DRAFT and (
            update_fields is None or not set(update_fields) <= self.LOCKED_WRITABLE_FIELDS
        ):
            raise DefinitionLocked(f"{self} is {loaded}; edit its draft instead.")
        super().save(*args, **kwargs)
        self._loaded_status = self.status

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if getattr(self, "_loaded_status", DefinitionStatus.DRAFT) != DefinitionStatus.DRAFT:
            raise DefinitionLocked(f"{self} is {self._loaded_status}; only drafts can be deleted.")
        return super().delete(*args, **kwargs)

    @classmethod
    def from_db(cls, db: str | None, field_names: Any, values: Any) -> WorkflowDefinition:
        instance = super().from_db(db, field_names, values)
        instance._loaded_status = instance.__dict__.get("status")
        return instance

    @property
    def is_editable(self) -> bool:
        return self.status == DefinitionStatus.DRAFT

    @transition(field=status, source=DefinitionStatus.DRAFT, target=DefinitionStatus.PUBLISHED)
    def publish(self) -> None:
        self.published_at = timezone.now()

    @transition(field=status, source=DefinitionStatus.PUBLISHED, target=DefinitionStatus.RETIRED)
    def retire(self) -> None:
        pass


class TaskType(models.TextChoices):
    FORM = "FORM", "Form (a person fills it in)"
    SYNC_ACTION = "SYNC_ACTION", "HTTP action (answers at once)"
    ASYNC_ACTION = "ASYNC_ACTION", "HTTP action (calls back later)"


class Assignment(models.TextChoices):
    """Who gets a task. `same_as:<task key>` (whoever completed that earlier task) is stored as text too."""

    LEAST_LOADED = "least_loaded", "The eligible worker with the fewest open tasks"
    POOL = "pool", "Waits in the pool; any eligible worker claims it"
    REQUESTER = "requester", "The ticket's requester"


SAME_AS_PREFIX = "same_as:"


class TaskDefinition(models.Model):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="task_definitions")
    workflow = models.ForeignKey(WorkflowDefinition, on_delete=models.CASCADE, related_name="tasks")
    key = models.SlugField(max_length=80)
    title = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    ext_ref = models.JSONField(default=list, blank=True)
    task_type = models.CharField(max_length=20, choices=TaskType.choices, default=TaskType.FORM)
    # JSON Schema of the data the task receives and of the form (or action reply) it produces.
    input_schema = models.JSONField(default=dict, blank=True)
    output_schema = models.JSONField(default=dict, blank=True)
    # JsonLogic over {"ticket": ..., "tasks": {...}} giving the task's input / mapping an action reply.
    input_transform = models.JSONField(null=True, blank=True)
    output_transform = models.JSONField(null=True, blank=True)
    action_url = models.URLField(max_length=500, blank=True)
    timeout_seconds = models.PositiveIntegerField(null=True, blank=True)
    assignee_role = models.ForeignKey(
        CompanyRole, on_delete=models.PROTECT, null=True, blank=True, related_name="assignable_tasks"
    )
    # An Assignment value, or "same_as:<task key>".
    assignment = models.CharField(max_length=100, default=Assignment.LEAST_LOADED)
    remind_after = models.DurationField(null=True, blank=True)
    escalate_after = models.DurationField(null=True, blank=True)
    position = models.PositiveIntegerField(default=0, help_text="Display order in the editor.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CompanyQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["workflow", "key"], name="wd_task_unique_key_per_workflow"),
            models.CheckConstraint(
                condition=Q(timeout_seconds__isnull=True)
                | Q(timeout_seconds__gte=MIN_TIMEOUT_SECONDS, timeout_seconds__lte=MAX_TIMEOUT_SECONDS),
                name="wd_task_timeout_in_range",
            ),
            models.CheckConstraint(
                condition=Q(remind_after__isnull=True) | Q(remind_after__gt=timedelta(0)),
                name="wd_task_remind_after_positive",
            ),
            models.CheckConstraint(
                condition=Q(escalate_after__isnull=True) | Q(escalate_after__gt=timedelta(0)),
                name="wd_task_escalate_after_positive",
            ),
            models.CheckConstraint(
                condition=Q(remind_after__isnull=True)
                | Q(escalate_after__isnull=True)
                | Q(escalate_after__gte=models.F("remind_after")),
                name="wd_task_escalate_not_before_remind",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        _assert_workflow_is_draft(self.workflow, self)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        _assert_workflow_is_draft(self.workflow, self)
        return super().delete(*args, **kwargs)

    @property
    def is_action(self) -> bool:
        return self.task_type in (TaskType.SYNC_ACTION, TaskType.ASYNC_ACTION)


class WorkflowTransition(models.Model):
    """An arrow: `from_task` null marks the start, `to_task` null ends the workflow."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="workflow_transitions")
    workflow = models.ForeignKey(WorkflowDefinition, on_delete=models.CASCADE, related_name="transitions")
    from_task = models.ForeignKey(
        TaskDefinition, on_delete=models.CASCADE, null=True, blank=True, related_name="outgoing"
    )
    to_task = models.ForeignKey(
        TaskDefinition, on_delete=models.CASCADE, null=True, blank=True, related_name="incoming"
    )
    # JsonLogic; null means "always".
    condition = models.JSONField(null=True, blank=True)
    priority = models.IntegerField(default=0, help_text="Lower runs first; the first matching transition wins.")
    label = models.CharField(max_length=100, blank=True)

    objects = CompanyQuerySet.as_manager()

    class Meta:
        ordering = ["priority", "id"]
        indexes = [models.Index(fields=["workflow", "from_task", "priority"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(priority__gte=-MAX_PRIORITY, priority__lte=MAX_PRIORITY),
                name="wd_transition_priority_in_range",
            ),
        ]

    def __str__(self) -> str:
        source = self.from_task.key if self.from_task else "start"
        target = self.to_task.key if self.to_task else "end"
        return f"{source} → {target}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        _assert_workflow_is_draft(self.workflow, self)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        _assert_workflow_is_draft(self.workflow, self)
        return super().delete(*args, **kwargs)


def _assert_workflow_is_draft(workflow: WorkflowDefinition, part: models.Model) -> None:
    if workflow.status != DefinitionStatus.DRAFT:
        raise DefinitionLocked(f"{workflow} is {workflow.status}; its tasks and arrows cannot change.")


class TicketDefinition(models.Model):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="ticket_definitions")
    key = models.SlugField(max_length=80)
    title = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    ext_ref = models.JSONField(default=list, blank=True)
    # JSON Schema of what a submitter fills in.
    fields_schema = models.JSONField(default=dict, blank=True)
    # The workflow family (by key); tickets start its newest published version.
    workflow_key = models.SlugField(max_length=80)
    allowed_roles = models.ManyToManyField(
        CompanyRole, blank=True, related_name="ticket_definitions", help_text="Empty: everyone may submit."
    )
    # Whether the person asking chooses the priority (ticket admins always may).
    requester_sets_priority = models.BooleanField(default=False)
    status = FSMField(default=DefinitionStatus.DRAFT, choices=DefinitionStatus.choices, db_index=True)
    # Counts real changes: a ticket keeps the version (and a snapshot of the fields) it was submitted with.
    version = models.PositiveIntegerField(default=1, help_text="Bumped when a saved change changes something.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CompanyQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        constraints = [models.UniqueConstraint(fields=["company", "key"], name="wd_ticket_unique_key")]
        indexes = [models.Index(fields=["company", "workflow_key"])]

    def __str__(self) -> str:
        return self.title

    @transition(
        field=status, source=[DefinitionStatus.DRAFT, DefinitionStatus.RETIRED], target=DefinitionStatus.PUBLISHED
    )
    def publish(self) -> None:
        pass

    @transition(field=status, source=DefinitionStatus.PUBLISHED, target=DefinitionStatus.RETIRED)
    def retire(self) -> None:
        pass


class DefinitionEvent(models.Model):
    """Append-only record of definition changes, with the real actor behind impersonation.

    Kept by workflow_design itself, so `users` knows nothing of workflows.
    """

    class Action(models.TextChoices):
        WORKFLOW_CREATED = "workflow_created", "Workflow created"
        WORKFLOW_EDITED = "workflow_edited", "Workflow draft edited"
        DRAFT_STARTED = "draft_started", "Draft version started"
        WORKFLOW_PUBLISHED = "workflow_published", "Workflow version published"
        DRAFT_DISCARDED = "draft_discarded", "Draft discarded"
        TICKET_TYPE_CREATED = "ticket_type_created", "Ticket type created"
        TICKET_TYPE_EDITED = "ticket_type_edited", "Ticket type edited"
        TICKET_TYPE_PUBLISHED = "ticket_type_published", "Ticket type published"
        TICKET_TYPE_RETIRED = "ticket_type_retired", "Ticket type retired"
        BUNDLE_IMPORTED = "bundle_imported", "Bundle imported"

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="definition_events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    impersonating = models.BooleanField(default=False)
    action = models.CharField(max_length=40, choices=Action.choices)
    # The workflow or ticket-type key the change is about, and the version it made or changed.
    subject = models.CharField(max_length=80, blank=True)
    version = models.PositiveIntegerField(null=True, blank=True)
    detail = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = CompanyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["company", "subject", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.subject} ({self.created_at:%Y-%m-%d %H:%M})"
