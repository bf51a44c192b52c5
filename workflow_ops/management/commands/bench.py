from __future__ import annotations

import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from users.models import Company
from workflow_ops.bench import engine_benchmark
from workflow_ops.page_bench import company_size, pages_benchmark


class Command(BaseCommand):
    help = (
        "Measure TicketFlower and print one JSON object: the database, the ticket count, and the engine's "
        "completions per second and queries per completion, with 1 and with 4 OS processes (a completion is "
        "one form task completed through the service and advanced, with history, assignment and "
        "notification; tickets run through a three-task workflow). With --company, also the working pages: "
        "median and p95 ms and queries of ops_tickets, ops_tasks, tasks_mine, ticket_detail, ops_inbox, "
        "ops_tickets_archive and ops_tickets_search (test client, logged in, 50 requests after 5 warm-up). "
        "Creates benchmark companies: run it against a scratch database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tickets", type=int, default=200, help="Tickets per run (each is 3 completions).")
        parser.add_argument(
            "--company",
            help="Also measure the working pages (median/p95 ms and queries) on this company, e.g. one built by "
            "seed_volume.",
        )
        parser.add_argument(
            "--search", default="", help="What ops_tickets_search searches for (default: a word of a title)."
        )
        parser.add_argument("--requests", type=int, default=50, help="Measured requests per page (default 50).")
        parser.add_argument("--skip-engine", action="store_true", help="Measure the pages only.")
        parser.add_argument(
            "--processes",
            default="1,4",
            help="Comma-separated numbers of OS processes to run the engine with (default 1,4).",
        )

    def handle(self, *args, **options) -> None:
        engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
        processes = tuple(int(part) for part in options["processes"].split(",") if part.strip())
        report: dict = {"db": engine}
        if options["company"]:
            company = Company.objects.filter(name=options["company"]).first()
            if company is None:
                raise CommandError(f"No company named {options['company']!r}. Build one with seed_volume.")
            report["company"] = {"name": company.name, **company_size(company)}
            report["pages"] = pages_benchmark(company, search=options["search"], requests=options["requests"])
        if not options["skip_engine"]:
            report["tickets"] = options["tickets"]
            report["engine"] = engine_benchmark(tickets=options["tickets"], process_counts=processes)
        self.stdout.write(json.dumps(report, indent=2))
