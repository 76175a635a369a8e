from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "harbour.screening"
    label = "screening"
