from django.urls import path

from harbour.pathways import application_views, views

app_name = "pathways"
urlpatterns = [
    path("navigator/", views.navigator, name="navigator"),
    path("knowledge/", views.knowledge, name="knowledge"),
    path("cases/<uuid:case_id>/pathways/", views.case_navigator, name="case_navigator"),
    path("cases/<uuid:case_id>/pathways/deadlines/", views.case_deadlines, name="case_deadlines"),
    path(
        "cases/<uuid:case_id>/pathways/letters/<slug:letter>/",
        views.case_letter,
        name="case_letter",
    ),
    path(
        "cases/<uuid:case_id>/applications/new/",
        application_views.application_new,
        name="application_new",
    ),
    path(
        "cases/<uuid:case_id>/applications/<uuid:application_id>/",
        application_views.application_detail,
        name="application_detail",
    ),
    path(
        "cases/<uuid:case_id>/applications/<uuid:application_id>/edit/",
        application_views.application_edit,
        name="application_edit",
    ),
    path(
        "cases/<uuid:case_id>/applications/<uuid:application_id>/decision/",
        application_views.application_decision,
        name="application_decision",
    ),
]
