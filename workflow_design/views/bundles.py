"""Bundle pages: import a ticketflower/v1 bundle (check, review what changes, confirm), export the company."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.views import View

from users.services import Actor
from users.tenancy import CompanyRequiredMixin
from workflow_design.access import DesignReadMixin, DesignWriteMixin
from workflow_design.bundles import BundleInvalid, export_bundle, parse_bundle
from workflow_design.forms.bundles import BundleConfirmForm, BundleImportForm, size_message
from workflow_design.problems import Problem, errors_of, warnings_of
from workflow_design.services import ImportPlan, PlanChanged, bundle_import, bundle_import_plan
from workflow_design.views.downloads import bundle_download

TEMPLATE = "workflow_design/bundle_import.html"


def import_page(request: HttpRequest, **context: Any) -> HttpResponse:
    problems = context.get("problems") or []
    context.update(errors=errors_of(problems), warnings=warnings_of(problems))
    return render(request, TEMPLATE, {"form": context.pop("form", None) or BundleImportForm(), **context})


class BundleImportView(LoginRequiredMixin, CompanyRequiredMixin, DesignWriteMixin, View):
    """Step 1 checks the bundle and shows what would change; step 2 (confirm) imports exactly that."""

    def get(self, request: HttpRequest) -> HttpResponse:
        return import_page(request)

    def post(self, request: HttpRequest) -> HttpResponse:
        if request.oversized_post:
            # More than Django reads (see answer_oversized_posts): say so, write nothing.
            return import_page(request, problems=[Problem("", size_message())])
        if request.POST.get("step") == "confirm":
            return self.confirm(request)
        form = BundleImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return import_page(request, form=form)
        try:
            raw = form.raw_bundle()
            plan = bundle_import_plan(company=request.company, doc=parse_bundle(raw))
        except BundleInvalid as invalid:
            # Nothing was written; list every problem by its path in the document.
            return import_page(request, form=form, problems=invalid.problems)
        return self.review(request, plan, raw.decode("utf-8-sig"))

    def review(self, request: HttpRequest, plan: ImportPlan, text: str, **context: Any) -> HttpResponse:
        confirm = BundleConfirmForm(initial={"text": text, "digest": plan.digest()})
        return import_page(request, plan=plan, confirm_form=confirm, **context)

    def confirm(self, request: HttpRequest) -> HttpResponse:
        form = BundleConfirmForm(request.POST)
        if not form.is_valid():
            messages.error(request, "The reviewed bundle did not come back; choose it again.")
            return redirect("design:import")
        text = form.cleaned_data["text"]
        try:
            result = bundle_import(
                company=request.company,
                actor=Actor.from_request(request),
                doc=parse_bundle(text),
                replace_drafts=True,  # the review listed every draft this import discards
                expected_digest=form.cleaned_data["digest"],
            )
        except BundleInvalid as invalid:
            return import_page(request, problems=invalid.problems)
        except PlanChanged as changed:
            return self.review(request, changed.plan, text, plan_changed=True)
        messages.success(request, f"Bundle imported: {result.summary()}.")
        return redirect("design:workflow-list")


class CompanyExportView(LoginRequiredMixin, CompanyRequiredMixin, DesignReadMixin, View):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        doc = export_bundle(request.company)
        stamp = timezone.localdate().isoformat()
        return bundle_download(doc, f"{slugify(request.company.name) or 'company'}-{stamp}.ticketflower.json")
