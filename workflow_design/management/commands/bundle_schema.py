from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from workflow_design.bundle_schema import BUNDLE_SCHEMA_PATH, bundle_schema_text


class Command(BaseCommand):
    help = (
        "Print the JSON Schema of ticketflower/v1 bundles, built from the definition field table; "
        "with --write, rewrite workflow_design/bundle_schema.json (the copy tools and docs read)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--write", action="store_true", help=f"Rewrite {BUNDLE_SCHEMA_PATH.name}.")

    def handle(self, *args, **options) -> None:
        text = bundle_schema_text()
        if not options["write"]:
            self.stdout.write(text, ending="")
            return
        BUNDLE_SCHEMA_PATH.write_text(text, encoding="utf-8")
        self.stderr.write(f"Wrote {BUNDLE_SCHEMA_PATH}.")
