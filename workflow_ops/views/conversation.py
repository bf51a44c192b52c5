"""A ticket's conversation and files: post a comment, attach files, download a file.

The ticket is reached only through `visible_tickets`, a file only through
`downloadable_uploads`: another company's id, or a ticket this person may not see,
is a 404. With htmx the section answers in place (the new comment or file appears,
the form is empty again); without it a POST redirects back to the ticket, or shows
the ticket page with the form's errors.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views import View

from users.services import Actor
from users.tenancy import CompanyRequiredMixin
from workflow_ops.conversation_forms import AttachmentForm, CommentForm
from workflow_ops.forms import CancelForm
from workflow_ops.models import FileUpload
from workflow_ops.selectors.conversation import attachment_groups, visible_comments, visible_uploads
from workflow_ops.selectors.tickets import downloadable_uploads, is_staff_on_ticket
from workflow_ops.services.attachments import attachments_add
from workflow_ops.services.comments import comment_add
from workflow_ops.services.common import InvalidData, NotAllowed
from workflow_ops.views.tickets import TicketDetailView, _visible_ticket


def _add_errors(form, invalid: InvalidData) -> None:
    for field, errors in invalid.errors.items():
        for error in errors:
            form.add_error(field if field in form.fields else None, error)


class CommentCreateView(TicketDetailView):
    """POST /tickets/<id>/comments/: a comment, or (staff on the ticket) an internal note."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        ticket = _visible_ticket(request, pk)
        staff = is_staff_on_ticket(ticket, request.user)
        form = CommentForm(request.POST, staff=staff)
        if form.is_valid():
            try:
                comment = comment_add(
                    ticket=ticket,
                    actor=Actor.from_request(request),
                    body=form.cleaned_data["body"],
                    internal=form.cleaned_data.get("internal", False),
                )
            except InvalidData as invalid:
                _add_errors(form, invalid)
            except NotAllowed as refused:
                form.add_error(None, str(refused))
            else:
                if not request.htmx:
                    return redirect(f"{reverse('ops:ticket-detail', args=[ticket.pk])}#comment-{comment.pk}")
                form = CommentForm(staff=staff)
        if request.htmx:
            context = {
                "ticket": ticket,
                "comments": visible_comments(ticket, staff=staff),
                "comment_form": form,
            }
            return render(request, "workflow_ops/includes/conversation.html", context)
        return self.page(request, ticket, CancelForm(), comment_form=form)


class AttachmentUploadView(TicketDetailView):
    """POST /tickets/<id>/attachments/: one or several files; a known name becomes its next version."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        ticket = _visible_ticket(request, pk)
        form = AttachmentForm(request.POST, request.FILES)
        added: list[FileUpload] = []
        if form.is_valid():
            try:
                actor = Actor.from_request(request)
                added = attachments_add(ticket=ticket, actor=actor, files=form.cleaned_data["files"])
            except InvalidData as invalid:
                _add_errors(form, invalid)
            except NotAllowed as refused:
                form.add_error(None, str(refused))
            else:
                if not request.htmx:
                    messages.success(request, attached_message(added))
                    return redirect(f"{reverse('ops:ticket-detail', args=[ticket.pk])}#attachments")
                form = AttachmentForm()
        if request.htmx:
            staff = is_staff_on_ticket(ticket, request.user)
            context = {
                "ticket": ticket,
                "attachments": attachment_groups(visible_uploads(ticket, staff=staff)),
                "attachment_form": form,
                "attached_message": attached_message(added) if added else "",
            }
            return render(request, "workflow_ops/includes/attachments.html", context)
        return self.page(request, ticket, CancelForm(), attachment_form=form)


def attached_message(uploads: list[FileUpload]) -> str:
    """ "Attached quote.pdf (version 2) and photo.jpg." """
    names = [
        f"{upload.filename} (version {upload.version})" if upload.version > 1 else upload.filename for upload in uploads
    ]
    listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
    return f"Attached {listed}."


class AttachmentDownloadView(LoginRequiredMixin, CompanyRequiredMixin, View):
    """GET /attachments/<id>/: the file, as a download, to people who may see its ticket (and, for a
    task answer's file, to staff on the ticket)."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        upload = get_object_or_404(downloadable_uploads(request.company, request.user), pk=pk)
        try:
            handle = upload.file.open("rb")
        except FileNotFoundError as missing:
            raise Http404("The file is missing from storage.") from missing
        response = FileResponse(handle, as_attachment=True, filename=upload.filename, content_type=upload.content_type)
        # Private to the people who may see the ticket: no shared cache keeps a copy.
        response["Cache-Control"] = "private, no-store"
        return response
