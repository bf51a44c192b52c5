"""Workflow editor forms: a new workflow, its details, a task (with its builders) and an arrow."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from ticketflower.forms import StyledFormMixin
from ticketflower.outbound import TargetRefused, check_action_url
from users.models import Company
from workflow_design.definition_fields import TASK_FIELDS
from workflow_design.form_fields import DurationChoiceField, key_field
from workflow_design.forms.condition_builder import ConditionBuilderForm
from workflow_design.forms.field_builder import FieldBuilder
from workflow_design.forms.mapping_builder import MappingBuilder
from workflow_design.jsonlogic import known_variables
from workflow_design.limits import MAX_PRIORITY
from workflow_design.models import SAME_AS_PREFIX, TaskDefinition, TaskType, WorkflowDefinition
from workflow_design.validation import RuleScope

ACTION_TYPES = (TaskType.SYNC_ACTION, TaskType.ASYNC_ACTION)


def _slug_pair(form: forms.Form, source: str = "title", target: str = "key") -> None:
    """The page's script fills the key from the title until the key is edited by hand."""
    form.fields[source].widget.attrs["data-slug-source"] = ""
    form.fields[target].widget.attrs.update({"data-slug-target": "", "data-slug-separator": "-"})


class WorkflowCreateForm(StyledFormMixin, forms.Form):
    title = forms.CharField(max_length=255)
    key = key_field(
        help_text="A stable name for bundles and ticket types; made from the title if empty. It cannot change later."
    )
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, company: Company, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.company = company
        _slug_pair(self)

    def clean_key(self) -> str:
        key = self.cleaned_data["key"].strip()
        if key and WorkflowDefinition.objects.for_company(self.company).filter(key=key).exists():
            raise ValidationError("Another workflow already uses this key.")
        return key


class WorkflowDetailsForm(StyledFormMixin, forms.Form):
    title = forms.CharField(max_length=255)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class TaskForm(StyledFormMixin, forms.Form):
    """A task of a draft workflow: its settings (from the field table), the form it produces
    (field builder) and its input and output mappings (mapping builders).

    Every task type can have an input mapping (a form task shows its input to the
    assignee); only actions have an output mapping, a URL and a timeout.
    """

    def __init__(
        self,
        data: Any = None,
        *,
        workflow: WorkflowDefinition,
        task: TaskDefinition | None = None,
        variables: dict[str, tuple[str, str, str]] | None = None,
        readable: set[str] | None = None,
        **kwargs: Any,
    ) -> None:
        """`variables`: what the input mapping offers (ticket fields, earlier tasks' outputs);
        `readable`: every variable a transform may read (defaults to `variables`)."""
        self.workflow, self.task = workflow, task
        self.base_fields = TASK_FIELDS.form_fields(workflow.company)
        if task is not None:
            kwargs["initial"] = {name: getattr(task, name) for name in self.base_fields}
        super().__init__(data, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field, DurationChoiceField):  # keep an unusual stored duration selectable
                field.allow(self.initial.get(name))
        _slug_pair(self)
        self.fields["task_type"].widget.attrs["data-type-select"] = ""
        others = workflow.tasks.exclude(pk=task.pk) if task else workflow.tasks.all()
        self.fields["assignment"].choices = [
            *self.fields["assignment"].choices,
            *((f"{SAME_AS_PREFIX}{other.key}", f"Whoever did “{other.title}”") for other in others),
        ]
        self.builder = FieldBuilder(
            data,
            schema=task.output_schema if task else {},
            prefix="output",
            label="Form the task produces",
            help_text="What the assignee fills in (or the action replies). Later conditions can use these fields.",
        )
        variables = variables or {}
        readable = {*(readable if readable is not None else variables), "ticket.*"}
        self.input_mapping = MappingBuilder(
            data,
            transform=task.input_transform if task else None,
            name="input_transform",
            label="input transform",
            help_text="What the task is given: each field is filled from a ticket field or an earlier task's answer. "
            "A person sees it above the form; an action is sent it.",
            variables=variables,
            known=readable,
            target_schema=task.input_schema if task else None,
            target_what="The task's input",
        )
        self.output_mapping = MappingBuilder(
            data,
            transform=task.output_transform if task else None,
            name="output_transform",
            label="output transform",
            help_text="What the task keeps from the action's reply: response.<field> is a field of the reply.",
            source_prefix="response.",
            known=readable | known_variables(task_outputs={}, for_output_transform=True),
            target_schema=task.output_schema if task else None,
            target_what="The form the task produces",
        )

    def clean_key(self) -> str:
        key = self.cleaned_data["key"].strip()
        others = self.workflow.tasks.exclude(pk=self.task.pk) if self.task else self.workflow.tasks.all()
        if key and others.filter(key=key).exists():
            raise ValidationError("Another task of this workflow already uses this key.")
        return key

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("task_type") in ACTION_TYPES:
            url = (cleaned.get("action_url") or "").strip()
            cleaned["action_url"] = url
            if not url and "action_url" not in self.errors:
                self.add_error("action_url", "An action task needs the URL to call.")
            elif url:
                try:
                    check_action_url(url, allow_private=settings.ACTIONS_ALLOW_PRIVATE_TARGETS)
                except TargetRefused as refused:
                    self.add_error("action_url", str(refused))
        else:
            cleaned.update(action_url="", timeout_seconds=None)
        return cleaned

    @property
    def is_action(self) -> bool:
        return getattr(self, "cleaned_data", {}).get("task_type") in ACTION_TYPES

    @property
    def has_builder_errors(self) -> bool:
        return bool(
            self.builder.raw_errors
            or self.builder.errors_from_rows
            or self.input_mapping.has_errors
            or self.output_mapping.has_errors
        )

    def is_valid(self) -> bool:
        # Every part validates, so every error shows at once.
        form_ok = super().is_valid()
        builder_ok = self.builder.is_valid()
        input_ok = self.input_mapping.is_valid()
        output_ok = True
        if self.is_action:  # a form task has no output transform; its hidden mapping is ignored
            # The output transform fills the fields of the form as saved now, not as it was.
            self.output_mapping.target_schema = self.builder.schema if builder_ok else None
            output_ok = self.output_mapping.is_valid()
        return form_ok and builder_ok and input_ok and output_ok

    def service_kwargs(self) -> dict[str, Any]:
        """The task's settings for `task_create` / `task_update`."""
        kwargs = {name: self.cleaned_data[name] for name in self.base_fields if name != "key"}
        kwargs["output_schema"] = self.builder.schema
        kwargs["input_transform"] = self.input_mapping.transform
        kwargs["output_transform"] = self.output_mapping.transform if self.is_action else None
        if self.cleaned_data["key"] or self.task is None:
            kwargs["key"] = self.cleaned_data["key"]
        return kwargs


class TransitionForm(StyledFormMixin, forms.Form):
    """An arrow: from a task (or Start) to a task (or End), with a condition, a priority and a label.

    A new arrow starts from where one is likely missing (Start, when the workflow has
    no start yet; else the first task without a way onward) to the task after it, so
    its first state is an arrow that can be added as it is.
    """

    from_task = forms.ModelChoiceField(
        queryset=TaskDefinition.objects.none(), required=False, label="From", empty_label="Start"
    )
    to_task = forms.ModelChoiceField(
        queryset=TaskDefinition.objects.none(), required=False, label="To", empty_label="End"
    )
    priority = forms.IntegerField(
        required=False,
        min_value=-MAX_PRIORITY,
        max_value=MAX_PRIORITY,
        help_text="Lower is checked first; the first matching arrow wins. Empty: after the others from the same task.",
    )
    label = forms.CharField(
        max_length=100,
        required=False,
        help_text="Shown on the diagram. An arrow to End needs one: it becomes the ticket's outcome.",
    )

    def __init__(
        self,
        data: Any = None,
        *,
        workflow: WorkflowDefinition,
        tasks: list[TaskDefinition],
        variables: dict[str, tuple[str, str, str]],
        transition: Any = None,
        scope: RuleScope | None = None,
        **kwargs: Any,
    ) -> None:
        if transition is not None:
            kwargs["initial"] = {
                "from_task": transition.from_task_id,
                "to_task": transition.to_task_id,
                "priority": transition.priority,
                "label": transition.label,
            }
        else:
            kwargs.setdefault("initial", _new_arrow_ends(workflow, tasks))
        super().__init__(data, **kwargs)
        self.workflow, self.transition = workflow, transition
        scoped = TaskDefinition.objects.for_company(workflow.company).filter(workflow=workflow)
        for name in ("from_task", "to_task"):
            self.fields[name].queryset = scoped
            self.fields[name].choices = [("", self.fields[name].empty_label), *((t.pk, t.title) for t in tasks)]
        self.condition = ConditionBuilderForm(
            data, variables=variables, scope=scope, rule=transition.condition if transition is not None else None
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if "from_task" in cleaned and "to_task" in cleaned and not cleaned["from_task"] and not cleaned["to_task"]:
            self.add_error("to_task", "An arrow from Start must lead to a task, not straight to End.")
        return cleaned

    def clean_priority(self) -> int:
        priority = self.cleaned_data.get("priority")
        if priority is not None:
            return priority
        from_task = self.cleaned_data.get("from_task")
        siblings = self.workflow.transitions.filter(from_task=from_task)
        if self.transition is not None:
            siblings = siblings.exclude(pk=self.transition.pk)
        top = max((sibling.priority for sibling in siblings), default=None)
        return 0 if top is None else min(top + 10, MAX_PRIORITY)

    def is_valid(self) -> bool:
        form_ok = super().is_valid()
        condition_ok = self.condition.is_valid()
        if form_ok and condition_ok and self.cleaned_data["from_task"] is None and self.condition.rule is not None:
            self.add_error("from_task", "The start arrow always runs; it cannot have a condition.")
            return False
        return form_ok and condition_ok

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "from_task": data["from_task"],
            "to_task": data["to_task"],
            "condition": self.condition.rule,
            "priority": data["priority"],
            "label": data["label"],
        }


def _new_arrow_ends(workflow: WorkflowDefinition, tasks: list[TaskDefinition]) -> dict[str, Any]:
    """From/to for a new arrow: Start -> the first task when there is no start yet; otherwise
    from the first task without a way onward to the task after it (or End)."""
    if not tasks:
        return {}
    sources = {source for (source,) in workflow.transitions.values_list("from_task_id")}
    if None not in sources:
        return {"from_task": None, "to_task": tasks[0].pk}
    stuck = next((index for index, task in enumerate(tasks) if task.pk not in sources), None)
    if stuck is None:
        return {"from_task": tasks[-1].pk, "to_task": None}
    after = tasks[stuck + 1].pk if stuck + 1 < len(tasks) else None
    return {"from_task": tasks[stuck].pk, "to_task": after}
