"""Files attached to a ticket: on the ticket page, or as the answer of a `file` field of a form.

A file is stored under a path made of the company and a random name
(`attachments/<company id>/<uuid>`): the name someone gave it is kept in `filename`
for display and download, never used to pick where it lives. A new upload of the
same name on the same ticket is a new `version`; the older ones are kept.

A `file` field's stored answer is a reference to its upload, "upload:<id>" (a JSON
Schema string, as the field's schema says).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from users.models import Company
from users.querysets import CompanyQuerySet
from workflow_ops.models.tasks import TaskInstance
from workflow_ops.models.tickets import TicketInstance

FILE_REF_PREFIX = "upload:"
MAX_FILENAME_LENGTH = 200


def storage_path(upload: FileUpload, filename: str) -> str:
    """Where the file lives: its company's folder and a random name, whatever it was called."""
    return f"attachments/{upload.company_id}/{uuid.uuid4().hex}"


def upload_id_from_ref(value: object) -> int | None:
    """The upload id of a `file` field's answer ("upload:42" → 42), or None when it is not one."""
    if not isinstance(value, str) or not value.startswith(FILE_REF_PREFIX):
        return None
    number = value.removeprefix(FILE_REF_PREFIX)
    return int(number) if number.isdigit() and len(number) < 19 else None


class FileUpload(models.Model):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    ticket = models.ForeignKey(TicketInstance, on_delete=models.CASCADE, related_name="uploads")
    # Set when the file is the answer of a task form's `file` field (staff-only, like task answers).
    task = models.ForeignKey(TaskInstance, on_delete=models.CASCADE, null=True, blank=True, related_name="uploads")
    # The form field it answers ("" for a file attached on the ticket page).
    field_name = models.CharField(max_length=63, blank=True)
    filename = models.CharField(max_length=MAX_FILENAME_LENGTH)
    version = models.PositiveIntegerField(default=1)
    file = models.FileField(upload_to=storage_path, max_length=200)
    # What the file is, decided from its name's extension against the allowed list (never the browser's word).
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Posted by TicketFlower staff acting inside the company (the author is their own account).
    impersonating = models.BooleanField(default=False)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = CompanyQuerySet.as_manager()

    class Meta:
        ordering = ["filename", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["ticket", "filename", "version"], name="wo_upload_unique_version"),
        ]

    def __str__(self) -> str:
        return f"{self.filename} (version {self.version})"

    # Lets templates tell an upload from any other value in a data table.
    is_file_upload = True

    @property
    def ref(self) -> str:
        """The answer stored for a `file` field: "upload:<id>"."""
        return f"{FILE_REF_PREFIX}{self.pk}"
