from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.db.models.signals import post_migrate


def _load_demo_directory(sender: Any, **kwargs: Any) -> None:
    # `harbour serve` in demo mode migrates, then loads the demo cases
    # (cases.demo); the directory loads here, after the migration, so that
    # neither app's demo code needs to know about the other.
    if settings.DEMO_MODE and not settings.PRODUCTION:
        from harbour.directory.seed import load_demo_directory

        load_demo_directory()


class DirectoryConfig(AppConfig):
    name = "harbour.directory"
    label = "directory"

    def ready(self) -> None:
        post_migrate.connect(_load_demo_directory, sender=self, dispatch_uid="directory-demo-seed")
