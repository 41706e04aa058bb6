from django.apps import AppConfig


class LibraryConfig(AppConfig):
    name = "backcare.library"
    label = "library"
