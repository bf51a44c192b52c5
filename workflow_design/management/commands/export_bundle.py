from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from workflow_design.bundles import dump_bundle, export_bundle, exported_workflow_version
from workflow_design.management.company_option import company_from_option


class Command(BaseCommand):
    help = (
        "Export a company's definitions as a ticketflower/v1 bundle: every published workflow and ticket "
        "type and every company role; or, with --workflow, one workflow "
        "with the ticket types that use it. Writes to stdout unless --output is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--company", required=True, help="The company's id or exact name.")
        parser.add_argument("--workflow", metavar="KEY", help="Export only the workflow with this key.")
        parser.add_argument("--output", metavar="FILE", help="Write the bundle to this file instead of stdout.")

    def handle(self, *args, **options) -> None:
        company = company_from_option(options["company"])
        workflow = None
        if options["workflow"]:
            workflow = exported_workflow_version(company, options["workflow"])
            if workflow is None:
                raise CommandError(f"{company} has no workflow with the key {options['workflow']!r}.")
        text = dump_bundle(export_bundle(company, workflow=workflow))
        if not options["output"]:
            self.stdout.write(text, ending="")
            return
        path = Path(options["output"])
        try:
            path.write_text(text, encoding="utf-8")
        except OSError as error:
            raise CommandError(f"Cannot write {path}: {error.strerror or error}.") from error
        self.stderr.write(f"Wrote {path}.")
