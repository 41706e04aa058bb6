from django.apps import AppConfig


class TeamsConfig(AppConfig):
    name = "backcare.teams"
    default_auto_field = "django.db.models.BigAutoField"
