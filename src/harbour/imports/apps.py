from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "harbour.imports"
    label = "imports"
