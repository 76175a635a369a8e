from django.urls import path

from harbour.pathways import views

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
]
