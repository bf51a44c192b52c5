"""Changes to people, system roles and company roles move the company's `setup_version` on.

What pages derive from them (permissions, the workers a queue filters by) is cached
under that version (users.company_cache). These receivers catch every save through
the ORM, the admin's and the services' alike.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, Permission
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from users.company_cache import setup_changed
from users.models import CompanyRole, User

# A login saves only last_login: nothing a page derives changes.
LOGIN_ONLY = frozenset({"last_login"})
CHANGED = ("post_add", "post_remove", "post_clear")


@receiver(post_save, sender=User)
@receiver(post_delete, sender=User)
def user_changed(sender: Any, instance: User, raw: bool = False, update_fields: Any = None, **kwargs: Any) -> None:
    if raw or (update_fields is not None and set(update_fields) <= LOGIN_ONLY):
        return
    setup_changed([instance.company_id, getattr(instance, "company_id_as_read", None)])


@receiver(post_save, sender=CompanyRole)
@receiver(post_delete, sender=CompanyRole)
def company_role_changed(sender: Any, instance: CompanyRole, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        setup_changed([instance.company_id])


@receiver(m2m_changed, sender=User.groups.through)
@receiver(m2m_changed, sender=User.user_permissions.through)
@receiver(m2m_changed, sender=User.company_roles.through)
def memberships_changed(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set: set[int] | None, **kwargs: Any
) -> None:
    """A user's system roles, own permissions or company roles; or a role's or permission's users."""
    if action not in CHANGED:
        return
    if isinstance(instance, User | CompanyRole):
        setup_changed([instance.company_id])
    elif pk_set:
        setup_changed(User.objects.filter(pk__in=pk_set).values_list("company_id", flat=True))
    else:  # a system role or permission lost all its users: whose they were is gone
        setup_changed()


@receiver(m2m_changed, sender=Group.permissions.through)
def role_permissions_changed(sender: Any, action: str, **kwargs: Any) -> None:
    """System roles are shared by every company: a change of what one grants changes every company's."""
    if action in CHANGED:
        setup_changed()


@receiver(post_delete, sender=Group)
@receiver(post_delete, sender=Permission)
def role_or_permission_deleted(sender: Any, **kwargs: Any) -> None:
    """Its links to users and roles go with it, without an m2m signal."""
    setup_changed()
