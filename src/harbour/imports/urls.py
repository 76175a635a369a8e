from django.urls import path

from harbour.imports import views

app_name = "imports"
urlpatterns = [
    path("imports/", views.import_new, name="import_new"),
    path("imports/<uuid:job_id>/columns/", views.import_mapping, name="import_mapping"),
    path("imports/<uuid:job_id>/check/", views.import_preview, name="import_preview"),
    path("imports/<uuid:job_id>/start/", views.import_commit, name="import_commit"),
    path("imports/<uuid:job_id>/discard/", views.import_discard, name="import_discard"),
    path("imports/<uuid:job_id>/", views.import_progress, name="import_progress"),
]
