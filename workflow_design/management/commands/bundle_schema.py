from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from workflow_design.bundle_schema import BUNDLE_SCHEMA_PATH, bundle_schema_text

DOCS_SECTION = "## JSON Schema of the bundle"


class Command(BaseCommand):
    help = (
        "Print the JSON Schema of ticketflower/v1 bundles, built from the definition field table; "
        "with --write, rewrite workflow_design/bundle_schema.json and the copy in docs/bundle-format.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--write", action="store_true", help="Rewrite the schema file and its copy in the docs.")

    def handle(self, *args, **options) -> None:
        text = bundle_schema_text()
        if not options["write"]:
            self.stdout.write(text, ending="")
            return
        BUNDLE_SCHEMA_PATH.write_text(text, encoding="utf-8")
        docs = settings.BASE_DIR / "docs" / "bundle-format.md"
        content = docs.read_text(encoding="utf-8")
        head, found, section = content.partition(DOCS_SECTION)
        if not found or "```json\n" not in section:
            raise CommandError(f"{docs} has no '{DOCS_SECTION}' section with a json block.")
        before, _, rest = section.partition("```json\n")
        _, _, after = rest.partition("```\n")
        docs.write_text(f"{head}{DOCS_SECTION}{before}```json\n{text}```\n{after}", encoding="utf-8")
        self.stderr.write(f"Wrote {BUNDLE_SCHEMA_PATH} and the copy in {docs}.")
