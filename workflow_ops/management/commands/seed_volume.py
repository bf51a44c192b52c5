from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from workflow_ops.volume.runs import CANCELLED, FINISHED, OPEN
from workflow_ops.volume.seed import VolumeReport, volume_seed
from workflow_ops.volume.staff import VolumeError


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = (
        "Build realistic volume fast, for benchmarks: N tickets in bulk (no service per row) in the company "
        "named --company, created if missing with 20 task workers (each holding about two thirds of the "
        "company roles the workflows need), 5 requesters, a ticket admin and two former workers, and with the "
        "reference processes when it has no ticket types. The mix: 12% open (a current task assigned to one "
        "of the 20 workers, some unassigned, some overdue, some in progress with a draft), the rest finished "
        "with the outcomes of their workflow's end arrows or (6%) cancelled; each ticket has 2–8 task steps "
        "with their status history, plausible field values and titles, submitted over the last two years. "
        "A third of the tickets carry one to three comments or internal notes. Ticket numbers continue "
        "the company's; running it again adds more. Users get unusable passwords (use changepassword)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--company", required=True, help="The company's name (created if missing).")
        parser.add_argument("--tickets", type=_positive, required=True, help="How many tickets to build.")
        parser.add_argument(
            "--batch-size", type=_positive, default=5000, help="Tickets per transaction (default 5000)."
        )
        parser.add_argument("--seed", type=int, default=None, help="Random seed: the same seed builds the same.")

    def handle(self, *args, **options) -> None:
        try:
            report = volume_seed(
                company_name=options["company"],
                tickets=options["tickets"],
                batch_size=options["batch_size"],
                seed=options["seed"],
                progress=self.progress,
            )
        except VolumeError as error:
            raise CommandError(str(error)) from error
        kinds = report.kinds
        self.stdout.write(
            self.style.SUCCESS(
                f"{report.company.name}: {report.tickets} tickets #{report.first_number}–#{report.last_number} "
                f"({kinds[OPEN]} open, {kinds[FINISHED]} finished, {kinds[CANCELLED]} cancelled), "
                f"{report.tasks} tasks, {report.history} status changes, {report.comments} comments "
                f"in {report.seconds:.1f} s."
            )
        )

    def progress(self, report: VolumeReport) -> None:
        if not report.tickets:
            self.stdout.write(self.style.MIGRATE_HEADING(f"{report.company.name}:"))
            for load in report.loads:
                self.stdout.write(f"  {load}")
            return
        rate = report.tickets / report.seconds if report.seconds else 0.0
        self.stdout.write(f"  {report.tickets} tickets, {report.seconds:.1f} s ({rate:.0f}/s)")
