"""The reference processes run end to end, unchanged, with the demo company's people.

Each run follows a path a real business takes: loops back, branches, and the
outcome the arrow names. (The customer order calls an HTTP action, which the
automation work runs; it is left out here.)
"""

import pytest
from django.core.files.uploadedfile import UploadedFile

from users.demo import demo_company_seed
from users.models import User
from users.services import Actor
from workflow_ops.engine.assignment import is_eligible
from workflow_ops.models import FileUpload, TaskInstance, TicketStatus
from workflow_ops.services.tasks import task_claim, task_complete
from workflow_ops.tests.factories import load, pdf, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(django_capture_on_commit_callbacks):
    company, _ = demo_company_seed()
    return company


def person(email: str) -> User:
    return User.objects.get(email=f"{email}@demo.ticketflower.test")


def drive(capture, ticket, answers: list[tuple[str, dict]]) -> list[tuple[str, str]]:
    """Complete the ticket's tasks in order with `answers` ([(task key, output)]; files for `file` fields);
    returns (key, who) per step."""
    done = []
    for key, output in answers:
        ticket.refresh_from_db()
        task = TaskInstance.objects.select_related("workflow", "definition").get(pk=ticket.workflow.current_task_id)
        assert task.definition.key == key, f"expected step {key}, the ticket is at {task.definition.key}"
        if task.assigned_to is None:  # a pool task: an eligible worker claims it
            claimer = next(
                user for user in User.objects.filter(company=ticket.company, is_active=True) if _can_claim(task, user)
            )
            task_claim(task=task, actor=Actor(user=claimer))
            task.refresh_from_db()
        files = {name: value for name, value in output.items() if isinstance(value, UploadedFile)}
        output = {name: value for name, value in output.items() if name not in files}
        with capture(execute=True):
            task_complete(task=task, actor=Actor(user=task.assigned_to), output=output, files=files)
        done.append((key, task.assigned_to.first_name))
    ticket.refresh_from_db()
    return done


def _can_claim(task, user) -> bool:
    return is_eligible(user, task.company, task.definition.assignee_role_id)


def test_it_support_goes_through_the_pool_and_back_to_the_same_person(demo, django_capture_on_commit_callbacks):
    ticket_type = load(demo, "it-support")
    with django_capture_on_commit_callbacks(execute=True):
        ticket = submit(ticket_type, person("submitter"), {"summary": "No wifi", "device": "laptop"})

    steps = drive(
        django_capture_on_commit_callbacks,
        ticket,
        [
            ("triage", {"priority": "high", "category": "network"}),
            ("resolve", {"resolution": "Reset the router", "time_spent_minutes": 20}),
        ],
    )

    assert (ticket.status, ticket.outcome) == (TicketStatus.FINISHED, "Done")
    assert steps[0][1] == steps[1][1]  # resolve: same_as:triage


def test_procurement_declined_loops_back_to_quotes_then_orders(demo, django_capture_on_commit_callbacks):
    ticket_type = load(demo, "procurement")
    with django_capture_on_commit_callbacks(execute=True):
        ticket = submit(ticket_type, person("submitter"), {"item": "Chairs", "quantity": 2, "budget": 400})

    steps = drive(
        django_capture_on_commit_callbacks,
        ticket,
        [
            ("vendor-quote", {"vendor": "Acme", "quote_amount": 520}),
            ("supervisor-approval", {"decision": "declined", "comment": "Too dear"}),
            ("vendor-quote", {"vendor": "Bolt", "quote_amount": 390}),
            ("supervisor-approval", {"decision": "approved"}),
            ("place-order", {"po_number": "PO-1001"}),
        ],
    )

    assert (ticket.status, ticket.outcome) == (TicketStatus.FINISHED, "Ordered")
    buyer = steps[0][1]
    assert steps[2][1] == buyer and steps[4][1] == buyer  # back to the same buyer; same_as:vendor-quote
    assert ticket.workflow.workflow_data["tasks"]["vendor-quote"]["vendor"] == "Bolt"


def test_artwork_never_reaches_production_without_the_sign_off(demo, django_capture_on_commit_callbacks):
    ticket_type = load(demo, "artwork-approval")
    with django_capture_on_commit_callbacks(execute=True):
        ticket = submit(ticket_type, person("submitter"), {"customer_name": "Bloom", "job_title": "Spring flyer"})

    drive(
        django_capture_on_commit_callbacks,
        ticket,
        [
            ("send-for-approval", {"proof": pdf("proof.pdf"), "sent_to": "ann@bloom.example"}),
            ("customer-response", {"outcome": "phone_call"}),
            ("phone-call", {"outcome": "approved", "call_notes": "Happy with it"}),
            ("production-approval", {"production_approved": False, "production_notes": "Bleed too small"}),
            ("send-for-approval", {"proof": pdf("proof.pdf"), "sent_to": "ann@bloom.example"}),
            ("customer-response", {"outcome": "approved"}),
            ("production-approval", {"production_approved": True}),
            ("production-ready", {"job_number": "J-77"}),
        ],
    )

    assert (ticket.status, ticket.outcome) == (TicketStatus.FINISHED, "Production ready")
    # Each proof sent is kept: the second is version 2 of proof.pdf, and the workflow's data names it.
    proofs = FileUpload.objects.filter(ticket=ticket).order_by("version")
    assert [(proof.filename, proof.version, proof.field_name) for proof in proofs] == [
        ("proof.pdf", 1, "proof"),
        ("proof.pdf", 2, "proof"),
    ]
    assert ticket.workflow.workflow_data["tasks"]["send-for-approval"]["proof"] == proofs[1].ref


@pytest.mark.parametrize(
    ("decision", "then", "outcome"),
    [
        ("accept", ("set-up-link", {"account_number": "C-9", "price_list": "wholesale"}), "Linked"),
        ("deny", ("notify-denied", {"message_sent": True}), "Denied"),
        ("block", ("confirm-block", {"confirmed": True}), "Blocked"),
    ],
)
def test_a_supplier_link_request_is_accepted_denied_or_blocked(
    demo, django_capture_on_commit_callbacks, decision, then, outcome
):
    ticket_type = load(demo, "supplier-link")
    with django_capture_on_commit_callbacks(execute=True):
        ticket = submit(
            ticket_type, person("submitter"), {"customer_company": "Bloom", "contact_email": "ann@bloom.example"}
        )

    drive(django_capture_on_commit_callbacks, ticket, [("review-request", {"decision": decision}), then])

    assert (ticket.status, ticket.outcome) == (TicketStatus.FINISHED, outcome)
