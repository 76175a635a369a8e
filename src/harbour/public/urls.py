from django.urls import path, register_converter

from harbour.public import views
from harbour.public.languages import CODES


class LanguageConverter:
    """Only the public site's languages: any other code is a plain 404."""

    regex = "|".join(code.replace("-", r"\-") for code in sorted(CODES, key=len, reverse=True))

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(LanguageConverter, "public_language")

app_name = "public"
urlpatterns = [
    path("", views.root, name="root"),
    path("<public_language:language_code>/", views.index, name="index"),
    path("<public_language:language_code>/signs/", views.signs, name="signs"),
    path("<public_language:language_code>/rights/", views.rights, name="rights"),
    path("<public_language:language_code>/self-check/", views.selfcheck, name="selfcheck"),
    path("<public_language:language_code>/get-help/", views.contacts, name="contacts"),
    path("<public_language:language_code>/services/", views.services, name="services"),
    path("<public_language:language_code>/statistics/", views.statistics, name="statistics"),
    path(
        "<public_language:language_code>/statistics/<slug:table>.csv",
        views.statistics_csv,
        name="statistics_csv",
    ),
]
