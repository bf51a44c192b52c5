"""Bundle pages: import a ticketflower/v1 bundle, export the whole company."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.text import slugify
from django.views import View
from django.views.generic import FormView

from users.tenancy import CompanyRequiredMixin
from workflow_design.access import DesignReadMixin, DesignWriteMixin
from workflow_design.bundles import BundleInvalid, dump_bundle, export_bundle, import_bundle, parse_bundle
from workflow_design.forms_bundles import BundleImportForm


def bundle_download(doc: dict, filename: str) -> HttpResponse:
    """A bundle as a JSON file download."""
    response = HttpResponse(dump_bundle(doc), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class BundleImportView(LoginRequiredMixin, CompanyRequiredMixin, DesignWriteMixin, FormView):
    template_name = "workflow_design/bundle_import.html"
    form_class = BundleImportForm

    def form_valid(self, form: BundleImportForm) -> HttpResponse:
        try:
            doc = parse_bundle(form.raw_bundle())
            result = import_bundle(company=self.request.company, user=self.request.user, doc=doc)
        except BundleInvalid as invalid:
            # Nothing was written; list every problem by its path in the document.
            return self.render_to_response(self.get_context_data(form=form, problems=invalid.problems))
        messages.success(self.request, f"Bundle imported: {result.summary()}.")
        return redirect("design:workflow-list")


class CompanyExportView(LoginRequiredMixin, CompanyRequiredMixin, DesignReadMixin, View):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        doc = export_bundle(request.company)
        stamp = timezone.localdate().isoformat()
        return bundle_download(doc, f"{slugify(request.company.name) or 'company'}-{stamp}.ticketflower.json")
