from django.apps import AppConfig


class RoutinesConfig(AppConfig):
    name = "backcare.routines"
    label = "routines"
