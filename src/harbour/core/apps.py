from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "harbour.core"
    label = "core"

    def ready(self) -> None:
        from harbour.core import checks  # noqa: F401 - registers the deploy checks
