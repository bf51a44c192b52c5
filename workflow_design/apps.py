from django.apps import AppConfig


class WorkflowDesignConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "workflow_design"
    verbose_name = "Workflow design"

    def ready(self) -> None:
        from users import dashboard
        from workflow_design import signals  # noqa: F401 (signals: connects its receivers)
        from workflow_design.dashboard import design_cards

        dashboard.register(design_cards)
