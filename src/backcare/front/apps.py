from django.apps import AppConfig


class FrontConfig(AppConfig):
    name = "backcare.front"
    label = "front"
