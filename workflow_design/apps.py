from django.apps import AppConfig


class WorkflowDesignConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "workflow_design"
    verbose_name = "Workflow design"
