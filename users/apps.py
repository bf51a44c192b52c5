from django.apps import AppConfig


class UsersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "users"
    verbose_name = "Companies and users"

    def ready(self) -> None:
        from users import dashboard, signals  # noqa: F401 (signals: connects its receivers)

        dashboard.register(dashboard.team_cards)
