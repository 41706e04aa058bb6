from django.apps import AppConfig


class PracticeConfig(AppConfig):
    name = "backcare.practice"
    label = "practice"
