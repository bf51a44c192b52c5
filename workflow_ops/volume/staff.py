"""The volume company: its people (20 task workers, a few requesters, a ticket admin, two who
left) and its processes (the reference bundles, when it has no ticket types yet)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.text import slugify

from users.models import Company, User
from users.roles import SystemRole
from users.services import system_role_groups
from workflow_design.demo import BundleLoad, reference_processes_load
from workflow_design.models import DefinitionStatus, TicketDefinition
from workflow_design.plans import WorkflowPlan, workflow_for_new_ticket, workflow_plan
from workflow_ops.volume.tables import as_json
from workflow_ops.volume.words import FIRST_NAMES, LAST_NAMES

WORKERS = 20
REQUESTERS = 5
# Former workers (inactive): steps they did are history; a step that should go back to them
# waits unassigned, as the engine leaves it ("… but is no longer available").
FORMER_WORKERS = 2


class VolumeError(Exception):
    """The volume cannot be built here (the message says why)."""


@dataclass(frozen=True)
class Process:
    """A ticket type that can be filed, and the published workflow version it runs."""

    ticket_type: TicketDefinition
    plan: WorkflowPlan
    fields_schema_json: str  # the ticket type's fields schema, as every ticket of it keeps a copy


@dataclass
class Staff:
    workers: list[User]
    requesters: list[User]
    former: list[User]
    admin: User
    # Active workers holding each company role (None: any worker), as assignment reads them.
    eligible: dict[int | None, list[User]] = field(default_factory=dict)


def volume_company(name: str) -> tuple[Company, list[BundleLoad]]:
    """The company named `name` (created if missing), with the reference processes loaded when it
    has no published ticket types. Returns what loading the bundles did (empty when nothing was loaded)."""
    company = Company.objects.filter(name=name).order_by("pk").first() or Company.objects.create(name=name)
    loads: list[BundleLoad] = []
    if not TicketDefinition.objects.for_company(company).filter(status=DefinitionStatus.PUBLISHED).exists():
        loads = reference_processes_load(company=company, actor=None)
    return company, loads


def volume_processes(company: Company) -> list[Process]:
    processes = []
    ticket_types = TicketDefinition.objects.for_company(company).filter(status=DefinitionStatus.PUBLISHED)
    for ticket_type in ticket_types.order_by("key"):
        workflow = workflow_for_new_ticket(ticket_type)
        if workflow is not None:
            schema = as_json(ticket_type.fields_schema)
            processes.append(Process(ticket_type, workflow_plan(workflow), schema))
    if not processes:
        raise VolumeError(f"{company} has no ticket type with a published workflow to file tickets of.")
    return processes


def _domain(company: Company) -> str:
    return f"{slugify(company.name) or 'company'}.volume.test"


def _person(company: Company, email: str, first: str, last: str, roles: list[str], *, active: bool = True) -> User:
    user = User.objects.filter(email=email).first()
    if user is not None:
        if user.company_id != company.pk:
            raise VolumeError(f"{email} belongs to another company; rename the company to seed volume.")
        return user
    user = User.objects.create_user(
        email=email, password=None, first_name=first, last_name=last, company=company, is_active=active
    )
    user.groups.set(system_role_groups(roles))
    return user


@transaction.atomic
def volume_staff(company: Company, processes: list[Process]) -> Staff:
    """Create the people who are missing (passwords unusable) and give them the company roles the
    processes need: each worker holds about two thirds of the task roles, requesters may file every type."""
    domain = _domain(company)
    task_roles = sorted(
        {task.assignee_role_id for process in processes for task in process.plan.tasks.values()} - {None}
    )
    filing_roles = sorted(
        {pk for process in processes for pk in process.ticket_type.allowed_roles.values_list("pk", flat=True)}
    )
    workers = []
    for index in range(WORKERS):
        first, last = FIRST_NAMES[index % len(FIRST_NAMES)], LAST_NAMES[index % len(LAST_NAMES)]
        user = _person(company, f"worker{index + 1:02d}@{domain}", first, last, [SystemRole.TASK_WORKER])
        user.company_roles.add(*[role for number, role in enumerate(task_roles) if (index + number) % 3 != 0])
        workers.append(user)
    former = []
    for index in range(FORMER_WORKERS):
        first, last = FIRST_NAMES[-1 - index], LAST_NAMES[-1 - index]
        user = _person(company, f"former{index + 1}@{domain}", first, last, [SystemRole.TASK_WORKER], active=False)
        user.company_roles.add(*task_roles)
        former.append(user)
    requesters = []
    for index in range(REQUESTERS):
        first, last = FIRST_NAMES[WORKERS + index], LAST_NAMES[(WORKERS + index) % len(LAST_NAMES)]
        user = _person(company, f"requester{index + 1}@{domain}", first, last, [SystemRole.USER])
        user.company_roles.add(*filing_roles)
        requesters.append(user)
    admin_roles = [SystemRole.ADMIN, SystemRole.TICKET_ADMIN, SystemRole.USER]
    admin = _person(company, f"admin@{domain}", "Alex", "Admin", admin_roles)
    staff = Staff(workers=workers, requesters=requesters, former=former, admin=admin)
    holders = User.company_roles.through.objects.filter(companyrole_id__in=task_roles)
    held = set(holders.values_list("companyrole_id", "user_id"))
    staff.eligible[None] = workers
    for role_id in task_roles:
        staff.eligible[role_id] = [user for user in workers if (role_id, user.pk) in held]
    return staff
