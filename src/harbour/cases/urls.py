from django.urls import path

from harbour.cases import case_search, views

app_name = "cases"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("cases/", case_search.case_list, name="case_list"),
    path("cases/find/", views.case_find, name="case_find"),
    path("cases/new/", views.case_new, name="case_new"),
    path("cases/<uuid:case_id>/", views.case_detail, name="case_detail"),
    path("cases/<uuid:case_id>/edit/", views.case_edit, name="case_edit"),
    path("cases/<uuid:case_id>/notes/", views.note_add, name="note_add"),
    path("cases/<uuid:case_id>/access-log/", views.case_access_log, name="case_access_log"),
    path("cases/<uuid:case_id>/tasks/", views.task_add, name="task_add"),
    path("cases/<uuid:case_id>/tasks/<uuid:task_id>/edit/", views.task_edit, name="task_edit"),
    path(
        "cases/<uuid:case_id>/tasks/<uuid:task_id>/status/",
        views.task_status,
        name="task_status",
    ),
    path("cases/<uuid:case_id>/needs/", views.need_add, name="need_add"),
    path("cases/<uuid:case_id>/needs/<uuid:need_id>/", views.need_detail, name="need_detail"),
    path(
        "cases/<uuid:case_id>/needs/<uuid:need_id>/actions/",
        views.need_action_add,
        name="need_action_add",
    ),
    path("cases/<uuid:case_id>/documents/", views.document_list, name="document_list"),
    path(
        "cases/<uuid:case_id>/documents/<uuid:document_id>/",
        views.document_download,
        name="document_download",
    ),
    path(
        "cases/<uuid:case_id>/documents/<uuid:document_id>/delete/",
        views.document_delete,
        name="document_delete",
    ),
    path("cases/<uuid:case_id>/timeline/", views.case_timeline, name="case_timeline"),
    path("cases/<uuid:case_id>/closure/", views.closure_request, name="closure_request"),
    path(
        "cases/<uuid:case_id>/closure/<uuid:closure_id>/",
        views.closure_decide,
        name="closure_decide",
    ),
    path("cases/<uuid:case_id>/assign/", views.case_assign, name="case_assign"),
    path("cases/<uuid:case_id>/export/", views.case_export, name="case_export"),
    path("cases/<uuid:case_id>/retention/", views.case_retention, name="case_retention"),
    path("cases/<uuid:case_id>/legal-hold/", views.legal_hold, name="legal_hold"),
    path("team/", views.team, name="team"),
    path("retention/", views.retention_list, name="retention_list"),
    path("deadlines/", views.deadlines, name="deadlines"),
    path("deadlines/organisation/", views.organisation_deadlines, name="organisation_deadlines"),
    path("settings/calendar/", views.calendar_settings, name="calendar_settings"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("people/new/", views.person_new, name="person_new"),
    path("people/<uuid:person_id>/", views.person_detail, name="person_detail"),
    path("people/<uuid:person_id>/edit/", views.person_edit, name="person_edit"),
    path("people/<uuid:person_id>/consents/", views.consent_record, name="consent_record"),
    path(
        "people/<uuid:person_id>/consents/<uuid:consent_id>/withdraw/",
        views.consent_withdraw,
        name="consent_withdraw",
    ),
    path(
        "people/<uuid:person_id>/new-case/", views.case_new_for_person, name="case_new_for_person"
    ),
]
