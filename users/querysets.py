"""The queryset every company-owned model uses: rows are reached through `for_company()`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

if TYPE_CHECKING:
    from users.models import Company


class CompanyQuerySet(models.QuerySet):
    def for_company(self, company: Company | None) -> CompanyQuerySet:
        """Rows owned by `company`; nothing at all when there is no company."""
        if company is None:
            return self.none()
        return self.filter(company=company)
