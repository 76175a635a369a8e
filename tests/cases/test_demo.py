"""The fictional demo data set (`harbour demo`)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from harbour.accounts.models import Membership, Organisation, Role, User
from harbour.audit.models import AuditEvent
from harbour.audit.services import verify_chain
from harbour.cases.demo import ACCOUNTS, DEMO_PASSWORD, load_demo
from harbour.cases.models import Case, ExploitationForm, Note, Person


@pytest.fixture
def demo(db):
    stdout = io.StringIO()
    call_command("demo", stdout=stdout)
    return stdout.getvalue()


def test_demo_loads_about_thirty_cases_and_prints_the_logins(demo):
    assert 25 <= Case.objects.count() <= 40
    assert "Loaded" in demo
    assert DEMO_PASSWORD in demo
    for account in ACCOUNTS:
        assert account.username in demo


def test_demo_is_idempotent(demo):
    counts = (
        Organisation.objects.count(),
        User.objects.count(),
        Person.objects.count(),
        Case.objects.count(),
        Note.objects.count(),
        AuditEvent.objects.count(),
    )
    stdout = io.StringIO()
    call_command("demo", stdout=stdout)
    assert "already loaded" in stdout.getvalue()
    assert load_demo() == 0
    assert counts == (
        Organisation.objects.count(),
        User.objects.count(),
        Person.objects.count(),
        Case.objects.count(),
        Note.objects.count(),
        AuditEvent.objects.count(),
    )


def test_demo_creates_organisations_in_different_provinces(demo):
    provinces = set(Organisation.objects.values_list("province", flat=True))
    assert Organisation.objects.count() >= 2
    assert len(provinces) >= 2


def test_demo_creates_a_user_of_each_role(demo):
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == set(Role.values)


def test_demo_cases_are_spread_over_at_least_two_organisations(demo):
    assert Case.objects.values("organisation").distinct().count() >= 2


@pytest.mark.parametrize(
    "form",
    [
        ExploitationForm.LABOUR_TRAFFICKING,
        ExploitationForm.SEXUAL_EXPLOITATION,
        ExploitationForm.DOMESTIC_SERVITUDE,
        ExploitationForm.WORKER_AT_RISK,
    ],
)
def test_demo_covers_each_main_form_of_exploitation(demo, form):
    assert Case.objects.filter(exploitation_forms__contains=f"|{form.value}|").exists()


def test_demo_people_are_marked_fictional(demo):
    for person in Person.objects.all():
        assert "(fictional)" in person.legal_name
        assert person.identity_document_number.startswith("DEMO")
        assert "555 01" in person.phone


def test_demo_accounts_sign_in_with_the_demo_password(demo):
    assert User.objects.get(username="caseworker").check_password(DEMO_PASSWORD)


def test_demo_leaves_an_intact_audit_chain(demo):
    assert verify_chain().intact


def test_demo_is_refused_in_production(db, settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        call_command("demo", stdout=io.StringIO())
    assert not Organisation.objects.exists()


def test_demo_has_tasks_some_of_them_overdue_and_permit_warnings(demo):
    import datetime

    from harbour.cases.models import Task, TaskStatus

    open_tasks = Task.objects.filter(status=TaskStatus.OPEN)
    assert open_tasks.filter(source="").count() >= 10
    assert open_tasks.filter(source="", due_on__lt=datetime.date.today()).exists()
    assert open_tasks.filter(source__startswith="permit_expiry:").exists()
    for task in Task.objects.all():
        assert task.case.organisation == task.assigned_to.membership.organisation


def test_demo_has_needs_with_plan_actions_spread_over_the_stages(demo):
    from harbour.cases import plan
    from harbour.cases.models import Need, Task

    assert Need.objects.values("case").distinct().count() >= 5
    actions = Task.objects.filter(need__isnull=False)
    assert actions.exists()
    assert all(task.need.case_id == task.case_id for task in actions)
    stages = {plan.reading_of(case).stage for case in Case.objects.all()}
    assert {"intake", "assessment", "planning", "protection", "closed"} <= stages
