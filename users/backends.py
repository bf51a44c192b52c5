"""Authentication backend: the signed-in user with their company in one query, their permissions cached.

Every page reads the user, their company (tenancy) and their permissions (the
navbar and the views check them). Django's ModelBackend spends four queries on
that on every request; here the permissions are one query, and only after the
company's setup has changed (users.company_cache).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db.models import Q

from users.company_cache import company_cached
from users.models import User


class CompanyUserBackend(ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        try:
            user = get_user_model()._default_manager.select_related("company").get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        """The user's own and their groups' permissions in one query (superusers as ModelBackend)."""
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None or user_obj.is_superuser:
            return super().get_all_permissions(user_obj, obj)
        if not hasattr(user_obj, "_perm_cache"):
            if User.company.is_cached(user_obj) and user_obj.company is not None:
                # The signed-in user (get_user read their company): kept until the company's setup changes.
                granted = company_cached(user_obj.company, f"perms:{user_obj.pk}", lambda: self.granted(user_obj))
            else:
                granted = self.granted(user_obj)
            user_obj._perm_cache = granted
        return user_obj._perm_cache

    @staticmethod
    def granted(user: User) -> set[str]:
        granted = (
            Permission.objects.filter(Q(user=user) | Q(group__user=user))
            .values_list("content_type__app_label", "codename")
            .distinct()
        )
        return {f"{app_label}.{codename}" for app_label, codename in granted}
