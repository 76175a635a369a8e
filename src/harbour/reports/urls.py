from django.urls import path  # noqa: F401

from harbour.reports import htcds_views

app_name = "reports"
urlpatterns: list = []

# --- HTCDS export ---
urlpatterns += [
    path("reports/htcds/", htcds_views.htcds_export_page, name="htcds_export"),
    path("reports/htcds/schema.json", htcds_views.htcds_schema, name="htcds_schema"),
    path("reports/htcds/grants/", htcds_views.htcds_grants, name="htcds_grants"),
]
