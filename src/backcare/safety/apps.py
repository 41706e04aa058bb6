from django.apps import AppConfig


class SafetyConfig(AppConfig):
    name = "backcare.safety"
    label = "safety"
