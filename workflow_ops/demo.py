"""The demo company's tickets: after `manage.py seed_demo` every page has real work to show.

Each ticket is filed and worked through the services, as people would: submitted
(some by a ticket admin on someone's behalf, at a chosen priority), claimed from the
pool, completed, drafted, assigned, cancelled. The engine moves each ticket on after
each commit (`transaction.on_commit`), so this must run outside a transaction, as a
management command does; every step checks that the ticket went where it should.

What it leaves behind: tickets finished with every outcome of the reference processes
that run here (the customer order waits at its HTTP action: nothing runs actions in
this installation yet), tickets waiting at different steps (assigned, in the pool,
in progress with a draft, an action queued), one cancelled ticket, one stopped by a
workflow error (the demo expense claim, whose arrows leave a gap), one overdue task,
and every priority.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from users.models import Company, User
from users.services import Actor
from workflow_design.bundles import parse_bundle
from workflow_design.models import TicketDefinition
from workflow_design.plans import submittable_ticket_types
from workflow_design.services import bundle_import
from workflow_ops.models import (
    ErrorStatus,
    Priority,
    TaskInstance,
    TaskStatus,
    TicketInstance,
    TicketStatus,
    WorkflowError,
    WorkflowInstance,
)
from workflow_ops.services.attachments import attachments_add
from workflow_ops.services.comments import comment_add
from workflow_ops.services.tasks import task_assign, task_claim, task_complete, task_save_draft
from workflow_ops.services.tickets import ticket_cancel, ticket_set_priority, ticket_submit

# A demo-only process whose arrows leave out a claim of exactly 500: the deterministic way to
# show a ticket stopped by a workflow error (reference processes route every valid answer).
DEMO_BUNDLES_DIR = Path(__file__).with_name("demo_bundles")
STOPPING_BUNDLE = DEMO_BUNDLES_DIR / "expense-claim.json"
DEMO_DOMAIN = "demo.ticketflower.test"
OVERDUE_BY = timedelta(days=2)


# A one-page PDF: what the demo's proofs and attachments hold.
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


@dataclass(frozen=True)
class DemoFile:
    """A file answer in a story: uploaded as a PDF of this name when the step is completed."""

    name: str

    def upload(self) -> SimpleUploadedFile:
        return SimpleUploadedFile(self.name, DEMO_PDF, content_type="application/pdf")


class DemoSeedError(Exception):
    """A demo ticket did not end up where its story says: a bug in the demo or the engine."""


@dataclass(frozen=True)
class Story:
    """One demo ticket: who files it, the answers given to its steps in order, and where it ends."""

    ticket_type: str  # ticket type key
    title: str
    requester: str  # the demo user's email before the @
    data: dict[str, Any]
    answers: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # (task key, output)
    # Where the ticket ends: an outcome ("Ordered"), or the key of the step it waits at.
    outcome: str = ""
    waits_at: str = ""
    priority: int = Priority.NORMAL
    filed_by: str = ""  # a ticket admin filing on the requester's behalf
    claimer: str = "worker"  # who claims pool tasks
    draft: dict[str, Any] | None = None  # saved on the step it waits at
    assign_to: str = ""  # the ticket admin gives the waiting pool task to this person
    overdue: bool = False
    priority_later: int | None = None  # the ticket admin changes the priority afterwards
    cancel: str = ""  # the requester cancels it, with this reason
    stops: bool = False  # the last answer stops the workflow with an error


IT = "it-support-request"
PURCHASE = "purchase-request"
ARTWORK = "artwork-approval"
LINK = "supplier-link-request"
ORDER = "customer-order"
EXPENSE = "expense-claim"

QUOTE = "vendor-quote"
APPROVAL = "supervisor-approval"

STORIES = [
    Story(
        IT,
        "Laptop does not connect to the office Wi-Fi",
        "submitter",
        {"summary": "Laptop does not connect to the office Wi-Fi", "device": "laptop", "urgency": "high"},
        [
            ("triage", {"priority": "high", "category": "network", "notes": "Certificate expired on the laptop."}),
            ("resolve", {"resolution": "Renewed the Wi-Fi certificate and reconnected.", "time_spent_minutes": 25}),
        ],
        outcome="Done",
        priority=Priority.HIGH,
    ),
    Story(
        IT,
        "Printer on the second floor jams",
        "supervisor",
        {"summary": "Printer on the second floor jams", "details": "Every third page jams.", "device": "printer"},
        waits_at="triage",
        priority=Priority.LOW,
    ),
    Story(
        IT,
        "VPN account for the new starter",
        "submitter",
        {"summary": "VPN account for the new starter", "details": "Starts on Monday in Sales.", "device": "laptop"},
        waits_at="triage",
        filed_by="ticketadmin",
        priority=Priority.URGENT,
        assign_to="worker2",
    ),
    Story(
        IT,
        "Outlook keeps asking for my password",
        "owner",
        {"summary": "Outlook keeps asking for my password", "device": "desktop"},
        [("triage", {"priority": "normal", "category": "access"})],
        waits_at="resolve",
        draft={"resolution": "Cleared the saved credentials; watching whether it comes back."},
    ),
    Story(
        PURCHASE,
        "Two ergonomic office chairs",
        "submitter",
        {"item": "Ergonomic office chair", "quantity": 2, "budget": 800, "justification": "Back pain in Sales."},
        [
            (QUOTE, {"vendor": "Acme Office", "quote_amount": 920, "delivery_days": 10}),
            (APPROVAL, {"decision": "declined", "comment": "Over budget: ask another vendor."}),
            (QUOTE, {"vendor": "Bolt Furniture", "quote_amount": 760, "delivery_days": 14}),
            (APPROVAL, {"decision": "approved"}),
            ("place-order", {"po_number": "PO-1001"}),
        ],
        outcome="Ordered",
    ),
    Story(
        PURCHASE,
        "Toner for the colour printer",
        "supervisor",
        {"item": "Colour toner set", "quantity": 4, "budget": 300},
        waits_at=QUOTE,
        overdue=True,
    ),
    Story(
        PURCHASE,
        "Standing desk for the design studio",
        "ticketadmin",
        {"item": "Standing desk", "quantity": 1, "budget": 650},
        [(QUOTE, {"vendor": "Bolt Furniture", "quote_amount": 610, "delivery_days": 21})],
        waits_at=APPROVAL,
        priority_later=Priority.HIGH,
    ),
    Story(
        PURCHASE,
        "Stand space at the spring trade fair",
        "submitter",
        {"item": "Trade fair stand, 12 m²", "quantity": 1, "budget": 2400},
        waits_at=QUOTE,
        cancel="The trade fair was called off.",
    ),
    Story(
        ARTWORK,
        "Spring flyer for Bloom Florists",
        "submitter",
        {"customer_name": "Bloom Florists", "job_title": "Spring flyer", "quantity": 500},
        [
            ("send-for-approval", {"proof": DemoFile("spring-flyer-v1.pdf"), "sent_to": "ann@bloom.example"}),
            ("customer-response", {"outcome": "phone_call"}),
            ("phone-call", {"outcome": "approved", "call_notes": "Ann likes it; go ahead."}),
            ("production-approval", {"production_approved": False, "production_notes": "Bleed is too small."}),
            (
                "send-for-approval",
                {"proof": DemoFile("spring-flyer-v2.pdf"), "proof_version": 2, "sent_to": "ann@bloom.example"},
            ),
            ("customer-response", {"outcome": "approved"}),
            ("production-approval", {"production_approved": True}),
            ("production-ready", {"job_number": "J-77"}),
        ],
        outcome="Production ready",
    ),
    Story(
        ARTWORK,
        "Shop window poster for Harbor Books",
        "submitter",
        {"customer_name": "Harbor Books", "job_title": "Shop window poster", "brief": "A0, autumn colours."},
        [("send-for-approval", {"proof": DemoFile("poster-v1.pdf"), "sent_to": "orders@harborbooks.example"})],
        waits_at="customer-response",
    ),
    Story(
        LINK,
        "Link request from Fjord Bakery",
        "submitter",
        {"customer_company": "Fjord Bakery", "contact_email": "hello@fjord.example"},
        [
            ("review-request", {"decision": "accept"}),
            ("set-up-link", {"account_number": "C-1042", "price_list": "wholesale"}),
        ],
        outcome="Linked",
    ),
    Story(
        LINK,
        "Link request from Quickprint Ltd",
        "submitter",
        {"customer_company": "Quickprint Ltd", "contact_email": "sales@quickprint.example"},
        [
            ("review-request", {"decision": "deny", "reason": "They compete with our print shop."}),
            ("notify-denied", {"message_sent": True}),
        ],
        outcome="Denied",
    ),
    Story(
        LINK,
        "Link request from Bulk Deals Wholesale",
        "submitter",
        {"customer_company": "Bulk Deals Wholesale", "contact_email": "x@bulkdeals.example"},
        [
            ("review-request", {"decision": "block", "reason": "Third request this month, unpaid invoices."}),
            ("confirm-block", {"confirmed": True}),
        ],
        outcome="Blocked",
        priority=Priority.LOW,
        filed_by="ticketadmin",  # only ticket admins choose the priority of this type
    ),
    Story(
        LINK,
        "Link request from Northwind Traders",
        "submitter",
        {"customer_company": "Northwind Traders", "contact_email": "buying@northwind.example"},
        waits_at="review-request",
    ),
    Story(
        ORDER,
        "Order from Blue Oak Café",
        "submitter",
        {"customer_name": "Blue Oak Café", "customer_email": "owner@blueoak.example", "order_reference": "BO-88"},
        [("collect-items", {"sku": "MUG-12", "quantity": 48, "total_amount": 312.0})],
        waits_at="stock-check",  # an HTTP action: queued until actions run
    ),
    Story(
        EXPENSE,
        "Taxi to the airport",
        "submitter",
        {"what": "Taxi to the airport", "amount": 42.5, "paid_on": "2026-11-20"},
        [("check-claim", {"approved_amount": 42.5})],
        outcome="Paid from petty cash",
    ),
    Story(
        EXPENSE,
        "Hotel for the trade fair, two nights",
        "supervisor",
        {"what": "Hotel, two nights", "amount": 780, "receipt_note": "Booked through the fair's website."},
        [("check-claim", {"approved_amount": 780}), ("pay-transfer", {"payment_reference": "TR-2026-118"})],
        outcome="Paid by transfer",
    ),
    Story(
        EXPENSE,
        "Replacement phone after a fall",
        "submitter",
        {"what": "Replacement phone", "amount": 500, "receipt_note": "The old one broke at a customer's site."},
        [("check-claim", {"approved_amount": 500, "note": "Receipt matches."})],  # no arrow takes exactly 500
        stops=True,
        priority=Priority.HIGH,
        filed_by="ticketadmin",
    ),
]


@dataclass
class DemoTickets:
    """What seeding the demo tickets did, a line per ticket (or why it did nothing)."""

    lines: list[str] = field(default_factory=list)
    skipped: str = ""
    tickets: list[TicketInstance] = field(default_factory=list)


def demo_tickets_seed(*, company: Company) -> DemoTickets:
    """File and work the demo tickets in `company`, once: a company that has tickets is left alone.

    Runs outside a transaction (each service call commits and the engine moves on after it).
    Stories whose ticket type is not loaded here (a reference process that was skipped) are
    skipped and said so. Raises DemoSeedError when a ticket does not end where its story says.
    """
    report = DemoTickets()
    if TicketInstance.objects.for_company(company).exists():
        report.skipped = "The demo company has tickets already; no tickets added."
        return report
    people = {user.email.split("@")[0]: user for user in User.objects.for_company(company).filter(is_active=True)}
    bundle_import(company=company, actor=Actor(user=people["owner"]), doc=parse_bundle(STOPPING_BUNDLE.read_bytes()))
    for story in STORIES:
        ticket_type = _ticket_type(company, people[story.requester], story.ticket_type)
        if ticket_type is None:
            report.lines.append(f"{story.title}: skipped (the ticket type {story.ticket_type} is not loaded here).")
            continue
        ticket = _tell(story, company, ticket_type, people)
        report.tickets.append(ticket)
        report.lines.append(f"#{ticket.number} {ticket.title}: {_where(ticket)}")
    demo_comments_and_attachments_add(tickets=report.tickets, people=people)
    return report


# (ticket title, who, text, internal note?) — a conversation on a few demo tickets, oldest first.
CONVERSATION = [
    ("Printer on the second floor jams", "supervisor", "It jams on the thick paper too, not just the thin.", False),
    (
        "Printer on the second floor jams",
        "ticketadmin",
        "Checked the service log: last maintenance 14 months ago.",
        True,
    ),
    ("Toner for the colour printer", "supervisor", "We are down to the last cyan cartridge.", False),
    ("Toner for the colour printer", "ticketadmin", "Dana, this is overdue: can you get a quote today?", True),
    ("Standing desk for the design studio", "ticketadmin", "Bolt Furniture's quote is within budget.", False),
    ("Outlook keeps asking for my password", "owner", "It happened again this morning after the update.", False),
]
# (ticket title, who attaches, file name)
ATTACHMENTS = [("Two ergonomic office chairs", "submitter", "chair-specification.pdf")]


def demo_comments_and_attachments_add(*, tickets: list[TicketInstance], people: dict[str, User]) -> None:
    """A few comments, internal notes and an attachment on the demo tickets, through their services."""
    by_title = {ticket.title: ticket for ticket in tickets}
    for title, who, body, internal in CONVERSATION:
        if title in by_title:
            comment_add(ticket=by_title[title], actor=Actor(user=people[who]), body=body, internal=internal)
    for title, who, name in ATTACHMENTS:
        if title in by_title:
            upload = DemoFile(name).upload()
            attachments_add(ticket=by_title[title], actor=Actor(user=people[who]), files=[upload])


def _ticket_type(company: Company, requester: User, key: str) -> TicketDefinition | None:
    return submittable_ticket_types(company=company, user=requester).filter(key=key).first()


def _tell(story: Story, company: Company, ticket_type: TicketDefinition, people: dict[str, User]) -> TicketInstance:
    requester = people[story.requester]
    admin = people["ticketadmin"]
    ticket = ticket_submit(
        company=company,
        actor=Actor(user=people[story.filed_by] if story.filed_by else requester),
        ticket_type=ticket_type,
        title=story.title,
        data=story.data,
        requester=requester,
        priority=story.priority,
    )
    for key, output in story.answers:
        task = _current_task(ticket, key)
        if task.assigned_to_id is None:  # a pool task: a worker claims it
            task = task_claim(task=task, actor=Actor(user=people[story.claimer]))
        files = {name: value.upload() for name, value in output.items() if isinstance(value, DemoFile)}
        answers = {name: value for name, value in output.items() if not isinstance(value, DemoFile)}
        task_complete(task=task, actor=Actor(user=task.assigned_to), output=answers, files=files)
    if story.priority_later is not None:
        ticket = ticket_set_priority(ticket=ticket, actor=Actor(user=admin), priority=story.priority_later)
    if story.waits_at:
        task = _current_task(ticket, story.waits_at)
        if story.draft is not None:
            task_save_draft(task=task, actor=Actor(user=task.assigned_to), output=story.draft)
        if story.assign_to:
            task_assign(task=task, actor=Actor(user=admin), assignee=people[story.assign_to])
        if story.overdue:
            # The only write here that is not a service: due_at follows the step's escalation time
            # from the moment it was assigned (now), and the demo cannot wait days for it to pass.
            TaskInstance.objects.filter(pk=task.pk).update(due_at=timezone.now() - OVERDUE_BY)
    if story.cancel:
        ticket = ticket_cancel(ticket=ticket, actor=Actor(user=requester), reason=story.cancel)
    ticket.refresh_from_db()
    _check(story, ticket)
    return ticket


def _current_task(ticket: TicketInstance, key: str) -> TaskInstance:
    workflow = WorkflowInstance.objects.filter(ticket=ticket).first()
    if workflow is None or workflow.current_task_id is None:
        raise DemoSeedError(
            f"#{ticket.number} {ticket.title}: the workflow did not move on to “{key}”. The engine runs after "
            "each commit: seed the demo outside a transaction."
        )
    task = TaskInstance.objects.select_related("definition", "workflow", "assigned_to").get(pk=workflow.current_task_id)
    if task.definition.key != key:
        raise DemoSeedError(f"#{ticket.number} {ticket.title}: expected step “{key}”, not “{task.definition.key}”.")
    return task


def _open_error(ticket: TicketInstance) -> WorkflowError | None:
    return WorkflowError.objects.filter(ticket=ticket).exclude(status=ErrorStatus.RESOLVED).first()


def _check(story: Story, ticket: TicketInstance) -> None:
    error = _open_error(ticket)
    if story.stops != (error is not None):
        found = f"an open error: {error.message}" if error else "no open error"
        raise DemoSeedError(f"#{ticket.number} {ticket.title}: {found}.")
    expected = "Cancelled" if story.cancel else story.outcome
    if ticket.outcome != expected:
        raise DemoSeedError(f"#{ticket.number} {ticket.title}: outcome {ticket.outcome!r}, expected {expected!r}.")


def _where(ticket: TicketInstance) -> str:
    """ "finished: Ordered", "waiting at “Get a vendor quote” (Dana, overdue)", "stopped: No arrow …" """
    if ticket.status == TicketStatus.CANCELLED:
        return f"cancelled: {ticket.cancel_reason}"
    if not ticket.is_open:
        return f"finished: {ticket.outcome}"
    error = _open_error(ticket)
    if error is not None:
        return f"stopped by a workflow error (/ops/errors/): {error.message}"
    task = TaskInstance.objects.select_related("definition", "assigned_to").get(pk=ticket.workflow.current_task_id)
    state = [task.assigned_to.first_name] if task.assigned_to else []
    if task.status != TaskStatus.ASSIGNED:
        state.append(task.get_status_display().lower())
    if task.is_overdue:
        state.append("overdue")
    return f"waiting at “{task.definition.title}” ({', '.join(state)})"
