from django.urls import path

from harbour.networks import views

app_name = "networks"
urlpatterns = [
    path("cases/<uuid:case_id>/mentions/", views.mention_list, name="mention_list"),
    path(
        "cases/<uuid:case_id>/mentions/<uuid:mention_id>/edit/",
        views.mention_edit,
        name="mention_edit",
    ),
    path(
        "cases/<uuid:case_id>/mentions/<uuid:mention_id>/delete/",
        views.mention_delete,
        name="mention_delete",
    ),
    path(
        "cases/<uuid:case_id>/mentions/<uuid:mention_id>/split/",
        views.mention_split,
        name="mention_split",
    ),
    path("entities/<uuid:entity_id>/", views.entity_detail, name="entity_detail"),
    path("entities/<uuid:entity_id>/merge/", views.entity_merge, name="entity_merge"),
    path("networks/", views.network_list, name="network_list"),
    path("networks/linkage/", views.linkage_run, name="linkage_run"),
    path("networks/sharing/", views.sharing, name="sharing"),
    path("networks/<uuid:network_id>/", views.network_detail, name="network_detail"),
]
