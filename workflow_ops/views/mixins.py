"""What the working pages share: who may open them (each view states its permission) and CSV export."""

from collections.abc import Callable, Iterator
from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils import timezone

from ticketflower.csv_export import csv_response
from users.roles import PERM_MANAGE_TICKETS, PERM_SUBMIT_TICKETS, PERM_WORK_TASKS
from users.tenancy import CompanyRequiredMixin


class TicketAdminMixin(LoginRequiredMixin, CompanyRequiredMixin, PermissionRequiredMixin):
    permission_required = PERM_MANAGE_TICKETS


class SubmitterMixin(LoginRequiredMixin, CompanyRequiredMixin, PermissionRequiredMixin):
    permission_required = PERM_SUBMIT_TICKETS


class WorkerMixin(LoginRequiredMixin, CompanyRequiredMixin, PermissionRequiredMixin):
    permission_required = PERM_WORK_TASKS


def csv_download(name: str, header: list[str], rows: Iterator[list[Any]]) -> StreamingHttpResponse:
    return csv_response(f"{name}-{timezone.localtime():%Y-%m-%d}.csv", header, rows)


class CsvExportMixin:
    """A list view whose `?format=csv` streams its whole queryset, in the page's order, instead of a page."""

    export_name = ""
    export_header: list[str] = []
    export_rows: Callable[..., Iterator[list[Any]]]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.GET.get("format") == "csv":
            return csv_download(self.export_name, self.export_header, type(self).export_rows(self.get_queryset()))
        return super().get(request, *args, **kwargs)
