"""Reads for a ticket's conversation and files: what a person on the ticket may see of them.

Staff on the ticket (ticket admins, workers who hold or held a task on it) see
everything; the others who may see the ticket (its requester and submitter) see the
public comments and the files attached on the ticket page or to the ticket's own form,
not internal notes nor the files of task answers (task answers are staff-only).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from workflow_ops.models import Comment, FileUpload, TicketInstance


def visible_comments(ticket: TicketInstance, *, staff: bool) -> list[Comment]:
    """The comments this person may read, oldest first (newest last), with their authors: one query."""
    comments = Comment.objects.filter(ticket=ticket).select_related("author").order_by("created_at", "id")
    if not staff:
        comments = comments.filter(internal=False)
    return list(comments)


def visible_uploads(ticket: TicketInstance, *, staff: bool) -> list[FileUpload]:
    """Every version of every file this person may download from the ticket, with who uploaded it: one query."""
    uploads = FileUpload.objects.filter(ticket=ticket).select_related("uploaded_by").order_by("uploaded_at", "id")
    if not staff:
        uploads = uploads.filter(task__isnull=True)
    return list(uploads)


@dataclass
class AttachmentGroup:
    """One file name on a ticket: its newest version, and the older ones (newest first)."""

    latest: FileUpload
    older: list[FileUpload] = field(default_factory=list)

    @property
    def filename(self) -> str:
        return self.latest.filename


def attachment_groups(uploads: list[FileUpload]) -> list[AttachmentGroup]:
    """Uploads by file name, the names in the order of their newest version (newest last)."""
    by_name: dict[str, list[FileUpload]] = {}
    for upload in uploads:
        by_name.setdefault(upload.filename, []).append(upload)
    groups = []
    for versions in by_name.values():
        versions.sort(key=lambda upload: upload.version, reverse=True)
        groups.append(AttachmentGroup(latest=versions[0], older=versions[1:]))
    return sorted(groups, key=lambda group: (group.latest.uploaded_at, group.latest.pk))
