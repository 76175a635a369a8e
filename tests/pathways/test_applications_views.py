"""The application pages: recorded from the navigator or the case page, its
decision recorded and corrected, the protection history on the case page, an
audited read for every page that shows an application; an intruder from
another organisation gets 404 and an analyst 403 everywhere."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from harbour.audit.models import AuditEvent
from harbour.audit.services import Actor
from harbour.cases.models import Case
from harbour.pathways import applications
from harbour.pathways.models import Application, Decision
from tests.pathways.test_views import LOST_STATUS, navigator_url

pytestmark = pytest.mark.django_db

REFERENCE = "W307-556-881"


def today() -> datetime.date:
    return timezone.localdate()


def form_data(**changes: Any) -> dict[str, Any]:
    return {
        "pathway_id": "vtip_trp",
        "submitted_on": (today() - datetime.timedelta(days=10)).isoformat(),
        "submitted_by": "organisation",
        "reference_number": REFERENCE,
        "documents_sent": "Support letter",
        **changes,
    }


def new_url(case: Case) -> str:
    return reverse("pathways:application_new", args=[case.pk])


def page_urls(application: Application) -> list[str]:
    args = [application.case_id, application.pk]
    return [
        reverse("pathways:application_detail", args=args),
        reverse("pathways:application_edit", args=args),
        reverse("pathways:application_decision", args=args),
    ]


@pytest.fixture
def application(caseworker: Any, case: Case) -> Application:
    return applications.record_application(
        Actor(user=caseworker),
        case,
        {
            "pathway_id": "vtip_trp",
            "submitted_on": today() - datetime.timedelta(days=10),
            "submitted_by": "lawyer",
            "reference_number": REFERENCE,
        },
    )


def test_each_pathway_in_the_navigator_links_to_recording_an_application_for_it(
    caseworker: Any, case: Case, signed_in: Any, intruder: Any
) -> None:
    client = signed_in(caseworker)
    client.post(navigator_url(case), LOST_STATUS)
    page = client.get(navigator_url(case, as_of=LOST_STATUS["as_of"])).content.decode()
    assert f'{new_url(case)}?pathway=vtip_trp"' in page
    assert f'{new_url(case)}?pathway=restoration_of_status"' in page
    form = client.get(new_url(case) + "?pathway=vtip_trp").context["form"]
    assert form["pathway_id"].value() == "vtip_trp"
    assert form["submitted_on"].value() == today()
    # An unknown pathway in the link is simply not preselected.
    assert client.get(new_url(case) + "?pathway=nope").context["form"]["pathway_id"].value() is None


def test_the_standalone_navigator_has_no_application_link(
    caseworker: Any, signed_in: Any, intruder: Any
) -> None:
    page = signed_in(caseworker).post(reverse("pathways:navigator"), LOST_STATUS)
    assert page.status_code == 200
    assert "/applications/new/" not in page.content.decode()


def test_recording_an_application_from_the_case_saves_it_and_shows_it_in_the_history(
    caseworker: Any, case: Case, signed_in: Any, intruder: Any
) -> None:
    client = signed_in(caseworker)
    response = client.post(new_url(case), form_data())
    application = Application.objects.get()
    assert response.status_code == 302
    assert response["Location"] == page_urls(application)[0]
    assert REFERENCE not in response["Location"]
    assert application.reference_number == REFERENCE
    case_page = client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    assert "Applications and decisions" in case_page
    assert page_urls(application)[0] in case_page
    assert "Waiting for a decision" in case_page
    assert REFERENCE not in case_page  # only on the application's own, audited, page
    assert "Check the status of the application" in case_page  # the follow-up task


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"pathway_id": "not_a_pathway"}, "pathway_id"),
        ({"submitted_on": "2026-02-30"}, "submitted_on"),
        ({"submitted_on": ""}, "submitted_on"),
        ({"submitted_by": ""}, "submitted_by"),
    ],
)
def test_a_bad_application_form_names_the_field_and_saves_nothing(
    caseworker: Any, case: Case, signed_in: Any, intruder: Any, changes: Any, field: str
) -> None:
    response = signed_in(caseworker).post(new_url(case), form_data(**changes))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not Application.objects.exists()
    assert not case.tasks.exists()


def test_a_future_submission_date_is_named_by_the_service_on_its_field(
    caseworker: Any, case: Case, signed_in: Any, intruder: Any
) -> None:
    future = (today() + datetime.timedelta(days=3)).isoformat()
    response = signed_in(caseworker).post(new_url(case), form_data(submitted_on=future))
    assert response.status_code == 400
    assert "in the future" in response.context["form"].errors["submitted_on"][0]
    assert not Application.objects.exists()


def test_the_decision_is_recorded_and_its_renewal_tasks_appear(
    caseworker: Any, application: Application, signed_in: Any, intruder: Any
) -> None:
    client = signed_in(caseworker)
    ends = today() + datetime.timedelta(days=180)
    url = page_urls(application)[2]
    response = client.post(
        url,
        {
            "outcome": "granted",
            "decided_on": today().isoformat(),
            "valid_until": ends.isoformat(),
            "conditions": "Report monthly",
        },
    )
    assert response.status_code == 302
    decision = Decision.objects.get(application=application)
    assert decision.valid_until == ends and decision.conditions == "Report monthly"
    detail = client.get(page_urls(application)[0]).content.decode()
    assert "Granted" in detail and REFERENCE in detail and "Report monthly" in detail
    assert "ends in 90 days" in detail and "ends in 7 days" in detail


def test_a_decision_before_the_submission_is_refused_on_its_field(
    caseworker: Any, application: Application, signed_in: Any, intruder: Any
) -> None:
    before = (application.submitted_on - datetime.timedelta(days=1)).isoformat()
    response = signed_in(caseworker).post(
        page_urls(application)[2], {"outcome": "refused", "decided_on": before}
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "before the application was submitted" in errors["decided_on"][0]
    assert not Decision.objects.exists()


def test_the_edit_page_corrects_the_application(
    caseworker: Any, application: Application, signed_in: Any, intruder: Any
) -> None:
    client = signed_in(caseworker)
    form = client.get(page_urls(application)[1]).context["form"]
    assert form["reference_number"].value() == REFERENCE
    response = client.post(page_urls(application)[1], form_data(reference_number="W999"))
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.reference_number == "W999"
    assert application.submitted_by == "organisation"


def test_every_page_showing_an_application_is_an_audited_read(
    caseworker: Any, application: Application, signed_in: Any, intruder: Any
) -> None:
    client = signed_in(caseworker)
    for url in page_urls(application):
        assert client.get(url).status_code == 200
    reads = AuditEvent.objects.filter(action="pathways.application.view")
    assert reads.count() == 3
    assert {event.object_id for event in reads} == {str(application.case_id)}
    assert all(REFERENCE not in repr(event.detail) for event in reads)


def test_an_intruder_gets_404_and_an_analyst_403_on_every_application_page(
    application: Application, case: Case, intruder: Any, analyst: Any, signed_in: Any
) -> None:
    outsider = signed_in(intruder)
    for url in [new_url(case), *page_urls(application)]:
        assert outsider.get(url).status_code == 404, url
    decision = {"outcome": "refused", "decided_on": today().isoformat()}
    assert outsider.post(new_url(case), form_data()).status_code == 404
    assert outsider.post(page_urls(application)[1], form_data()).status_code == 404
    assert outsider.post(page_urls(application)[2], decision).status_code == 404
    reader = signed_in(analyst)
    for url in [new_url(case), *page_urls(application)]:
        assert reader.get(url).status_code == 403, url
    assert Application.objects.count() == 1 and not Decision.objects.exists()
    assert not AuditEvent.objects.filter(action="pathways.application.view").exists()


def test_an_application_of_another_case_is_not_found_under_this_one(
    caseworker: Any, application: Application, signed_in: Any, intruder: Any
) -> None:
    from tests.conftest import open_demo_case

    other = open_demo_case(caseworker, pseudonym="Cedar")
    url = reverse("pathways:application_detail", args=[other.pk, application.pk])
    assert signed_in(caseworker).get(url).status_code == 404
