from django.core.management.base import BaseCommand, CommandParser

from users.demo import DEMO_USERS, demo_company_seed
from users.models import User
from users.services import Actor
from workflow_design.bundles import parse_bundle, reference_bundle_paths
from workflow_design.services import bundle_import, bundle_import_plan


class Command(BaseCommand):
    help = (
        "Create the demo company with one user per system role, and load the reference process bundles "
        "(workflow_design/reference_bundles/*.json) into it. Safe to run again: existing users keep their passwords "
        "and a bundle already loaded unchanged is skipped."
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
            doc = parse_bundle(path.read_bytes())
            # An invalid reference bundle is a bug in this repository: let BundleInvalid surface.
            if not bundle_import_plan(company=company, doc=doc).has_changes:
                self.stdout.write(f"  {path.name}: already loaded; nothing changed.")
                continue
            result = bundle_import(company=company, actor=Actor(user=author), doc=doc, replace_drafts=True)
            self.stdout.write(f"  {path.name}: {result.summary()}")
