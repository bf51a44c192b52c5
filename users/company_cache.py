"""What pages derive from a company's setup, kept per process until that setup changes.

Every page needs a few things that change only when someone edits the company's
setup: the signed-in user's permissions, the filter choices of the queues (ticket
types, workers, company roles, outcomes) and the names rows show. Reading them took
a third of a queue page's time. Every request already reads the company row with the
user; its `setup_version` becomes a new random number in the same transaction as any
change of people, roles, permissions, ticket types or workflows (the receivers in
`users.signals` and `workflow_design.signals`), so a value cached under a version is
never used once the setup it came from has changed, in any process. Random, not
counted up: a change rolled back after something was cached under its number must
not hand that number to the next change. Values live in Django's cache
(settings.CACHES: per process).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from typing import TypeVar

from django.core.cache import cache

from users.models import Company

T = TypeVar("T")

# A version's values are useless once it changes; this only bounds how long they linger.
TIMEOUT = 60 * 60
MISSING = object()


def company_cached(company: Company, name: str, compute: Callable[[], T]) -> T:
    """`compute()` once per setup version of the company (per process), then the kept value."""
    key = f"company-setup:{company.pk}:{company.setup_version}:{name}"
    value = cache.get(key, MISSING)
    if value is MISSING:
        value = compute()
        cache.set(key, value, TIMEOUT)
    return value


def setup_changed(company_ids: Iterable[int | None] | None = None) -> None:
    """The setup of these companies (None: of every company) has changed: forget what was derived from it."""
    companies = Company.objects.all()
    if company_ids is not None:
        ids = {company_id for company_id in company_ids if company_id is not None}
        if not ids:
            return
        companies = companies.filter(pk__in=ids)
    companies.update(setup_version=secrets.randbits(62))
