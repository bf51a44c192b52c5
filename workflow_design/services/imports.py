"""Importing a bundle: first a plan that says what would change, then the import itself.

`bundle_import_plan` validates the bundle and compares it with what is stored:
which company roles are new, which workflows get a new version (and which pending
drafts that would throw away), which are unchanged, which ticket types are
created, updated or unchanged. `bundle_import` writes exactly that plan in one
transaction, refusing to drop a draft unless asked (`replace_drafts`), and
refusing when the plan changed since the person reviewed it (`expected_digest`).
Importing an unchanged bundle changes nothing.
"""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass, field

from django.db import DataError, IntegrityError, transaction
from django.db.models import Max

from users.models import Company, CompanyRole
from users.services import Actor, company_role_create
from workflow_design.bundles import BundleInvalid, validate_bundle
from workflow_design.definition_fields import TASK_FIELDS, TICKET_TYPE_FIELDS, TRANSITION_FIELDS, ImportContext
from workflow_design.documents import (
    normalize_ticket_type_doc,
    normalize_workflow_doc,
    ticket_type_to_doc,
    workflow_to_doc,
)
from workflow_design.models import (
    DefinitionEvent,
    DefinitionStatus,
    TaskDefinition,
    TicketDefinition,
    WorkflowDefinition,
    WorkflowTransition,
)
from workflow_design.problems import Problem, join
from workflow_design.services.common import InvalidDefinition, actor_user, assert_actor_of, record_event
from workflow_design.services.ticket_types import ticket_type_upsert
from workflow_design.services.workflows import published_ticket_type_problems, workflow_publish

NEW, NEW_VERSION, UNCHANGED = "new", "new version", "unchanged"
CREATED, UPDATED = "created", "updated"


@dataclass(frozen=True)
class WorkflowChange:
    key: str
    title: str
    outcome: str  # NEW, NEW_VERSION or UNCHANGED
    version: int  # the version the import publishes (or the current one, when unchanged)
    replaces_draft: int | None = None  # the pending draft version the import would discard


@dataclass(frozen=True)
class TicketTypeChange:
    key: str
    title: str
    outcome: str  # CREATED, UPDATED or UNCHANGED


@dataclass
class ImportPlan:
    """What importing a bundle into a company would change."""

    doc: dict
    roles_to_create: list[str] = field(default_factory=list)
    workflows: list[WorkflowChange] = field(default_factory=list)
    ticket_types: list[TicketTypeChange] = field(default_factory=list)

    @property
    def drafts_replaced(self) -> list[WorkflowChange]:
        return [change for change in self.workflows if change.replaces_draft is not None]

    @property
    def has_changes(self) -> bool:
        return bool(
            self.roles_to_create
            or any(change.outcome != UNCHANGED for change in self.workflows)
            or any(change.outcome != UNCHANGED for change in self.ticket_types)
        )

    def lines(self) -> list[str]:
        """What will happen, a line per definition, in words."""
        lines = [f"Company role “{name}” will be created." for name in self.roles_to_create]
        for change in self.workflows:
            if change.outcome == NEW:
                lines.append(f"Workflow “{change.title}” ({change.key}) is new: version 1 will be published.")
            elif change.outcome == NEW_VERSION:
                lines.append(f"Workflow “{change.title}” ({change.key}): version {change.version} will be published.")
            else:
                lines.append(f"Workflow “{change.title}” ({change.key}) is unchanged.")
            if change.replaces_draft is not None:
                lines.append(
                    f"Workflow “{change.title}” ({change.key}): the unpublished draft version "
                    f"{change.replaces_draft} will be discarded."
                )
        for change in self.ticket_types:
            words = {CREATED: "will be created", UPDATED: "will be updated", UNCHANGED: "is unchanged"}
            lines.append(f"Ticket type “{change.title}” ({change.key}) {words[change.outcome]}.")
        return lines

    def digest(self) -> str:
        """A fingerprint of the plan and the document: a confirmation must be for this very plan."""
        text = json.dumps({"doc": self.doc, "lines": self.lines()}, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8", errors="surrogatepass")).hexdigest()[:32]


@dataclass
class ImportResult:
    """What an import wrote."""

    plan: ImportPlan
    created_roles: list[str] = field(default_factory=list)
    workflows: dict[str, int] = field(default_factory=dict)  # key -> the new published version
    ticket_types: dict[str, str] = field(default_factory=dict)  # key -> created / updated / unchanged

    def summary(self) -> str:
        """One line, e.g. "2 company roles created, workflow procurement v3, 1 ticket type created"."""
        parts = []
        if self.created_roles:
            parts.append(f"{len(self.created_roles)} company role{'s' * (len(self.created_roles) != 1)} created")
        parts += [f"workflow {key} v{version}" for key, version in self.workflows.items()]
        for outcome in (CREATED, UPDATED):
            count = sum(1 for value in self.ticket_types.values() if value == outcome)
            if count:
                parts.append(f"{count} ticket type{'s' * (count != 1)} {outcome}")
        unchanged = sum(1 for change in self.plan.workflows if change.outcome == UNCHANGED)
        unchanged += sum(1 for value in self.ticket_types.values() if value == UNCHANGED)
        if unchanged:
            parts.append(f"{unchanged} unchanged")
        return ", ".join(parts) or "nothing to import"

    def summary_lines(self) -> list[str]:
        lines = [f"Company role created: {name}" for name in self.created_roles]
        for change in self.plan.workflows:
            if change.key in self.workflows:
                lines.append(f"Workflow {change.key}: published version {self.workflows[change.key]}")
            else:
                lines.append(f"Workflow {change.key}: unchanged")
            if change.replaces_draft is not None:
                lines.append(f"Workflow {change.key}: draft version {change.replaces_draft} discarded")
        lines += [f"Ticket type {outcome}: {key}" for key, outcome in self.ticket_types.items()]
        return lines


class DraftsInTheWay(Exception):
    """The import would discard pending drafts; say so and ask before doing it."""

    def __init__(self, plan: ImportPlan) -> None:
        self.plan = plan
        names = ", ".join(f"{change.key} (draft v{change.replaces_draft})" for change in plan.drafts_replaced)
        super().__init__(f"Importing would discard unpublished drafts: {names}.")


class PlanChanged(Exception):
    """What the import would do changed since it was reviewed; review it again."""

    def __init__(self, plan: ImportPlan) -> None:
        self.plan = plan
        super().__init__("The definitions changed since you reviewed this import; review it again.")


# --- Planning -----------------------------------------------------------------------------


def _canonical_role_names(doc: dict, roles: dict[str, str]) -> dict:
    """A copy of `doc` whose role names are spelled as stored (`roles`: folded -> stored name)."""
    doc = copy.deepcopy(doc)
    for workflow in doc.get("workflows", []):
        for task in workflow["tasks"]:
            if task.get("assignee_role"):
                task["assignee_role"] = roles.get(task["assignee_role"].casefold(), task["assignee_role"])
    for ticket in doc.get("ticket_definitions", []):
        ticket["allowed_roles"] = [roles.get(name.casefold(), name) for name in ticket.get("allowed_roles", [])]
    return doc


def bundle_import_plan(*, company: Company, doc: dict) -> ImportPlan:
    """Validate `doc` and say what importing it would change. Raises BundleInvalid. Reads only."""
    problems = validate_bundle(doc, company=company)
    if problems:
        raise BundleInvalid(problems)
    stored_roles = {role.name.casefold(): role.name for role in CompanyRole.objects.for_company(company)}
    plan = ImportPlan(doc=doc)
    for role in doc.get("company_roles", []):
        name = role["name"].strip()
        if name.casefold() not in stored_roles:
            stored_roles[name.casefold()] = name
            plan.roles_to_create.append(name)
    canonical = _canonical_role_names(doc, stored_roles)
    for workflow_doc in canonical.get("workflows", []):
        plan.workflows.append(_workflow_change(company, workflow_doc))
    for ticket_doc in canonical.get("ticket_definitions", []):
        plan.ticket_types.append(_ticket_type_change(company, ticket_doc))
    return plan


def _workflow_change(company: Company, workflow_doc: dict) -> WorkflowChange:
    key, title = workflow_doc["key"], workflow_doc["title"].strip()
    family = {item.status: item for item in WorkflowDefinition.objects.for_company(company).filter(key=key)}
    published = family.get(DefinitionStatus.PUBLISHED)
    if published is not None and workflow_to_doc(published) == normalize_workflow_doc(workflow_doc):
        return WorkflowChange(key, title, UNCHANGED, published.version)
    top = WorkflowDefinition.objects.for_company(company).filter(key=key).aggregate(top=Max("version"))["top"]
    draft = family.get(DefinitionStatus.DRAFT)
    # The new version takes the draft's number when the draft is discarded.
    version = draft.version if draft is not None else (top or 0) + 1
    outcome = NEW if top is None else NEW_VERSION
    return WorkflowChange(key, title, outcome, version, replaces_draft=draft.version if draft else None)


def _ticket_type_change(company: Company, ticket_doc: dict) -> TicketTypeChange:
    key, title = ticket_doc["key"], ticket_doc["title"].strip()
    stored = TicketDefinition.objects.for_company(company).filter(key=key).first()
    if stored is None:
        return TicketTypeChange(key, title, CREATED)
    same = stored.status == DefinitionStatus.PUBLISHED and ticket_type_to_doc(stored) == normalize_ticket_type_doc(
        ticket_doc
    )
    return TicketTypeChange(key, title, UNCHANGED if same else UPDATED)


# --- Importing ----------------------------------------------------------------------------


def bundle_import(
    *,
    company: Company,
    actor: Actor | None,
    doc: dict,
    replace_drafts: bool = False,
    expected_digest: str | None = None,
) -> ImportResult:
    """Import a valid bundle into `company` in one transaction; unchanged definitions stay as they are.

    Raises BundleInvalid (nothing written) on any problem, DraftsInTheWay when the
    import would discard a pending draft and `replace_drafts` is false, and
    PlanChanged when `expected_digest` is not the digest of the plan as it is now.
    """
    assert_actor_of(company, actor)
    try:
        with transaction.atomic():
            # Lock the company's workflow rows so the plan cannot change while it is written.
            list(WorkflowDefinition.objects.for_company(company).select_for_update().values_list("pk", flat=True))
            plan = bundle_import_plan(company=company, doc=doc)
            if expected_digest is not None and expected_digest != plan.digest():
                raise PlanChanged(plan)
            if plan.drafts_replaced and not replace_drafts:
                raise DraftsInTheWay(plan)
            return _write(company=company, actor=actor, plan=plan)
    except (IntegrityError, DataError) as error:
        # Validation mirrors the database's rules; should they still disagree (e.g. Unicode
        # case folding of role names), the transaction is rolled back and the user told.
        raise BundleInvalid(
            [Problem("", f"The bundle conflicts with what is stored, so nothing was imported ({error}).")]
        ) from error


def _write(*, company: Company, actor: Actor | None, plan: ImportPlan) -> ImportResult:
    result = ImportResult(plan=plan)
    roles = {role.name.casefold(): role for role in CompanyRole.objects.for_company(company)}
    for role_doc in plan.doc.get("company_roles", []):
        if role_doc["name"].strip().casefold() not in roles:
            role = company_role_create(
                company=company, actor=actor, name=role_doc["name"], description=role_doc.get("description", "")
            )
            roles[role.name.casefold()] = role
            result.created_roles.append(role.name)
    context = ImportContext(roles=roles)
    changes = {change.key: change for change in plan.workflows}
    for index, workflow_doc in enumerate(plan.doc.get("workflows", [])):
        if changes[workflow_doc["key"]].outcome == UNCHANGED:
            continue
        try:
            workflow = workflow_import_version(company=company, actor=actor, doc=workflow_doc, context=context)
        except InvalidDefinition as error:
            # Validation above agrees with the publishing check; this is a safety net.
            raise BundleInvalid(
                [Problem(join(join("workflows", index), p.path), p.message) for p in error.problems]
            ) from error
        result.workflows[workflow.key] = workflow.version
    for index, ticket_doc in enumerate(plan.doc.get("ticket_definitions", [])):
        try:
            values = TICKET_TYPE_FIELDS.model_values(normalize_ticket_type_doc(ticket_doc), context)
            ticket_type, outcome = ticket_type_upsert(company=company, actor=actor, **values)
        except InvalidDefinition as error:
            raise BundleInvalid(
                [Problem(join(join("ticket_definitions", index), p.path), p.message) for p in error.problems]
            ) from error
        result.ticket_types[ticket_type.key] = outcome
    # Ticket types already published, but not in this bundle, must still fit the new versions.
    problems = [
        problem
        for key in result.workflows
        for problem in published_ticket_type_problems(
            workflow=WorkflowDefinition.objects.for_company(company).published().get(key=key)
        )
    ]
    if problems:
        raise BundleInvalid(problems)
    if plan.has_changes:
        record_event(
            company=company,
            actor=actor,
            action=DefinitionEvent.Action.BUNDLE_IMPORTED,
            detail=result.summary(),
        )
    return result


@transaction.atomic
def workflow_import_version(
    *, company: Company, actor: Actor | None, doc: dict, context: ImportContext
) -> WorkflowDefinition:
    """Build a complete new version of the workflow family `doc["key"]` from a valid document and publish it.

    A pending draft of the family is discarded (its number is reused); publishing
    validates the version (InvalidDefinition rolls everything back) and retires
    the previously published version. Atomic.
    """
    key = doc["key"]
    family = WorkflowDefinition.objects.for_company(company).select_for_update().filter(key=key)
    family.filter(status=DefinitionStatus.DRAFT).delete()
    next_version = (family.aggregate(top=Max("version"))["top"] or 0) + 1
    normal = normalize_workflow_doc(doc)
    workflow = WorkflowDefinition.objects.create(
        company=company,
        key=key,
        version=next_version,
        title=normal["title"],
        description=normal["description"],
        ext_ref=normal.get("ext_ref", []),
        created_by=actor_user(actor),
    )
    by_key: dict[str, TaskDefinition] = {}
    for position, task_doc in enumerate(normal["tasks"], start=1):
        values = TASK_FIELDS.model_values(task_doc, context)
        task = TaskDefinition.objects.create(company=company, workflow=workflow, position=position, **values)
        by_key[task.key] = task
    WorkflowTransition.objects.bulk_create(
        WorkflowTransition(
            company=company,
            workflow=workflow,
            from_task=by_key[item["from"]] if item["from"] is not None else None,
            to_task=by_key[item["to"]] if item["to"] is not None else None,
            **TRANSITION_FIELDS.model_values(item, context, skip=("from", "to")),
        )
        # Sorted by priority, document order kept within one: the order the engine tries arrows in.
        for item in normal["transitions"]
    )
    return workflow_publish(workflow=workflow, actor=actor, check_ticket_types=False)
