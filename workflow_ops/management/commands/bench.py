from __future__ import annotations

import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from workflow_ops.bench import engine_benchmark


class Command(BaseCommand):
    help = (
        "Measure TicketFlower and print one JSON object: the database, the ticket count, and the engine's "
        "completions per second and queries per completion, with 1 and with 4 OS processes (a completion is "
        "one form task completed through the service and advanced, with history, assignment and "
        "notification; tickets run through a three-task workflow). Creates benchmark companies: run it "
        "against a scratch database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tickets", type=int, default=200, help="Tickets per run (each is 3 completions).")
        parser.add_argument(
            "--processes",
            default="1,4",
            help="Comma-separated numbers of OS processes to run the engine with (default 1,4).",
        )

    def handle(self, *args, **options) -> None:
        engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
        processes = tuple(int(part) for part in options["processes"].split(",") if part.strip())
        report = {
            "db": engine,
            "tickets": options["tickets"],
            "engine": engine_benchmark(tickets=options["tickets"], process_counts=processes),
        }
        self.stdout.write(json.dumps(report, indent=2))
