from django.urls import include, path
from django.views.i18n import set_language

from harbour.api.api import api

urlpatterns = [
    path("accounts/", include("harbour.accounts.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/v1/", api.urls),
    path("", include("harbour.cases.urls")),
    path("", include("harbour.screening.urls")),
    path("", include("harbour.directory.urls")),
    path("", include("harbour.imports.urls")),
    path("", include("harbour.pathways.urls")),
    path("", include("harbour.networks.urls")),
    path("", include("harbour.reports.urls")),
    path("help/", include("harbour.public.urls")),
]

handler403 = "harbour.core.views.permission_denied"
handler404 = "harbour.core.views.page_not_found"
handler500 = "harbour.core.views.server_error"
