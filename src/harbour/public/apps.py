from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "harbour.public"
    label = "public"
