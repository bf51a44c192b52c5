"""Account reads: team lists, role lists, company choices for staff."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db.models import Count, Q, QuerySet

from users.models import Company, CompanyRole, User


def team_members(*, company: Company, search: str = "", status: str = "active") -> QuerySet[User]:
    members = User.objects.for_company(company).prefetch_related("groups", "company_roles")
    if status == "active":
        members = members.filter(is_active=True)
    elif status == "inactive":
        members = members.filter(is_active=False)
    if search:
        members = members.filter(
            Q(email__icontains=search) | Q(first_name__icontains=search) | Q(last_name__icontains=search)
        )
    return members.order_by("first_name", "last_name", "email")


def company_roles_with_member_counts(*, company: Company, search: str = "") -> QuerySet[CompanyRole]:
    """Roles with `member_count`, and what uses each prefetched (for `services.company_role_usage`)."""
    roles = (
        CompanyRole.objects.for_company(company)
        .annotate(member_count=Count("users", distinct=True))
        .prefetch_related(*CompanyRole.relation_accessors())
    )
    if search:
        roles = roles.filter(Q(name__icontains=search) | Q(description__icontains=search))
    return roles.order_by("name")


def companies_for_staff(*, search: str = "") -> QuerySet[Company]:
    companies = Company.objects.annotate(user_count=Count("users"))
    if search:
        companies = companies.filter(name__icontains=search)
    return companies.order_by("name")


def _codename(permission: str) -> str:
    return permission.split(".", 1)[1]


def users_with_permission(company: Company | int, permission: str) -> QuerySet[User]:
    """Active users of the company whose system roles grant `permission` ("users.work_tasks").

    Written as semi-joins (no DISTINCT), so callers may lock the rows (FOR UPDATE).
    """
    groups = Group.objects.filter(
        permissions__codename=_codename(permission), permissions__content_type__app_label="users"
    ).values("pk")
    members = User.groups.through.objects.filter(group_id__in=groups).values("user_id")
    company_id = company.pk if isinstance(company, Company) else company
    return User.objects.filter(company_id=company_id, is_active=True, pk__in=members)
