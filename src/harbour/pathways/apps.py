from django.apps import AppConfig


class PathwaysConfig(AppConfig):
    name = "harbour.pathways"
    label = "pathways"
