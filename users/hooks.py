"""Hooks other apps register to hear about team changes, so `users` needs to know nothing of them.

`workflow_ops` registers one that sends the open tasks of a deactivated worker, or
of one who lost a role, back through assignment. Hooks run inside the service's
transaction: a failing hook rolls the team change back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from users.models import User
    from users.services import Actor

MemberChangeHook = Callable[..., None]
_member_change_hooks: list[MemberChangeHook] = []


def register_member_change(hook: MemberChangeHook) -> None:
    """`hook(*, member, actor)` runs after a member is deactivated or their roles change."""
    if hook not in _member_change_hooks:
        _member_change_hooks.append(hook)


def member_changed(*, member: User, actor: Actor) -> None:
    for hook in _member_change_hooks:
        hook(member=member, actor=actor)
