from django.core.management.base import BaseCommand

from users.demo import demo_company_seed


class Command(BaseCommand):
    help = "Create the demo company with one user per system role. Safe to run again."

    def handle(self, *args, **options) -> None:
        company, users = demo_company_seed()
        self.stdout.write(self.style.MIGRATE_HEADING(f"Demo company: {company.name}"))
        created = [user for user in users if user.password]
        for user in users:
            password = user.password or "(unchanged; printed when first created)"
            self.stdout.write(f"  {user.email:<38} {password:<40} {user.roles}")
        if created:
            self.stdout.write(self.style.WARNING("Passwords are shown only this once. Note them down."))
        else:
            self.stdout.write("Demo data already present; nothing changed.")
