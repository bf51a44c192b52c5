from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from users.demo import DEMO_USERS, demo_company_seed
from users.models import User
from users.services import Actor
from workflow_design.bundles import (
    BundleInvalid,
    parse_bundle,
    reference_bundle_bytes,
    reference_bundle_paths,
    uses_demo_actions,
)
from workflow_design.services import DraftsInTheWay, bundle_import, bundle_import_plan


class Command(BaseCommand):
    help = (
        "Create the demo company with one user per system role, and load the reference process bundles "
        "(workflow_design/reference_bundles/*.json) into it. Safe to run again: existing users keep their passwords, "
        "a bundle already loaded unchanged is skipped, and an unpublished draft of a demo workflow is never "
        "discarded. Demo actions call DEMO_ACTION_BASE_URL (make run PORT=… sets it)."
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
        for path in reference_bundle_paths():
            self.load(company, author, path)

    def load(self, company, author, path) -> None:
        doc = parse_bundle(reference_bundle_bytes(path))
        try:
            plan = bundle_import_plan(company=company, doc=doc)
        except BundleInvalid as invalid:
            refused_action = any(problem.path.endswith(".action_url") for problem in invalid.problems)
            if not (refused_action and uses_demo_actions(path)):
                raise  # an invalid reference bundle is a bug in this repository
            self.stdout.write(
                self.style.WARNING(
                    f"  {path.name}: skipped. Its action task calls this server's demo endpoint at "
                    f"{settings.DEMO_ACTION_BASE_URL}, and actions may not call private addresses here "
                    "(ACTIONS_ALLOW_PRIVATE_TARGETS is off, as production wants). Set DEMO_ACTION_BASE_URL "
                    "to this server's public https address to load it."
                )
            )
            return
        if not plan.has_changes:
            self.stdout.write(f"  {path.name}: already loaded; nothing changed.")
            return
        try:
            result = bundle_import(company=company, actor=Actor(user=author), doc=doc)
        except DraftsInTheWay as drafts:
            self.stdout.write(
                self.style.WARNING(f"  {path.name}: skipped. {drafts} Publish or discard them, then run again.")
            )
            return
        self.stdout.write(f"  {path.name}: {result.summary()}")
