from django.urls import path

from harbour.screening import views

app_name = "screening"
ASSESSMENT = "cases/<uuid:case_id>/screening/<uuid:assessment_id>/"
urlpatterns = [
    path("cases/<uuid:case_id>/screening/new/", views.assessment_start, name="assessment_start"),
    path(ASSESSMENT, views.assessment_result, name="assessment_result"),
    path(ASSESSMENT + "facts/", views.assessment_facts, name="assessment_facts"),
    path(ASSESSMENT + "step/<int:step>/", views.assessment_step, name="assessment_step"),
    path(ASSESSMENT + "complete/", views.assessment_complete, name="assessment_complete"),
    path(ASSESSMENT + "summary/", views.assessment_summary, name="assessment_summary"),
    path(ASSESSMENT + "summary.docx", views.assessment_summary_docx, name="assessment_docx"),
]
