from django.urls import path

from harbour.directory import referral_views, views

app_name = "directory"
urlpatterns = [
    path("directory/", views.service_list, name="service_list"),
    path("directory/new/", views.service_new, name="service_new"),
    path("directory/import/", views.service_import, name="service_import"),
    path("directory/import/commit/", views.service_import_commit, name="service_import_commit"),
    path("directory/<uuid:service_id>/", views.service_detail, name="service_detail"),
    path("directory/<uuid:service_id>/edit/", views.service_edit, name="service_edit"),
    path("directory/<uuid:service_id>/active/", views.service_active, name="service_active"),
    # Referrals and transfers (docs/referrals.md).
    path("referrals/", referral_views.inbox, name="inbox"),
    path("referrals/<uuid:referral_id>/", referral_views.referral_detail, name="referral_detail"),
    path(
        "referrals/<uuid:referral_id>/status/",
        referral_views.referral_status,
        name="referral_status",
    ),
    path(
        "cases/<uuid:case_id>/referrals/",
        referral_views.case_referrals,
        name="case_referrals",
    ),
    path(
        "cases/<uuid:case_id>/referrals/refer/",
        referral_views.referral_create,
        name="referral_create",
    ),
    path(
        "cases/<uuid:case_id>/referrals/transfer/",
        referral_views.transfer_create,
        name="transfer_create",
    ),
    path(
        "cases/<uuid:case_id>/referrals/outside/",
        referral_views.outside_create,
        name="outside_create",
    ),
    path(
        "cases/<uuid:case_id>/referrals/outside/<uuid:outside_id>/",
        referral_views.outside_status,
        name="outside_status",
    ),
]
