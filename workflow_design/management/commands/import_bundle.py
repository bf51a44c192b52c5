from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from users.models import Company
from users.services import Actor
from workflow_design.bundles import BundleInvalid, parse_bundle, read_limited
from workflow_design.management.company_option import (
    company_from_option,
    company_from_option_or_new,
    company_user_from_option,
)
from workflow_design.problems import Problem, errors_of, warnings_of
from workflow_design.services import DraftsInTheWay, bundle_import, bundle_import_plan


class Command(BaseCommand):
    help = (
        "Import a ticketflower/v1 definition bundle (company roles, workflows, ticket types) into a company. "
        "Everything is validated first: on any problem, every problem is printed by its path in the file "
        "and nothing is written (exit status 1). Warnings (such as a task where a ticket can stop) are "
        "printed too but do not stop the import. Prints what will change; definitions equal to what is "
        "published are left unchanged. An import that would discard an unpublished draft needs "
        "--replace-drafts. With --create-company, a company that does not exist yet is created (with no users: "
        "sign up instead for a first user, or reach it as TicketFlower staff through /impersonate/)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Path of the bundle JSON file.")
        parser.add_argument("--company", required=True, help="The company's id or exact name.")
        parser.add_argument(
            "--create-company",
            action="store_true",
            help="Create the company named by --company when no company has that name (nothing is created when "
            "the bundle has problems or with --dry-run).",
        )
        parser.add_argument("--user", help="Email of the company user recorded as the author (optional).")
        parser.add_argument(
            "--replace-drafts",
            action="store_true",
            help="Discard unpublished drafts of the workflows the bundle brings a new version of.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Only print what would change.")

    def handle(self, *args, **options) -> None:
        # One transaction: a company created for the import goes away again when the import does not happen.
        with transaction.atomic():
            if options["create_company"]:
                company, created = company_from_option_or_new(options["company"])
            else:
                company, created = company_from_option(options["company"]), False
            if created:
                done = "Would create" if options["dry_run"] else "Created"
                self.stdout.write(f"{done} the company {company}.")
            self._import(company, options)
            if options["dry_run"] and created:
                transaction.set_rollback(True)

    def _import(self, company: Company, options: dict) -> None:
        user = company_user_from_option(company, options["user"])
        path = Path(options["file"])
        try:
            with path.open("rb") as stream:
                doc = parse_bundle(read_limited(stream))
            plan = bundle_import_plan(company=company, doc=doc)
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror or error}.") from error
        except BundleInvalid as invalid:
            self._problems(invalid, path, company)
        self._warnings(plan.warnings)
        self.stdout.write(f"Importing {path} into {company} will change:")
        for line in plan.lines():
            self.stdout.write(f"  {line}")
        if options["dry_run"]:
            self.stdout.write("Dry run: nothing was written.")
            return
        if not plan.has_changes:
            self.stdout.write(self.style.SUCCESS("Everything in the bundle is already current; nothing was written."))
            return
        try:
            result = bundle_import(
                company=company,
                actor=Actor(user=user) if user is not None else None,
                doc=doc,
                replace_drafts=options["replace_drafts"],
            )
        except DraftsInTheWay as drafts:
            message = f"{drafts} Nothing was imported; run again with --replace-drafts to discard them."
            raise CommandError(message) from drafts
        except BundleInvalid as invalid:
            self._problems(invalid, path, company)
        self.stdout.write(self.style.SUCCESS(f"Imported {path} into {company}:"))
        for line in result.summary_lines():
            self.stdout.write(f"  {line}")

    def _warnings(self, warnings: list[Problem]) -> None:
        if warnings:
            count = len(warnings)
            self.stdout.write(self.style.WARNING(f"{count} warning{'s' * (count != 1)} (they do not stop the import):"))
        for problem in warnings:
            self.stdout.write(f"  {problem.path or '(file)'}: warning: {problem.message}")

    def _problems(self, invalid: BundleInvalid, path: Path, company) -> None:
        errors, warnings = errors_of(invalid.problems), warnings_of(invalid.problems)
        for problem in errors:
            self.stderr.write(f"  {problem.path or '(file)'}: {problem.message}")
        if warnings:
            self.stderr.write(f"And {len(warnings)} warning{'s' * (len(warnings) != 1)}:")
        for problem in warnings:
            self.stderr.write(f"  {problem.path or '(file)'}: warning: {problem.message}")
        count = len(errors)
        raise CommandError(
            f"{path} has {count} problem{'s' * (count != 1)}; nothing was imported into {company}."
        ) from invalid
