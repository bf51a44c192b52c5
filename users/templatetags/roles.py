from django import template

from users.roles import SystemRole

register = template.Library()


@register.filter
def system_role_label(group_name: str) -> str:
    """'task_worker' → 'Task worker'; unknown names are shown as they are."""
    try:
        return SystemRole(group_name).label
    except ValueError:
        return group_name
