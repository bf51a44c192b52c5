"""Authentication backend: the signed-in user with their company, and all their permissions, in two queries.

Every page reads the user, their company (tenancy) and their permissions (the
navbar and the views check them). Django's ModelBackend spends four queries on
that; queues at a company's real size are held to a dozen queries in all.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db.models import Q

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
            granted = (
                Permission.objects.filter(Q(user=user_obj) | Q(group__user=user_obj))
                .values_list("content_type__app_label", "codename")
                .distinct()
            )
            user_obj._perm_cache = {f"{app_label}.{codename}" for app_label, codename in granted}
        return user_obj._perm_cache
