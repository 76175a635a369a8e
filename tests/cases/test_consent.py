"""Consent per purpose: recording, withdrawal at once, and the helpers that
linkage, statistics and referrals ask."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from harbour.audit.models import AuditEvent
from harbour.audit.services import Actor
from harbour.cases import services
from harbour.cases.consent import has_consent, with_consent
from harbour.cases.models import Case, Consent, ConsentPurpose, Person, Task
from harbour.cases.services import InvalidConsent, NotAllowed
from tests.conftest import open_demo_case

LINKAGE = ConsentPurpose.NETWORK_LINKAGE


def actor_for(user):
    return Actor(user=user, ip_address="127.0.0.1")


def ago(days):
    return timezone.localdate() - datetime.timedelta(days=days)


def consent(user, person, purpose=LINKAGE, **kwargs):
    return services.record_consent(
        actor_for(user), person, purpose, method=kwargs.pop("method", "spoken"), **kwargs
    )


def test_recording_a_consent_keeps_date_method_and_who(caseworker, case, intruder):
    given = consent(caseworker, case.person, given_on=ago(3), method="interpreter")
    assert (given.given_on, given.method, given.recorded_by) == (ago(3), "interpreter", caseworker)
    assert has_consent(case.person, LINKAGE)
    assert has_consent(case.person, LINKAGE, on=ago(3))
    assert not has_consent(case.person, LINKAGE, on=ago(4))
    assert not has_consent(case.person, ConsentPurpose.RESEARCH)
    event = AuditEvent.objects.get(action="consent.record")
    assert event.object_id == str(case.person.pk)
    assert event.detail["purpose"] == "network_linkage"


def test_withdrawal_takes_effect_at_once_and_keeps_the_history(caseworker, supervisor, case):
    given = consent(caseworker, case.person, given_on=ago(10))
    assert with_consent(Person.objects.all(), LINKAGE).count() == 1
    assert services.withdraw_consent(actor_for(supervisor), given)
    assert not has_consent(case.person, LINKAGE)
    assert with_consent(Person.objects.all(), LINKAGE).count() == 0
    assert with_consent(Case.objects.all(), LINKAGE).count() == 0
    # It was in force before today, and the record is still there.
    assert has_consent(case.person, LINKAGE, on=ago(1))
    stored = Consent.objects.get()
    assert (stored.withdrawn_on, stored.withdrawn_by) == (timezone.localdate(), supervisor)
    assert not services.withdraw_consent(actor_for(supervisor), given)  # twice: nothing more
    assert AuditEvent.objects.filter(action="consent.withdraw").count() == 1


def test_consent_can_be_given_again_after_a_withdrawal(caseworker, case, intruder):
    first = consent(caseworker, case.person, given_on=ago(10))
    with pytest.raises(InvalidConsent) as problem:
        consent(caseworker, case.person)
    assert problem.value.field == "purpose"
    services.withdraw_consent(actor_for(caseworker), first)
    consent(caseworker, case.person)
    assert has_consent(case.person, LINKAGE)
    assert Consent.objects.count() == 2


def test_dates_that_make_no_sense_are_refused_naming_the_field(caseworker, case, intruder):
    with pytest.raises(InvalidConsent) as problem:
        consent(caseworker, case.person, given_on=timezone.localdate() + datetime.timedelta(days=1))
    assert problem.value.field == "given_on"
    with pytest.raises(InvalidConsent) as problem:
        consent(caseworker, case.person, method="telepathy")
    assert problem.value.field == "method"
    given = consent(caseworker, case.person, given_on=ago(2))
    with pytest.raises(InvalidConsent) as problem:
        services.withdraw_consent(actor_for(caseworker), given, withdrawn_on=ago(5))
    assert problem.value.field == "withdrawn_on"
    assert Consent.objects.get().withdrawn_on is None


def test_with_consent_filters_people_cases_and_what_hangs_on_them(caseworker, case, intruder):
    other = open_demo_case(caseworker, pseudonym="Cedar")
    consent(caseworker, case.person, ConsentPurpose.STATISTICS)
    consent(caseworker, other.person, ConsentPurpose.RESEARCH)
    stats = ConsentPurpose.STATISTICS
    assert list(with_consent(Person.objects.all(), stats)) == [case.person]
    assert list(with_consent(Case.objects.all(), stats)) == [case]
    services.add_task(actor_for(caseworker), other, {"title": "T", "due_on": ago(0)})
    services.add_task(actor_for(caseworker), case, {"title": "T", "due_on": ago(0)})
    assert [t.case for t in with_consent(Task.objects.all(), stats)] == [case]
    with pytest.raises(ValueError, match="purpose"):
        has_consent(case.person, "gossip")
    with pytest.raises(TypeError):
        with_consent(AuditEvent.objects.all(), stats)


def test_an_intruder_cannot_record_or_withdraw(caseworker, case, intruder, analyst):
    given = consent(caseworker, case.person)
    for outsider in (intruder, analyst):
        with pytest.raises(NotAllowed):
            consent(outsider, case.person, ConsentPurpose.RESEARCH)
        with pytest.raises(NotAllowed):
            services.withdraw_consent(actor_for(outsider), given)
    assert has_consent(case.person, LINKAGE)
    assert Consent.objects.count() == 1
