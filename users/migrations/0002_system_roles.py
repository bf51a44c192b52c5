"""Create the five system-role groups and the permissions they grant."""

from django.db import migrations

ROLE_PERMISSIONS = {
    "admin": ["manage_team"],
    "user": ["submit_tickets"],
    "ticket_admin": ["manage_tickets", "view_definitions"],
    "task_worker": ["work_tasks"],
    "workflow_creator": ["design_workflows", "view_definitions"],
}
PERMISSION_NAMES = {
    "manage_team": "Can manage the company's users and company roles",
    "submit_tickets": "Can submit tickets and follow their own tickets",
    "manage_tickets": "Can run the ticket queue, review and retry errors",
    "work_tasks": "Can be assigned tasks and complete them",
    "view_definitions": "Can view workflow and ticket definitions",
    "design_workflows": "Can create and edit workflow and ticket definitions",
}


def create_roles(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    # Permissions are normally made after migrate (post_migrate); make them now
    # so the groups can hold them. post_migrate later finds them in place.
    content_type, _ = ContentType.objects.get_or_create(app_label="users", model="company")
    permissions = {
        codename: Permission.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": name}
        )[0]
        for codename, name in PERMISSION_NAMES.items()
    }
    for role, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.add(*(permissions[codename] for codename in codenames))


def remove_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name__in=ROLE_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("users", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
