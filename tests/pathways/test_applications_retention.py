"""Applications under the case file's retention and key rotation: shredding a
case leaves nothing of its applications and decisions in the raw database,
and `harbour rotate-keys` re-encrypts their encrypted fields."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command

from harbour.audit.services import Actor
from harbour.cases import services
from harbour.pathways import applications
from harbour.pathways.models import Application, Decision
from tests.cases.test_shredding import TODAY, closed_case, raw_database
from tests.core.test_rotate_keys import key_file, keys_in, opens_with, raw_values  # noqa: F401

pytestmark = pytest.mark.django_db

REFERENCE = "TRP-88412-QX"
DOCUMENTS = "Statement of the person, medical note"
CONDITIONS = "Valid only while in Ontario"


@pytest.fixture
def document_root(tmp_path, settings):
    """Case documents (the shredded case file has one) in a folder of the test's own."""
    settings.DOCUMENT_ROOT = tmp_path / "documents"
    return settings.DOCUMENT_ROOT


def with_application(user, case, *, decided: bool = True) -> Application:
    actor = Actor(user=user)
    application = applications.record_application(
        actor,
        case,
        {
            "pathway_id": "vtip_trp",
            "submitted_on": datetime.date(2014, 3, 1),
            "submitted_by": "lawyer",
            "reference_number": REFERENCE,
            "documents_sent": DOCUMENTS,
        },
    )
    if decided:
        applications.record_decision(
            actor,
            application,
            {
                "outcome": "granted",
                "decided_on": datetime.date(2014, 5, 1),
                "valid_until": datetime.date(2014, 11, 1),
                "conditions": CONDITIONS,
            },
        )
    return application


def test_shredding_a_case_leaves_nothing_of_its_applications_in_the_raw_database(
    caseworker, supervisor, intruder, django_capture_on_commit_callbacks
):
    from tests.conftest import open_demo_case

    case = open_demo_case(caseworker, pseudonym="Birch")
    with_application(caseworker, case)
    services.update_case(
        Actor(user=supervisor), case, {"status": "closed", "closed_on": datetime.date(2015, 6, 1)}
    )
    # The other organisation's application stays.
    kept = with_application(intruder, open_demo_case(intruder, pseudonym="Spruce"), decided=False)
    ours = {
        location: raw
        for location, raw in raw_values().items()
        if location[0] in ("pathways_application", "pathways_decision")
        and location[2] != str(kept.pk).replace("-", "")
        and location[2] != str(kept.pk)
    }
    assert len(ours) == 3  # reference number, documents, conditions
    before = raw_database()
    assert all(raw.encode() in before for raw in ours.values())

    with django_capture_on_commit_callbacks(execute=True):
        services.shred_case(Actor.system("shred"), case, on=TODAY)

    after = raw_database()
    for raw in ours.values():
        assert raw.encode() not in after
    for secret in (REFERENCE, DOCUMENTS, CONDITIONS):
        assert secret.encode() not in after
    assert list(Application.objects.all()) == [kept]
    assert not Decision.objects.exists()


def test_shredding_still_works_with_the_rest_of_the_case_file(
    caseworker, supervisor, intruder, document_root
):
    case = closed_case(caseworker, supervisor)
    with_application(caseworker, case)
    report = services.shred_case(Actor.system("shred"), case, on=TODAY)
    assert report.person_removed
    assert not Application.objects.exists()


def test_rotate_keys_reencrypts_applications_and_decisions(key_file, caseworker, case, intruder):  # noqa: F811
    path, old = key_file
    application = with_application(caseworker, case)
    ours = {
        location: raw
        for location, raw in raw_values().items()
        if location[0] in ("pathways_application", "pathways_decision")
    }
    assert len(ours) == 3

    call_command("rotate_keys", stdout=io.StringIO())

    (new,) = keys_in(path)
    after = raw_values()
    for location, raw in ours.items():
        assert after[location] != raw
        assert opens_with(new, after[location]) and not opens_with(old, after[location])
    stored = Application.objects.select_related("decision").get(pk=application.pk)
    assert stored.reference_number == REFERENCE and stored.documents_sent == DOCUMENTS
    assert stored.decision.conditions == CONDITIONS
