"""`harbour reminders`: one e-mail a day per person, a count and a link, no personal data."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from harbour.accounts.models import Role
from harbour.audit.models import AuditEvent
from harbour.audit.services import Actor
from harbour.cases import services
from harbour.cases.models import ReminderDigest


def in_days(days):
    return timezone.localdate() + datetime.timedelta(days=days)


@pytest.fixture
def with_email(caseworker, supervisor, intruder):
    for user in (caseworker, supervisor, intruder):
        user.email = f"{user.username}@example.org"
        user.save()


def run(*args):
    out = io.StringIO()
    call_command("reminders", *args, stdout=out)
    return out.getvalue()


def remind_today(user, case, title, days=3):
    return services.add_task(
        Actor(user=user),
        case,
        {"title": title, "due_on": in_days(days), "reminder_days": str(days)},
        assigned_to=user,
    )


def test_each_user_gets_one_email_with_a_count_and_no_personal_data(
    with_email, caseworker, supervisor, case, other_case, intruder
):
    remind_today(caseworker, case, "Call Rosa Example at the shelter")
    remind_today(caseworker, case, "Second task for Birch", days=1)
    remind_today(intruder, other_case, "Visit Spruce")
    services.add_task(  # no reminder today
        Actor(user=supervisor),
        case,
        {"title": "Later", "due_on": in_days(40)},
        assigned_to=supervisor,
    )
    output = run("--site-url", "https://harbour.example.org/")
    assert "2 reminder e-mail(s) sent" in output
    assert sorted(message.to[0] for message in mail.outbox) == [
        "casey@example.org",
        "intruder@example.org",
    ]
    casey = next(m for m in mail.outbox if m.to == ["casey@example.org"])
    assert "You have 2 tasks with a reminder today" in casey.body
    assert "https://harbour.example.org/accounts/login/" in casey.body
    for message in mail.outbox:
        text = message.subject + message.body
        for personal in ("Rosa", "Example", "Birch", "Spruce", "shelter", "HB-", str(case.pk)):
            assert personal not in text
    assert ReminderDigest.objects.count() == 2
    assert AuditEvent.objects.filter(action="reminder.send").count() == 2


def test_running_twice_a_day_sends_nothing_more(with_email, caseworker, case, intruder):
    remind_today(caseworker, case, "Call")
    run()
    assert len(mail.outbox) == 1
    output = run()
    assert "0 reminder e-mail(s) sent" in output
    assert len(mail.outbox) == 1
    # The next day is another day.
    services.add_task(
        Actor(user=caseworker),
        case,
        {"title": "Tomorrow's", "due_on": in_days(4), "reminder_days": "3"},
        assigned_to=caseworker,
    )
    run("--date", in_days(1).isoformat())
    assert len(mail.outbox) == 2


def test_dry_run_sends_and_records_nothing(with_email, caseworker, case, intruder):
    remind_today(caseworker, case, "Call")
    output = run("--dry-run")
    assert "would e-mail casey: 1" in output
    assert mail.outbox == []
    assert not ReminderDigest.objects.exists()


def test_done_tasks_users_without_email_and_lost_cases_get_nothing(
    with_email, caseworker, supervisor, make_user, organisation, case, intruder
):
    done = remind_today(caseworker, case, "Done already")
    services.complete_task(Actor(user=caseworker), done)
    no_mail = make_user("noemail", Role.SUPERVISOR, organisation)
    remind_today(no_mail, case, "No address")
    # A task whose case was since taken off the assignee is not theirs to hear about.
    remind_today(caseworker, case, "Was mine")
    services.update_case(Actor(user=supervisor), case, {}, assigned_to=[supervisor])
    run()
    assert mail.outbox == []


def test_a_bad_date_is_a_clear_error(db):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        run("--date", "tomorrow")
