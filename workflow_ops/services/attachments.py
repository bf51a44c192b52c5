"""Files on tickets: attach them on the ticket page, keep the files of a form's `file` fields, check both.

- Whoever may see the ticket may attach files to it (its requester and submitter, staff on it).
- Each file: not empty, at most settings.ATTACHMENT_MAX_BYTES, of an allowed type (its name's
  extension, settings.ATTACHMENT_CONTENT_TYPES) whose first bytes agree (services.filetypes).
- The same name again on the same ticket is a new version; the older versions stay.
- Stored with Django's default storage under attachments/<company id>/<random name>; the name
  the person gave it is kept for display and download only.

A `file` field's answer is the reference "upload:<id>" of its FileUpload (FileUpload.ref).
The services that take form answers (ticket_submit, task_save_draft, task_complete,
task_correct_output) check them with `answer_errors` and keep new files with
`store_answer_files`, in their own transaction.

A file written to storage stays there if the transaction around it later rolls back
(storage is not transactional): it is unreachable, since no row names it.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.template.defaultfilters import filesizeformat

from users.services import Actor
from workflow_ops.models import (
    MAX_FILENAME_LENGTH,
    FileUpload,
    TaskInstance,
    TicketInstance,
    upload_id_from_ref,
)
from workflow_ops.selectors.tickets import may_see_ticket
from workflow_ops.services.common import InvalidData, NotAllowed, schema_errors
from workflow_ops.services.filetypes import HEAD_BYTES, TYPE_NAMES, accepted_kinds, content_problem, type_from_name

# At most this many files in one upload from the ticket page.
MAX_FILES_AT_ONCE = 10
# Stands in for a new file's reference while the answers are checked (the upload does not exist yet).
PENDING_REF = "upload:new"


def clean_filename(name: str) -> str:
    """The name to show and download as: the last part of a path, without control characters, not too long."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(char for char in name if unicodedata.category(char)[0] != "C").strip().strip(".")
    if len(name) > MAX_FILENAME_LENGTH:
        stem, dot, extension = name.rpartition(".")
        keep = MAX_FILENAME_LENGTH - len(extension) - 1
        name = f"{stem[:keep]}.{extension}" if dot and 0 < len(extension) < 20 else name[:MAX_FILENAME_LENGTH]
    return name or "file"


def file_problem(file: UploadedFile) -> str | None:
    """Why this file is refused, in words naming it, or None when it may be kept."""
    name = clean_filename(file.name or "")
    limit = settings.ATTACHMENT_MAX_BYTES
    if not file.size:
        return f"“{name}” is empty."
    if file.size > limit:
        return f"“{name}” is {filesizeformat(file.size)}; a file may be at most {filesizeformat(limit)}."
    allowed = list(settings.ATTACHMENT_CONTENT_TYPES)
    content_type = type_from_name(name)
    if content_type not in allowed:
        return f"“{name}”: this kind of file is not accepted. Accepted: {accepted_kinds(allowed)}."
    file.seek(0)
    head = file.read(HEAD_BYTES)
    file.seek(0)
    problem = content_problem(content_type, head)
    if problem:
        kind = TYPE_NAMES.get(content_type, content_type)
        return f"“{name}” is refused: its name says {kind}, but {problem}."
    return None


def _lock_versions(ticket: TicketInstance) -> None:
    """Hold the ticket's row so two uploads of one name cannot take the same version number."""
    list(TicketInstance.objects.select_for_update().filter(pk=ticket.pk).values_list("pk", flat=True))


def _store(
    *, ticket: TicketInstance, actor: Actor, file: UploadedFile, task: TaskInstance | None = None, field_name: str = ""
) -> FileUpload:
    name = clean_filename(file.name or "")
    latest = FileUpload.objects.filter(ticket=ticket, filename=name).aggregate(latest=Max("version"))["latest"]
    upload = FileUpload(
        company_id=ticket.company_id,
        ticket=ticket,
        task=task,
        field_name=field_name,
        filename=name,
        version=(latest or 0) + 1,
        content_type=type_from_name(name),
        size=file.size,
        uploaded_by=actor.user,
        impersonating=actor.impersonating,
    )
    # The storage path comes from FileUpload.file's upload_to, never from `name`.
    upload.file.save(name, file, save=False)
    upload.save()
    return upload


@transaction.atomic
def attachments_add(*, ticket: TicketInstance, actor: Actor, files: list[UploadedFile]) -> list[FileUpload]:
    """Attach files to a ticket: all of them or none. Returns the new uploads (a known name: its next version).

    Raises NotAllowed (the person may not see the ticket) or InvalidData ({"files": [one message per bad file]}).
    """
    if not may_see_ticket(ticket, actor.user):
        raise NotAllowed("Only people who may see this ticket can attach files to it.")
    if not files:
        raise InvalidData({"files": ["Choose a file to attach."]})
    if len(files) > MAX_FILES_AT_ONCE:
        raise InvalidData({"files": [f"Attach at most {MAX_FILES_AT_ONCE} files at once."]})
    problems = [problem for file in files if (problem := file_problem(file))]
    if problems:
        raise InvalidData({"files": problems})
    _lock_versions(ticket)
    return [_store(ticket=ticket, actor=actor, file=file) for file in files]


def file_fields(schema: dict[str, Any] | None) -> set[str]:
    """The names of a fields schema's `file` fields."""
    properties = (schema or {}).get("properties") or {}
    return {name for name, prop in properties.items() if prop.get("type") == "string" and prop.get("format") == "file"}


def answer_errors(
    *,
    schema: dict[str, Any] | None,
    data: dict[str, Any],
    files: dict[str, UploadedFile] | None,
    ticket_id: int | None,
) -> dict[str, list[str]]:
    """Every problem of a form's answers with its new files, by field: `file_errors`, then the
    schema, checked with each new file in its field's place."""
    files = files or {}
    errors = file_errors(schema=schema, data=data, files=files, ticket_id=ticket_id)
    for field, messages in schema_errors(schema, {**data, **dict.fromkeys(files, PENDING_REF)}).items():
        errors.setdefault(field, []).extend(messages)
    return errors


def file_errors(
    *,
    schema: dict[str, Any] | None,
    data: dict[str, Any],
    files: dict[str, UploadedFile] | None,
    ticket_id: int | None,
) -> dict[str, list[str]]:
    """The problems of a form's files, by field (a draft's answers need no more): each new file
    must be acceptable (`file_problem`) and for a `file` field; a kept answer of a `file` field
    must name an upload of ticket `ticket_id` (None: a new ticket, which has none yet)."""
    files = files or {}
    accepting = file_fields(schema)
    errors: dict[str, list[str]] = {}
    for name, file in files.items():
        problem = file_problem(file) if name in accepting else "This field does not take a file."
        if problem:
            errors[name] = [problem]
    kept = {name: upload_id_from_ref(data[name]) for name in accepting if name in data and name not in files}
    known: set[int] = set()
    if ticket_id is not None and any(kept.values()):
        ids = [upload_id for upload_id in kept.values() if upload_id]
        known = set(FileUpload.objects.filter(ticket_id=ticket_id, pk__in=ids).values_list("pk", flat=True))
    for name, upload_id in kept.items():
        if upload_id not in known:
            errors[name] = ["Attach the file again: the one given is not a file of this ticket."]
    return errors


@transaction.atomic
def store_answer_files(
    *, ticket: TicketInstance, actor: Actor, files: dict[str, UploadedFile] | None, task: TaskInstance | None = None
) -> dict[str, str]:
    """Keep the new files of a form's `file` fields (checked by `answer_errors`); returns each field's answer."""
    if not files:
        return {}
    _lock_versions(ticket)
    return {
        name: _store(ticket=ticket, actor=actor, file=file, task=task, field_name=name).ref
        for name, file in files.items()
    }
