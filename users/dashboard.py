"""Dashboard cards. Each app registers a provider in its AppConfig.ready(), so
the dashboard shows every app's work without `users` importing those apps."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse

from users.models import CompanyRole, User
from users.roles import PERM_MANAGE_TEAM


@dataclass(frozen=True)
class DashboardCard:
    title: str
    description: str
    url: str
    count: int | None = None
    count_label: str = ""
    action_label: str = "Open"
    # Shown instead of the count when there is nothing yet: what to do next.
    empty_hint: str = ""
    order: int = 100


CardProvider = Callable[[HttpRequest], list[DashboardCard]]
_providers: list[CardProvider] = []


def register(provider: CardProvider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def cards_for(request: HttpRequest) -> list[DashboardCard]:
    cards = [card for provider in _providers for card in provider(request)]
    return sorted(cards, key=lambda card: card.order)


def team_cards(request: HttpRequest) -> list[DashboardCard]:
    if not request.user.has_perm(PERM_MANAGE_TEAM):
        return []
    members = User.objects.for_company(request.company).filter(is_active=True).count()
    roles = CompanyRole.objects.for_company(request.company).count()
    return [
        DashboardCard(
            title="Team",
            description="Add teammates and give them roles.",
            url=reverse("team"),
            count=members,
            count_label="active members",
            action_label="Manage team",
            empty_hint="You are the only member so far: add your teammates." if members <= 1 else "",
            order=90,
        ),
        DashboardCard(
            title="Company roles",
            description="Labels such as “Finance” or “Warehouse” that decide who may submit which tickets.",
            url=reverse("company-roles"),
            count=roles,
            count_label="roles",
            action_label="Manage roles",
            empty_hint="No company roles yet: create one to restrict ticket types." if roles == 0 else "",
            order=95,
        ),
    ]
