from __future__ import annotations

from django.urls import reverse

from harbour.audit.models import AuditEvent
from harbour.cases.models import Case
from tests.conftest import open_demo_case


def test_caseworker_sees_own_case_in_list(signed_in, caseworker, case):
    response = signed_in(caseworker).get(reverse("cases:case_list"))
    assert response.status_code == 200
    assert b"Birch" in response.content


def test_it_hides_other_organisations_cases_from_the_list(signed_in, caseworker, case, other_case):
    response = signed_in(caseworker).get(reverse("cases:case_list"))
    assert b"Spruce" not in response.content


def test_another_organisations_case_answers_404(signed_in, intruder, case):
    response = signed_in(intruder).get(reverse("cases:case_detail", args=[case.pk]))
    assert response.status_code == 404
    assert b"Rosa" not in response.content


def test_reading_a_case_file_is_audited(signed_in, caseworker, case):
    signed_in(caseworker).get(reverse("cases:case_detail", args=[case.pk]))
    event = AuditEvent.objects.filter(action="case.view").get()
    assert event.actor == caseworker
    assert event.object_id == str(case.pk)


def test_caseworker_does_not_see_a_colleagues_case(signed_in, caseworker, make_user, organisation):
    from harbour.accounts.models import Role

    colleague = make_user("colleague", Role.CASEWORKER, organisation)
    theirs = open_demo_case(colleague, pseudonym="Hazel")
    response = signed_in(caseworker).get(reverse("cases:case_detail", args=[theirs.pk]))
    assert response.status_code == 404


def test_supervisor_sees_every_case_of_the_organisation(signed_in, supervisor, case):
    response = signed_in(supervisor).get(reverse("cases:case_detail", args=[case.pk]))
    assert response.status_code == 200
    assert b"Rosa Example" in response.content


def test_new_case_form_keeps_what_was_typed_and_saves_nothing_on_error(signed_in, caseworker):
    response = signed_in(caseworker).post(
        reverse("cases:case_new"),
        {
            "person-pseudonym": "",
            "person-legal_name": "Typed Name",
            "person-immigration_status": "unknown",
            "case-status": "intake",
            "case-province": "ON",
            "case-sector": "unknown",
            "case-opened_on": "not a date",
        },
    )
    assert response.status_code == 200
    assert b"Typed Name" in response.content
    assert b"This field is required" in response.content
    assert Case.objects.count() == 0


def test_search_by_phone_finds_the_case_without_the_number_in_the_url(signed_in, caseworker, case):
    client = signed_in(caseworker)
    response = client.post(reverse("cases:case_find"), {"kind": "phone", "value": "(416) 555-0142"})
    assert response.status_code == 200
    assert b"Birch" in response.content
    assert AuditEvent.objects.filter(action="case.search_identifier").exists()
