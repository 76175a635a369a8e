from django.apps import AppConfig

# Changes to these move the data version that cached dashboards key on.
COUNTED_MODELS = (
    "cases.Person",
    "cases.Case",
    "cases.Consent",
    "directory.Referral",
    "directory.OutsideReferral",
    "networks.Mention",
    "networks.Entity",
    "screening.Assessment",
    "pathways.Application",
    "pathways.Decision",
)


class ReportsConfig(AppConfig):
    name = "harbour.reports"
    label = "reports"

    def ready(self) -> None:
        from django.apps import apps
        from django.db.models.signals import post_delete, post_save

        from harbour.reports.services import bump_data_version

        def moved(**kwargs: object) -> None:
            bump_data_version()

        self._moved = moved  # signals hold weak references
        for label in COUNTED_MODELS:
            model = apps.get_model(label)
            post_save.connect(moved, sender=model, dispatch_uid=f"reports-version-{label}-save")
            post_delete.connect(moved, sender=model, dispatch_uid=f"reports-version-{label}-delete")
