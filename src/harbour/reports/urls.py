from django.urls import URLPattern, path

from harbour.reports import htcds_views, views

app_name = "reports"
urlpatterns: list[URLPattern] = [
    path("reports/", views.dashboard, name="dashboard"),
    path("reports/tables/<slug:table>.csv", views.dashboard_table_csv, name="dashboard_table_csv"),
    path("reports/gap/", views.gap_page, name="gap"),
    path("reports/gap/<slug:table>.csv", views.gap_table_csv, name="gap_table_csv"),
    path("reports/releases/", views.release_list, name="release_list"),
    path("reports/releases/<uuid:release_id>/", views.release_detail, name="release_detail"),
    path("reports/releases/<uuid:release_id>/public/", views.release_public, name="release_public"),
    path(
        "reports/releases/<uuid:release_id>/<slug:table>.csv",
        views.release_table_csv,
        name="release_table_csv",
    ),
]

# --- HTCDS export ---
urlpatterns += [
    path("reports/htcds/", htcds_views.htcds_export_page, name="htcds_export"),
    path("reports/htcds/schema.json", htcds_views.htcds_schema, name="htcds_schema"),
    path("reports/htcds/grants/", htcds_views.htcds_grants, name="htcds_grants"),
]
