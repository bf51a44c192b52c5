from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from workflow_design.bundles import BundleInvalid, import_bundle, parse_bundle
from workflow_design.management.company_option import company_from_option, company_user_from_option


class Command(BaseCommand):
    help = (
        "Import a ticketflower/v1 definition bundle (company roles, workflows, ticket types) into a company. "
        "Everything is validated first: on any problem, every problem is printed by its path in the file "
        "and nothing is written (exit status 1)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Path of the bundle JSON file.")
        parser.add_argument("--company", required=True, help="The company's id or exact name.")
        parser.add_argument("--user", help="Email of the company user recorded as the author (optional).")

    def handle(self, *args, **options) -> None:
        company = company_from_option(options["company"])
        user = company_user_from_option(company, options["user"])
        path = Path(options["file"])
        try:
            raw = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror or error}.") from error
        try:
            result = import_bundle(company=company, user=user, doc=parse_bundle(raw))
        except BundleInvalid as invalid:
            for problem in invalid.problems:
                self.stderr.write(f"  {problem.path or '(file)'}: {problem.message}")
            count = len(invalid.problems)
            raise CommandError(
                f"{path} has {count} problem{'s' * (count != 1)}; nothing was imported into {company}."
            ) from invalid
        self.stdout.write(self.style.SUCCESS(f"Imported {path} into {company}:"))
        for line in result.summary_lines():
            self.stdout.write(f"  {line}")
