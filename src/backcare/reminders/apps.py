from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "backcare.reminders"
    label = "reminders"
