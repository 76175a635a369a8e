from django.urls import path

from harbour.cases import views

app_name = "cases"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("cases/", views.case_list, name="case_list"),
    path("cases/find/", views.case_find, name="case_find"),
    path("cases/new/", views.case_new, name="case_new"),
    path("cases/<uuid:case_id>/", views.case_detail, name="case_detail"),
    path("cases/<uuid:case_id>/edit/", views.case_edit, name="case_edit"),
    path("cases/<uuid:case_id>/notes/", views.note_add, name="note_add"),
    path("cases/<uuid:case_id>/access-log/", views.case_access_log, name="case_access_log"),
    path("people/new/", views.person_new, name="person_new"),
    path("people/<uuid:person_id>/", views.person_detail, name="person_detail"),
    path("people/<uuid:person_id>/edit/", views.person_edit, name="person_edit"),
    path(
        "people/<uuid:person_id>/new-case/", views.case_new_for_person, name="case_new_for_person"
    ),
]
