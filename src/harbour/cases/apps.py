from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "harbour.cases"
    label = "cases"
