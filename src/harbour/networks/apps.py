from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.db.models.signals import post_migrate


def _load_demo_networks(sender: Any, **kwargs: Any) -> None:
    # Like the directory: in demo mode, after migrating, a few fictional
    # mentions across the demo cases (docs/networks.md, "Demo data").
    if settings.DEMO_MODE and not settings.PRODUCTION:
        from harbour.networks.demo import load_demo_mentions

        load_demo_mentions()


class NetworksConfig(AppConfig):
    name = "harbour.networks"
    label = "networks"

    def ready(self) -> None:
        post_migrate.connect(_load_demo_networks, sender=self, dispatch_uid="networks-demo-seed")
