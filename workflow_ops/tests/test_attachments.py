"""Files on tickets: upload, versions, who may download, size and type checks, and `file` fields of forms."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from users.roles import SystemRole
from users.services import Actor
from users.tests.factories import CompanyRoleFactory
from workflow_ops.forms import SchemaForm
from workflow_ops.models import FileUpload, TaskInstance, TaskStatus, TicketInstance, TicketStatus
from workflow_ops.services.common import InvalidData, NotAllowed
from workflow_ops.services.filetypes import content_problem, type_from_name
from workflow_ops.services.tasks import task_complete
from workflow_ops.services.tickets import ticket_submit
from workflow_ops.tests.factories import (
    PDF_BYTES,
    PNG_BYTES,
    attach,
    form_task,
    pdf,
    running_ticket,
    simple_process,
    submit,
    submitter,
    worker,
)

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
WINDOWS_PROGRAM = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 48
LINUX_PROGRAM = b"\x7fELF\x02\x01\x01" + b"\x00" * 40
WEB_PAGE = b"\xef\xbb\xbf  <!DOCTYPE html><html><script>alert(1)</script></html>"
QUOTE_FIELD = {"quote": {"type": "string", "title": "Quote document", "format": "file"}}


@pytest.fixture
def people(tenant):
    buyers = CompanyRoleFactory(company=tenant.company, name="Buyers")
    return {
        "sam": submitter(tenant.company, "Sam"),
        "dana": worker(tenant.company, "Dana", buyers),
        "otto": worker(tenant.company, "Otto"),
        "nosy": submitter(tenant.company, "Nosy"),
        "tara": tenant.by_role[SystemRole.TICKET_ADMIN],
    }


@pytest.fixture
def ticket_type(tenant, people):
    """A ticket with an optional quote file; one "Send proof" task whose form needs a proof file."""
    return simple_process(
        tenant.company,
        tasks=[
            form_task(
                "send-proof",
                {
                    "proof": {"type": "string", "title": "Proof", "format": "file"},
                    "note": {"type": "string", "title": "Note"},
                },
                assignee_role="Buyers",
            )
        ],
        transitions=[{"from": None, "to": "send-proof"}, {"from": "send-proof", "to": None, "label": "Sent"}],
        fields={"type": "object", "properties": QUOTE_FIELD},
    )


@pytest.fixture
def ticket(ticket_type, people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return submit(ticket_type, people["sam"], title="Flyers")


def download(client, upload) -> bytes:
    response = client.get(reverse("ops:attachment-download", args=[upload.pk]))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


# --- What kind of file it is -------------------------------------------------------------------


def test_the_type_comes_from_the_extension_whatever_the_machine_knows():
    assert type_from_name("Report.DOCX") == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert type_from_name("photo.webp") == "image/webp"
    assert type_from_name("quote.pdf") == "application/pdf"
    assert type_from_name("no-extension") is None


@pytest.mark.parametrize(
    ("content_type", "head", "problem"),
    [
        ("application/pdf", WINDOWS_PROGRAM, "its contents are a Windows program"),
        ("application/pdf", LINUX_PROGRAM, "its contents are a Linux program"),
        ("application/pdf", WEB_PAGE, "its contents are a web page"),
        ("application/pdf", PNG_BYTES, "its contents are not PDF"),
        ("image/png", PDF_BYTES, "its contents are not PNG"),
        ("text/plain", b"#!/bin/sh\nrm -rf ~\n", "its contents are a script"),
        ("text/plain", b"<svg onload=alert(1)>", "its contents are a web page"),
        ("text/csv", b"a,b\x00\x00", "its contents are not text"),
        (
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",  # an old Word file renamed .docx is not a ZIP
            "its contents are not Word",
        ),
        ("image/webp", b"RIFF\x10\x00\x00\x00WAVEfmt ", "its contents are not WebP"),
    ],
    ids=[
        "exe-as-pdf",
        "elf-as-pdf",
        "html-as-pdf",
        "png-as-pdf",
        "pdf-as-png",
        "script-as-txt",
        "svg-as-txt",
        "binary-as-csv",
        "doc-as-docx",
        "wav-as-webp",
    ],
)
def test_first_bytes_must_agree_with_the_name(content_type, head, problem):
    assert content_problem(content_type, head) == problem


@pytest.mark.parametrize(
    ("content_type", "head"),
    [
        ("application/pdf", PDF_BYTES),
        ("image/png", PNG_BYTES),
        ("image/jpeg", b"\xff\xd8\xff\xe0\x00\x10JFIF"),
        ("image/webp", b"RIFF\x10\x00\x00\x00WEBPVP8 "),
        ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK\x03\x04\x14\x00"),
        ("application/vnd.ms-excel", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00"),
        ("text/plain", b"MZ Logistics: quote for 12 vases"),  # a text may begin like a program's magic
        ("text/csv", "name,city\nZoë,Köln\n".encode()),
    ],
    ids=["pdf", "png", "jpeg", "webp", "xlsx", "xls", "text-starting-mz", "utf8-csv"],
)
def test_ordinary_files_pass(content_type, head):
    assert content_problem(content_type, head) is None


# --- Attaching on the ticket page ------------------------------------------------------------------


def test_files_attached_with_htmx_appear_in_place_with_name_size_uploader_and_version(client, people, ticket):
    client.force_login(people["sam"])
    url = reverse("ops:ticket-attach", args=[ticket.pk])
    first = client.post(url, {"files": [pdf("quote.pdf"), pdf("plan.pdf")]}, **HTMX).content.decode()
    assert first.lstrip().startswith("<section") and 'id="attachments"' in first and "<html" not in first
    assert "Attached quote.pdf and plan.pdf." in first
    assert first.count('data-testid="attachment"') == 2 and "Sam" in first and "just now" in first
    assert f"{len(PDF_BYTES)}\xa0bytes" in first  # the size

    newer = pdf("quote.pdf", PDF_BYTES + b"% the second quote\n")
    second = client.post(url, {"files": [newer]}, **HTMX).content.decode()
    assert "Attached quote.pdf (version 2)." in second
    assert second.count('data-testid="attachment"') == 2  # still two names
    assert "Version 2" in second and 'data-testid="older-versions"' in second and "1 older version" in second

    old, new = FileUpload.objects.filter(filename="quote.pdf").order_by("version")
    assert (old.version, new.version) == (1, 2)
    assert download(client, old) == PDF_BYTES and download(client, new).endswith(b"% the second quote\n")
    assert reverse("ops:attachment-download", args=[old.pk]) in second  # the old one is still offered


def test_without_javascript_an_upload_redirects_back_with_a_message(client, people, ticket):
    client.force_login(people["dana"])
    response = client.post(reverse("ops:ticket-attach", args=[ticket.pk]), {"files": [pdf()]}, follow=True)
    assert response.redirect_chain[-1][0].endswith(f"/tickets/{ticket.pk}/#attachments")
    assert "Attached quote.pdf." in response.content.decode()
    assert FileUpload.objects.get().uploaded_by == people["dana"]


def test_files_are_stored_under_a_random_name_in_the_companys_folder(settings, people, ticket):
    upload = attach(ticket, people["sam"], pdf("../../etc/cron.d/evil.pdf"))[0]
    assert upload.filename == "evil.pdf"
    assert re.fullmatch(rf"attachments/{ticket.company_id}/[0-9a-f]{{32}}", upload.file.name)
    stored = settings.MEDIA_ROOT / upload.file.name
    assert stored.read_bytes() == PDF_BYTES
    assert (upload.content_type, upload.size, upload.company_id) == (
        "application/pdf",
        len(PDF_BYTES),
        ticket.company_id,
    )


def test_the_download_is_an_attachment_with_its_stored_type(client, people, ticket):
    upload = attach(ticket, people["sam"], SimpleUploadedFile("Zoë's plan.pdf", PDF_BYTES, content_type="text/html"))[0]
    client.force_login(people["sam"])
    response = client.get(reverse("ops:attachment-download", args=[upload.pk]))
    assert response["Content-Type"] == "application/pdf"  # the stored type, never the browser's word
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''Zo%C3%AB%27s%20plan.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"


def test_only_people_who_may_see_the_ticket_download_its_files(client, people, ticket):
    upload = attach(ticket, people["sam"])[0]
    url = reverse("ops:attachment-download", args=[upload.pk])
    for who in ("sam", "dana", "tara"):
        client.force_login(people[who])
        assert client.get(url).status_code == 200, who
    for who in ("otto", "nosy"):  # same company, nothing to do with this ticket
        client.force_login(people[who])
        assert client.get(url).status_code == 404, who
        assert client.post(reverse("ops:ticket-attach", args=[ticket.pk]), {"files": [pdf()]}).status_code == 404
        with pytest.raises(NotAllowed):
            attach(ticket, people[who])
    assert FileUpload.objects.count() == 1


def test_a_file_missing_from_storage_is_a_404_not_a_500(client, settings, people, ticket):
    upload = attach(ticket, people["sam"])[0]
    (settings.MEDIA_ROOT / upload.file.name).unlink()
    client.force_login(people["sam"])
    assert client.get(reverse("ops:attachment-download", args=[upload.pk])).status_code == 404


# --- Refusals ------------------------------------------------------------------------------------------


def stored_files(settings) -> list:
    root = settings.MEDIA_ROOT
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            SimpleUploadedFile("setup.exe", WINDOWS_PROGRAM),
            "“setup.exe”: this kind of file is not accepted. Accepted: PDF,",
        ),
        (
            pdf("invoice.pdf", WINDOWS_PROGRAM),
            "“invoice.pdf” is refused: its name says PDF, but its contents are a Windows program.",
        ),
        (
            pdf("invoice.pdf", LINUX_PROGRAM),
            "“invoice.pdf” is refused: its name says PDF, but its contents are a Linux program.",
        ),
        (pdf("page.pdf", WEB_PAGE), "“page.pdf” is refused: its name says PDF, but its contents are a web page."),
        (SimpleUploadedFile("page.html", WEB_PAGE), "“page.html”: this kind of file is not accepted."),
        (SimpleUploadedFile("logo.svg", b"<svg/>"), "“logo.svg”: this kind of file is not accepted."),
        (SimpleUploadedFile("notes", b"hello"), "“notes”: this kind of file is not accepted."),
        (pdf("empty.pdf", b""), "“empty.pdf” is empty."),
    ],
    ids=["exe", "renamed-exe", "renamed-elf", "renamed-html", "html", "svg", "no-extension", "empty"],
)
def test_refused_files_say_why_next_to_the_field_and_nothing_is_stored(
    client, settings, people, ticket, upload, message
):
    client.force_login(people["sam"])
    content = client.post(reverse("ops:ticket-attach", args=[ticket.pk]), {"files": [upload]}, **HTMX).content.decode()
    assert 'data-field-error="files"' in content
    assert message.replace("’", "&#x27;").replace("'", "&#x27;") in content
    assert not FileUpload.objects.exists() and stored_files(settings) == []


def test_a_file_over_the_size_limit_is_refused_with_both_sizes(client, settings, people, ticket):
    settings.ATTACHMENT_MAX_BYTES = 1024
    client.force_login(people["sam"])
    big = pdf("big.pdf", PDF_BYTES + b"0" * 2048)
    content = client.post(reverse("ops:ticket-attach", args=[ticket.pk]), {"files": [big]}, **HTMX).content.decode()
    assert "“big.pdf” is 2.0\xa0KB; a file may be at most 1.0\xa0KB." in content
    assert not FileUpload.objects.exists() and stored_files(settings) == []


def test_one_bad_file_keeps_the_whole_upload_out(people, ticket, settings):
    with pytest.raises(InvalidData) as refused:
        attach(ticket, people["sam"], pdf("good.pdf"), SimpleUploadedFile("bad.exe", WINDOWS_PROGRAM))
    assert list(refused.value.errors) == ["files"] and "bad.exe" in refused.value.errors["files"][0]
    assert not FileUpload.objects.exists() and stored_files(settings) == []


def test_no_file_chosen_says_so(client, people, ticket):
    client.force_login(people["sam"])
    content = client.post(reverse("ops:ticket-attach", args=[ticket.pk]), {}, **HTMX).content.decode()
    assert 'data-field-error="files"' in content and "Choose a file to attach." in content


def test_the_allowed_types_are_a_setting(settings, people, ticket):
    settings.ATTACHMENT_CONTENT_TYPES = ["image/png"]
    with pytest.raises(InvalidData, match="Accepted: PNG"):
        attach(ticket, people["sam"], pdf())
    assert attach(ticket, people["sam"], SimpleUploadedFile("a.png", PNG_BYTES))[0].content_type == "image/png"


# --- `file` fields of forms ---------------------------------------------------------------------------------


def test_a_ticket_forms_file_field_is_a_real_upload_shown_as_a_link(
    client, tenant, people, django_capture_on_commit_callbacks
):
    ticket_type = simple_process(
        tenant.company,
        tasks=[form_task("review", {"ok": {"type": "boolean"}}, assignee_role="Buyers")],
        transitions=[{"from": None, "to": "review"}, {"from": "review", "to": None, "label": "Done"}],
        fields={"type": "object", "properties": QUOTE_FIELD, "required": ["quote"]},
    )
    client.force_login(people["sam"])
    url = reverse("ops:ticket-submit", args=[ticket_type.pk])
    form = client.get(url).content.decode()
    assert 'type="file"' in form and 'enctype="multipart/form-data"' in form and "At most 10.0\xa0MB." in form

    missing = client.post(url, {"title": "Flyers", "priority": "normal"}).content.decode()
    assert 'data-field-error="quote"' in missing and "This field is required." in missing
    renamed = pdf("quote.pdf", WINDOWS_PROGRAM)
    refused = client.post(url, {"title": "Flyers", "priority": "normal", "quote": renamed}).content.decode()
    assert 'data-field-error="quote"' in refused and "its contents are a Windows program" in refused
    assert not TicketInstance.objects.exists() and not FileUpload.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"title": "Flyers", "priority": "normal", "quote": pdf("quote.pdf")})
    ticket = TicketInstance.objects.get()
    upload = FileUpload.objects.get()
    assert ticket.data == {"quote": f"upload:{upload.pk}"}
    assert (upload.ticket, upload.task, upload.field_name, upload.uploaded_by) == (ticket, None, "quote", people["sam"])
    assert ticket.workflow.workflow_data["ticket"]["quote"] == upload.ref

    page = client.get(response.url).content.decode()
    link = reverse("ops:attachment-download", args=[upload.pk])
    assert f'<a href="{link}" download data-testid="file-link">quote.pdf</a>' in page
    assert download(client, upload) == PDF_BYTES
    # The worker on it sees the link on the task page too.
    client.force_login(people["dana"])
    task_page = client.get(reverse("ops:task-detail", args=[ticket.workflow.current_task_id])).content.decode()
    assert f'href="{link}"' in task_page


def test_a_task_forms_file_is_kept_by_a_draft_and_completes_the_task(client, people, ticket):
    task = TaskInstance.objects.get(ticket=ticket)
    url = reverse("ops:task-detail", args=[task.pk])
    client.force_login(people["dana"])
    form = client.get(url).content.decode()
    assert 'type="file"' in form and 'hx-encoding="multipart/form-data"' in form

    draft = client.post(url, {"answer-proof": pdf("proof.pdf"), "answer-note": "Draft one", "action": "draft"}, **HTMX)
    assert "Draft saved" in draft.content.decode()
    upload = FileUpload.objects.get()
    task.refresh_from_db()
    assert (task.status, task.output_data) == (TaskStatus.IN_PROGRESS, {"proof": upload.ref, "note": "Draft one"})
    assert (upload.task, upload.field_name) == (task, "proof")

    # The next draft, without choosing the file again, keeps it; the form names it.
    again = client.post(url, {"answer-note": "Draft two", "action": "draft"}, **HTMX).content.decode()
    task.refresh_from_db()
    assert task.output_data == {"proof": upload.ref, "note": "Draft two"}
    assert "Attached" in again and "proof.pdf" in again
    assert FileUpload.objects.count() == 1

    done = client.post(url, {"answer-note": "Sent to Ann", "action": "complete"}, **HTMX).content.decode()
    assert "is complete" in done
    task.refresh_from_db()
    assert (task.status, task.output_data) == (TaskStatus.COMPLETED, {"proof": upload.ref, "note": "Sent to Ann"})
    assert f'href="{reverse("ops:attachment-download", args=[upload.pk])}"' in done  # the answer shows the link
    assert download(client, upload) == PDF_BYTES


def test_a_required_task_file_is_enforced(client, people, ticket):
    task = TaskInstance.objects.get(ticket=ticket)
    client.force_login(people["dana"])
    url = reverse("ops:task-detail", args=[task.pk])
    content = client.post(url, {"answer-note": "No proof", "action": "complete"}, **HTMX).content.decode()
    assert 'data-field-error="proof"' in content
    task.refresh_from_db()
    assert task.status == TaskStatus.ASSIGNED


def test_a_task_answers_file_is_for_staff_like_the_answer(client, people, ticket, django_capture_on_commit_callbacks):
    task = TaskInstance.objects.get(ticket=ticket)
    with django_capture_on_commit_callbacks(execute=True):
        task_complete(
            task=task, actor=Actor(user=people["dana"]), output={"note": "x"}, files={"proof": pdf("proof.pdf")}
        )
    upload = FileUpload.objects.get()
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.FINISHED
    client.force_login(people["sam"])
    assert "proof.pdf" not in client.get(reverse("ops:ticket-detail", args=[ticket.pk])).content.decode()
    assert client.get(reverse("ops:attachment-download", args=[upload.pk])).status_code == 404
    for who in ("dana", "tara"):
        client.force_login(people[who])
        assert "proof.pdf" in client.get(reverse("ops:ticket-detail", args=[ticket.pk])).content.decode()
        assert download(client, upload) == PDF_BYTES


def test_a_file_answer_must_be_a_file_of_the_same_ticket(tenant, people, ticket, ticket_type):
    elsewhere = attach(running_ticket(tenant.company), people["tara"])[0]
    task = TaskInstance.objects.get(ticket=ticket)
    for forged in (elsewhere.ref, "upload:999999", "https://evil.example/x.pdf"):
        with pytest.raises(InvalidData) as refused:
            task_complete(task=task, actor=Actor(user=people["dana"]), output={"proof": forged, "note": "x"})
        assert refused.value.errors == {"proof": ["Attach the file again: the one given is not a file of this ticket."]}
    with pytest.raises(InvalidData) as on_submit:
        ticket_submit(
            company=tenant.company,
            actor=Actor(user=people["sam"]),
            ticket_type=ticket_type,
            title="Sneaky",
            data={"quote": elsewhere.ref},
        )
    assert on_submit.value.errors == {"quote": ["Attach the file again: the one given is not a file of this ticket."]}


def test_a_file_for_a_field_that_takes_none_is_refused(people, ticket):
    task = TaskInstance.objects.get(ticket=ticket)
    with pytest.raises(InvalidData) as refused:
        task_complete(
            task=task,
            actor=Actor(user=people["dana"]),
            output={"note": "x"},
            files={"proof": pdf(), "note": pdf("note.pdf")},
        )
    assert refused.value.errors == {"note": ["This field does not take a file."]}
    assert not FileUpload.objects.exists()


def test_an_optional_file_field_shows_its_file_and_can_let_it_go(people, ticket):
    upload = attach(ticket, people["sam"])[0]
    schema = {"type": "object", "properties": QUOTE_FIELD}
    shown = SchemaForm(schema, initial={"quote": upload.ref})
    shown.name_uploads([upload])
    html = str(shown["quote"])
    assert "Attached" in html and f'href="{reverse("ops:attachment-download", args=[upload.pk])}"' in html
    assert "quote.pdf" in html and "Remove it" in html

    kept = SchemaForm(schema, {}, {}, initial={"quote": upload.ref})
    assert kept.is_valid() and kept.to_json() == {"quote": upload.ref} and kept.uploaded_files() == {}
    removed = SchemaForm(schema, {"quote-clear": "on"}, {}, initial={"quote": upload.ref})
    assert removed.is_valid() and removed.to_json() == {}
    replaced = SchemaForm(schema, {}, {"quote": pdf("new.pdf")}, initial={"quote": upload.ref})
    assert replaced.is_valid() and replaced.to_json() == {} and list(replaced.uploaded_files()) == ["quote"]
