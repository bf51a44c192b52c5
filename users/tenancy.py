"""Company tenancy: who the request acts for, and the view mixins that keep to it.

Every company-owned model uses `users.querysets.CompanyQuerySet`, and views reach rows only
through `Model.objects.for_company(request.company)`, so another company's id
is simply "not found" (a 404), never "forbidden".
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone

from users.models import Company

IMPERSONATION_SESSION_KEY = "impersonated_company_id"


def resolve_company(request: HttpRequest) -> tuple[Company | None, bool]:
    """The company this request acts for, and whether a superuser is impersonating it."""
    user = request.user
    if not user.is_authenticated:
        return None, False
    company_id = request.session.get(IMPERSONATION_SESSION_KEY)
    # is_superuser is re-checked on every request: for anyone else the session
    # value is ignored, whatever put it there.
    if user.is_superuser and company_id is not None:
        company = Company.objects.filter(pk=company_id).first()
        return company, company is not None
    return user.company, False


class CompanyMiddleware:
    """Sets `request.company` and `request.impersonating` after authentication."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.company, request.impersonating = resolve_company(request)
        if request.company is None:
            return self.get_response(request)
        # Times on every page read in the company's own time zone.
        try:
            zone = ZoneInfo(request.company.time_zone)
        except (ZoneInfoNotFoundError, ValueError):
            zone = ZoneInfo("UTC")
        with timezone.override(zone):
            return self.get_response(request)


class CompanyRequiredMixin:
    """A view that acts inside a company. Staff without one are sent to pick one."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated and request.company is None:
            if request.user.is_superuser:
                return redirect("impersonate")
            raise Http404("No company")
        return super().dispatch(request, *args, **kwargs)


class CompanyScopedMixin(CompanyRequiredMixin):
    """Generic views whose queryset is `model.objects.for_company(request.company)`.

    For object views (detail, edit, delete) the object is looked up through the
    scoped queryset *before* the permission check, so another company's id is a
    404 for every role and never a 403 that confirms it exists.
    """

    model: type[models.Model]

    def get_queryset(self) -> models.QuerySet:
        return self.model.objects.for_company(self.request.company)


class CompanyObjectMixin(CompanyScopedMixin):
    """Object views: `self.object` is resolved through the scoped queryset.

    Place it after LoginRequiredMixin and before any permission mixin, so the
    lookup (404 for another company's id) happens before the permission check.
    """

    pk_url_kwarg = "pk"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated and request.company is not None:
            self.object = get_object_or_404(self.get_queryset(), pk=kwargs[self.pk_url_kwarg])
        return super().dispatch(request, *args, **kwargs)

    def get_object(self, queryset: models.QuerySet | None = None) -> models.Model:
        return self.object


def scoped_object_or_404(request: HttpRequest, model: type[models.Model], pk: Any, *, permission: str) -> Any:
    """For small action views: the company's object, or 404 (also without the permission)."""
    if not request.user.is_authenticated:
        raise Http404
    obj = get_object_or_404(model.objects.for_company(request.company), pk=pk)
    if not request.user.has_perm(permission):
        raise Http404
    return obj
