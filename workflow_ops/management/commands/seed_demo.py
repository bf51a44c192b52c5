from django.core.management.base import BaseCommand, CommandParser

from users.demo import DEMO_USERS, demo_company_seed
from users.models import User
from users.services import Actor
from workflow_design.demo import reference_processes_load
from workflow_ops.demo import demo_tickets_seed


class Command(BaseCommand):
    help = (
        "Create the demo company with one user per system role, load the reference process bundles "
        "(workflow_design/reference_bundles/*.json) into it, and file demo tickets through the services: "
        "finished with each outcome, waiting at different steps (assigned, in the pool, a draft, overdue), "
        "one cancelled and one stopped by a workflow error. Safe to run again: existing users keep their "
        "passwords, a bundle already loaded unchanged is skipped, an unpublished draft of a demo workflow is "
        "never discarded, and no tickets are added once the demo company has any. Demo actions call "
        "DEMO_ACTION_BASE_URL (make run PORT=… sets it)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reset-passwords",
            action="store_true",
            help="Give every existing demo user a new random password and print it.",
        )

    def handle(self, *args, **options) -> None:
        company, users = demo_company_seed(reset_passwords=options["reset_passwords"])
        self.stdout.write(self.style.MIGRATE_HEADING(f"Demo company: {company.name}"))
        created = [user for user in users if user.password]
        for user in users:
            password = user.password or "(unchanged; printed when first created)"
            self.stdout.write(f"  {user.email:<38} {password:<40} {user.roles}")
        if created:
            self.stdout.write(self.style.WARNING("Passwords are shown only this once. Note them down."))
        else:
            self.stdout.write("Demo users already present; nothing changed.")

        author = User.objects.for_company(company).filter(email=DEMO_USERS[0][0]).first()
        self.stdout.write(self.style.MIGRATE_HEADING("Reference processes:"))
        for load in reference_processes_load(company=company, actor=Actor(user=author)):
            self.stdout.write(self.style.WARNING(f"  {load}") if load.skipped else f"  {load}")

        self.stdout.write(self.style.MIGRATE_HEADING("Demo tickets:"))
        tickets = demo_tickets_seed(company=company)
        if tickets.skipped:
            self.stdout.write(f"  {tickets.skipped}")
        for line in tickets.lines:
            self.stdout.write(f"  {line}")
