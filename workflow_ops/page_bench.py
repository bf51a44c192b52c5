"""The page benchmark behind `manage.py bench --company NAME`: how fast the working pages answer.

Each page is requested in-process through Django's test client, logged in as
someone who would open it, 5 times to warm up and 50 times measured; the report
gives the median and 95th percentile in milliseconds and the queries of one
request. Run it against a company of real size (`manage.py seed_volume`).
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Q
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from users.models import Company, User
from users.roles import PERM_MANAGE_TICKETS, PERM_WORK_TASKS
from users.selectors import users_with_permission
from workflow_ops.models import WORKABLE, TaskInstance, TicketInstance

WARM_UP = 5
MEASURED = 50


@dataclass(frozen=True)
class PageCase:
    name: str
    url: str
    user: User


def _search_term(company: Company) -> str:
    """A word from the title of a ticket in the middle of the company's history: found, but not everywhere."""
    tickets = TicketInstance.objects.for_company(company).order_by("number")
    middle = tickets.count() // 2
    title = tickets.values_list("title", flat=True)[middle : middle + 1].first() or "ticket"
    return max(title.split(), key=len)


def page_cases(company: Company, search: str = "") -> list[PageCase]:
    admin = users_with_permission(company, PERM_MANAGE_TICKETS).order_by("pk").first()
    busiest = (
        users_with_permission(company, PERM_WORK_TASKS)
        .annotate(open_tasks=Count("assigned_tasks", filter=Q(assigned_tasks__status__in=WORKABLE)))
        .order_by("-open_tasks", "pk")
        .first()
    )
    if admin is None or busiest is None:
        raise ValueError(f"{company} needs a ticket admin and a task worker to measure its pages.")
    longest = (
        TicketInstance.objects.for_company(company)
        .annotate(steps=Count("tasks"))
        .order_by("-steps", "-pk")
        .values_list("pk", flat=True)
        .first()
    )
    if longest is None:
        raise ValueError(f"{company} has no tickets: run seed_volume first.")
    queue, tasks = reverse("ops:ticket-queue"), reverse("ops:task-queue")
    return [
        PageCase("ops_tickets", queue, admin),
        PageCase("ops_tasks", tasks, admin),
        PageCase("tasks_mine", reverse("ops:my-tasks"), busiest),
        PageCase("ticket_detail", reverse("ops:ticket-detail", args=[longest]), admin),
        PageCase("ops_inbox", reverse("ops:inbox"), admin),
        PageCase("ops_tickets_archive", f"{queue}?archive=1", admin),
        PageCase("ops_tickets_search", f"{queue}?q={search or _search_term(company)}", admin),
    ]


def measure(case: PageCase, requests: int = MEASURED) -> dict:
    client = Client()
    client.force_login(case.user)
    with override_settings(DEBUG=False):
        for _ in range(WARM_UP):
            _get(client, case.url)
        times = []
        for _ in range(requests):
            began = time.perf_counter()
            _get(client, case.url)
            times.append((time.perf_counter() - began) * 1000)
    with CaptureQueriesContext(connection) as queries:
        _get(client, case.url)
    times.sort()
    return {
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[max(round(len(times) * 0.95) - 1, 0)], 1),
        "queries": len(queries.captured_queries),
    }


def _get(client: Client, url: str) -> None:
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} answered {response.status_code}")


def pages_benchmark(company: Company, *, search: str = "", requests: int = MEASURED) -> dict:
    with override_settings(ALLOWED_HOSTS=["testserver"]):
        return {case.name: measure(case, requests) for case in page_cases(company, search)}


def company_size(company: Company) -> dict:
    return {
        "tickets": TicketInstance.objects.for_company(company).count(),
        "tasks": TaskInstance.objects.for_company(company).count(),
    }
