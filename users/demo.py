"""The demo company: one user per system role, created once."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.db import transaction

from users.models import Company, CompanyRole, User
from users.roles import SystemRole
from users.services import system_role_groups

DEMO_COMPANY_NAME = "Demo Company"
DEMO_STAFF_EMAIL = "staff@ticketflower.test"
DEMO_COMPANY_ROLES = [
    ("Employees", "Everyone who works here"),
    ("Purchasing", "Buys from vendors and follows up quotes"),
    ("Supervisors", "Approve purchases and customer orders"),
    ("Production", "Signs off artwork before it goes to production"),
    ("Sales", "Talks to customers and suppliers"),
]
# email, first name, last name, system roles, company roles
DEMO_USERS = [
    ("owner@demo.ticketflower.test", "Olivia", "Owner", list(SystemRole.values), ["Employees", "Supervisors"]),
    ("submitter@demo.ticketflower.test", "Sam", "Submitter", [SystemRole.USER], ["Employees", "Sales"]),
    ("ticketadmin@demo.ticketflower.test", "Tara", "Queue", [SystemRole.TICKET_ADMIN, SystemRole.USER], ["Employees"]),
    ("worker@demo.ticketflower.test", "Dana", "Worker", [SystemRole.TASK_WORKER], ["Employees", "Purchasing"]),
    ("worker2@demo.ticketflower.test", "Wes", "Worker", [SystemRole.TASK_WORKER], ["Employees", "Production", "Sales"]),
    (
        "supervisor@demo.ticketflower.test",
        "Sue",
        "Supervisor",
        [SystemRole.TASK_WORKER, SystemRole.USER],
        ["Employees", "Supervisors"],
    ),
    ("designer@demo.ticketflower.test", "Dev", "Designer", [SystemRole.WORKFLOW_CREATOR], ["Employees"]),
]


@dataclass
class SeededUser:
    email: str
    roles: str
    password: str | None  # None when the user already existed


@transaction.atomic
def demo_company_seed(*, reset_passwords: bool = False) -> tuple[Company, list[SeededUser]]:
    """Create the demo company and its users if missing. Idempotent.

    Passwords are random and returned only for users created (or, with
    reset_passwords, given a new password) by this call.
    """
    company, _ = Company.objects.get_or_create(name=DEMO_COMPANY_NAME)
    roles = {}
    for name, description in DEMO_COMPANY_ROLES:
        roles[name], _ = CompanyRole.objects.get_or_create(
            company=company, name=name, defaults={"description": description}
        )
    seeded = []
    for email, first, last, system_roles, company_roles in DEMO_USERS:
        password = None
        user = User.objects.filter(email=email).first()
        if user is None:
            password = secrets.token_urlsafe(9)
            user = User.objects.create_user(
                email=email, password=password, first_name=first, last_name=last, company=company
            )
            user.groups.set(system_role_groups(system_roles))
            user.company_roles.set([roles[name] for name in company_roles])
        elif reset_passwords:
            password = _new_password(user)
        seeded.append(SeededUser(email=email, roles=", ".join(system_roles), password=password))
    staff = User.objects.filter(email=DEMO_STAFF_EMAIL).first()
    password = None
    if staff is None:
        password = secrets.token_urlsafe(9)
        User.objects.create_superuser(email=DEMO_STAFF_EMAIL, password=password, first_name="Staff", last_name="Member")
    elif reset_passwords:
        password = _new_password(staff)
    seeded.append(SeededUser(email=DEMO_STAFF_EMAIL, roles="superuser (TicketFlower staff)", password=password))
    return company, seeded


def _new_password(user: User) -> str:
    password = secrets.token_urlsafe(9)
    user.set_password(password)
    user.save(update_fields=["password"])
    return password
