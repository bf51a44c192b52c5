from __future__ import annotations

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandParser

from workflow_ops.recovery import recover_workflows


class Command(BaseCommand):
    help = (
        "Advance tasks that were completed but never moved on (a crash between the commit and the "
        "engine), and start workflows of tickets that never started. Skips steps with an open "
        "workflow error. Safe to run any time: every step is idempotent. The background worker runs "
        "this every minute; run it by hand after an outage."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--grace",
            type=int,
            default=None,
            metavar="SECONDS",
            help="Only touch work older than this (default: RECOVERY_GRACE_SECONDS, 60).",
        )
        parser.add_argument("--limit", type=int, default=500, help="At most this many of each per run.")

    def handle(self, *args, **options) -> None:
        grace = timedelta(seconds=options["grace"]) if options["grace"] is not None else None
        report = recover_workflows(grace=grace, limit=options["limit"])
        for task_id in report.advanced:
            self.stdout.write(f"  advanced after task {task_id}")
        for ticket_id in report.started:
            self.stdout.write(f"  started the workflow of ticket {ticket_id}")
        for step in report.failed:
            self.stderr.write(f"  {step} failed again; see /ops/errors/")
        self.stdout.write(self.style.SUCCESS(report.summary()))
