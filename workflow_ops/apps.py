from django.apps import AppConfig


class WorkflowOpsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "workflow_ops"
    verbose_name = "Tickets and tasks"

    def ready(self) -> None:
        from users import dashboard, hooks
        from workflow_ops import checks  # noqa: F401 - registers the system checks
        from workflow_ops.dashboard import ops_cards
        from workflow_ops.engine.assignment import reassign_after_member_change

        dashboard.register(ops_cards)
        hooks.register_member_change(reassign_after_member_change)
