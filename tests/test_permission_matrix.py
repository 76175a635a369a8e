"""Who may do what, on every URL of Harbour: the access policy as one table.

POLICY maps each URL name to the checks made on it. A check is a method, whose
object the URL points at (our organisation's, another organisation's, or no
object), and the answer each kind of visitor must get, in this column order:

    anonymous  assigned  unassigned  supervisor  org_admin  analyst  platform_admin

* anonymous: nobody signed in (for the API: no bearer token);
* assigned: the caseworker the case is assigned to (and who registered the person);
* unassigned: a caseworker of the same organisation, not on the case;
* supervisor, org_admin: see every case of their own organisation;
* analyst, platform_admin: work with aggregates and accounts, never case files.

Web visitors are signed in with a verified second factor (tests.conftest.sign_in);
API visitors present a bearer token. A URL pattern with no entry in POLICY fails
test_every_url_pattern_has_a_policy_entry, so a new page cannot ship unreviewed.
"""

from __future__ import annotations

import datetime
import json
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any, NamedTuple
from urllib.parse import urlsplit

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, path, reverse

from harbour.accounts.models import Role, User
from harbour.api.models import ApiToken
from harbour.api.services import issue_token
from harbour.audit.services import Actor
from harbour.cases.models import Case, ClosureRequest, Consent, Note
from harbour.cases.services import add_task, identify_need, request_closure, upload_document
from harbour.networks.services import add_mention
from harbour.pathways.applications import record_application
from harbour.screening.models import Assessment
from harbour.screening.services import start_assessment
from harbour.urls import urlpatterns as harbour_urlpatterns
from tests.conftest import sign_in
from tests.directory.conftest import (
    incoming_referral,
    make_service,
    outgoing_referral,
    outside_referral,
)
from tests.imports.conftest import make_checked_job

# --- Vocabulary of the table ------------------------------------------------------------


@dataclass(frozen=True)
class Redirect:
    """A 302 to this path (query ignored); None accepts any target."""

    to: str | None

    def __repr__(self) -> str:
        return f"302→{self.to or '*'}"


@dataclass(frozen=True)
class Gap:
    """A known departure from the policy, reported and awaiting a fix.

    The table states what the policy wants; the test holds the current answer,
    so fixing the view makes this cell fail until it is turned into `want`.
    """

    want: int
    now: int

    def __repr__(self) -> str:
        return f"gap(want {self.want}, now {self.now})"


Expect = int | Redirect | Gap

LOGIN = Redirect("/accounts/login/")
HOME = Redirect("/")
TO_CASE = Redirect("/cases/{case_id}/")
TO_PERSON = Redirect("/people/{person_id}/")
TO_LIST = Redirect("/cases/")
ANYWHERE = Redirect(None)

OURS = "our organisation's object"
THEIRS = "another organisation's object"
NONE = "no object"


class Row(NamedTuple):
    anonymous: Expect
    assigned: Expect
    unassigned: Expect
    supervisor: Expect
    org_admin: Expect
    analyst: Expect
    platform_admin: Expect


def all_(expect: Expect) -> Row:
    return Row(*[expect] * len(Row._fields))


@dataclass(frozen=True)
class Check:
    method: str
    whose: str
    row: Row
    data: dict[str, Any] = field(default_factory=dict)


# Rows that recur, named for what they mean.
#                  anonymous assigned unassigned supervisor org_admin analyst platform_admin
CASE_WORK = Row(LOGIN, 200, 200, 200, 200, 403, 403)  # any case role, no object involved
OUR_FILE = Row(LOGIN, 200, 404, 200, 200, 403, 403)  # a case or person of ours
THEIR_FILE = Row(LOGIN, 404, 404, 404, 404, 403, 403)  # another organisation's: "not found"
WRONG_METHOD = Row(LOGIN, 405, 405, 405, 405, 403, 403)  # the role check comes first
ANY_STAFF = Row(LOGIN, 200, 200, 200, 200, 200, 200)  # every signed-in account
# The API answers 401 without a token and refuses non-case roles with 403.
API_WORK = Row(401, 200, 200, 200, 200, 403, 403)
API_CREATED = Row(401, 201, 201, 201, 201, 403, 403)
API_OUR_FILE = Row(401, 200, 404, 200, 200, 403, 403)
API_OUR_FILE_CREATED = Row(401, 201, 404, 201, 201, 403, 403)
API_THEIR_FILE = Row(401, 404, 404, 404, 404, 403, 403)
# Read-only pages accept only GET and HEAD; the method is checked before the object.
READ_ONLY_WRONG_METHOD = WRONG_METHOD
READ_ONLY_FILE_WRONG_METHOD = WRONG_METHOD
# Directory editors and importers: supervisors and organisation admins.
EDITORS = Row(LOGIN, 403, 403, 200, 200, 403, 403)
NOT_THEIR_EDITOR = Row(LOGIN, 403, 403, 403, 403, 403, 403)
THEIR_IMPORT = Row(LOGIN, 403, 403, 404, 404, 403, 403)
TO_SERVICE = Redirect("/directory/{service_id}/")
TO_IMPORT = Redirect("/directory/import/")
# Supervisors and organisation admins, on a case of their organisation.
SUPERVISES = Row(LOGIN, 403, 404, 200, 200, 403, 403)
TO_DOCUMENTS = Redirect("/cases/{case_id}/documents/")
TO_RETENTION = Redirect("/cases/{case_id}/retention/")
DECLINE = {"decision": "decline"}
HOLD = {"action": "set", "reason": "Court order"}
API_DOCUMENT = {"file_name": "note.txt", "content_base64": "aGVsbG8="}
ACTIVE = {"active": "1"}

CASE_FIELDS = {"status": "intake", "province": "ON", "sector": "unknown", "opened_on": "2026-03-02"}
TASK_DUE = datetime.date(2026, 6, 1)
TASK_FIELDS = {"task-title": "Call", "task-due_on": "2026-06-01", "task-reminder_days": "7"}
TASK_EDIT = {"title": "Call back", "due_on": "2026-06-02", "reminder_days": "1"}
COMPLETE = {"action": "complete"}
API_CONSENT = {"purpose": "research", "method": "spoken"}
CONSENT = {"consent-purpose": "research", "consent-method": "spoken"}
NEED = {"need-domain": "safety", "need-priority": "normal"}
NEED_UPDATE = {"priority": "high", "status": "in_progress", "note": ""}
ACTION = {"action-title": "Call", "action-due_on": "2026-06-01"}
API_ACTION = {"title": "Call", "due_on": "2026-06-01"}
START = {"interview_language": "en", "under_18": "no", "came_to_canada_from_abroad": "yes"}
FACTS = {"under_18": "no", "came_to_canada_from_abroad": "unknown"}
NEXT = {"action": "next"}  # a step with nothing answered: skipped, on to the next one
AS_OF = {"as_of": "2026-11-29"}  # the navigator's day; every fact unknown
APPLICATION = {"pathway_id": "vtip_trp", "submitted_on": "2026-01-05", "submitted_by": "person"}
API_APPLICATION = APPLICATION
DECISION = {"outcome": "refused", "decided_on": "2026-02-05"}
API_DECISION = DECISION
TO_APPLICATION = Redirect("/cases/{case_id}/applications/{application_id}/")
APPLICATION_ON_FILE = {
    "pathway_id": "vtip_trp",
    "submitted_on": datetime.date(2026, 1, 5),
    "submitted_by": "lawyer",
}
ASSESSMENT = "/cases/{case_id}/screening/{assessment_id}/"
TO_READING = Redirect(ASSESSMENT)
TO_STEP_2 = Redirect(ASSESSMENT + "step/2/")

TO_REFERRAL = Redirect("/referrals/{referral_id}/")
TO_REFERRALS = Redirect("/cases/{case_id}/referrals/")
CONTACTED = {"status": "contacted"}
UNKNOWN_RECEIVER = {"to_organisation": 2_147_483_647}

TO_MENTIONS = Redirect("/cases/{case_id}/mentions/")
TO_ENTITY = Redirect("/entities/{entity_id}/")
TO_SHARING = Redirect("/networks/sharing/")
NETWORK_READERS = Row(LOGIN, 403, 403, 200, 200, 200, 403)
API_NETWORK_READERS = Row(401, 403, 403, 200, 200, 200, 403)
API_MENTION = {"role": "recruiter", "name": "Bob Smith"}
REPORT_READERS = Row(LOGIN, 403, 403, 200, 200, 200, 403)
NO_SUCH_RELEASE = Row(LOGIN, 403, 403, 404, 404, 404, 404)

POLICY: dict[str, list[Check]] = {
    # --- Signing in and out: open to everyone, by design ---
    "accounts:login": [
        Check("GET", NONE, Row(200, HOME, HOME, HOME, HOME, HOME, HOME)),
        Check("POST", NONE, Row(200, HOME, HOME, HOME, HOME, HOME, HOME)),
        Check("PUT", NONE, all_(405)),
    ],
    # Without a pending password step there is nothing to verify or enrol.
    "accounts:verify": [
        Check("GET", NONE, all_(LOGIN)),
        Check("POST", NONE, all_(LOGIN), {"token": "123456"}),
        Check("PUT", NONE, all_(405)),
    ],
    "accounts:enrol": [
        Check("GET", NONE, all_(LOGIN)),
        Check("POST", NONE, all_(LOGIN), {"token": "123456"}),
        Check("PUT", NONE, all_(405)),
    ],
    "accounts:logout": [
        Check("GET", NONE, all_(405)),
        Check("POST", NONE, all_(LOGIN)),
    ],
    "accounts:password_change": [
        Check("GET", NONE, ANY_STAFF),
        Check("POST", NONE, ANY_STAFF),  # empty form: shown again with errors
        Check("PUT", NONE, Row(LOGIN, 405, 405, 405, 405, 405, 405)),
    ],
    "set_language": [
        Check("GET", NONE, all_(HOME)),  # Django's view: changes nothing on GET
        Check("POST", NONE, all_(Redirect("/cases/")), {"language": "fr", "next": "/cases/"}),
    ],
    # --- Case pages ---
    "cases:dashboard": [
        # Analysts and platform admins start on the statistics and the releases.
        Check(
            "GET",
            NONE,
            Row(LOGIN, 200, 200, 200, 200, Redirect("/reports/"), Redirect("/reports/releases/")),
        ),
        Check("DELETE", NONE, READ_ONLY_WRONG_METHOD),
    ],
    "cases:case_list": [
        Check("GET", NONE, CASE_WORK),
        # The search is a POST answered by the list's address without the text.
        Check(
            "POST",
            NONE,
            Row(LOGIN, TO_LIST, TO_LIST, TO_LIST, TO_LIST, 403, 403),
            {"q": "Birch", "status": "intake"},
        ),
        Check("DELETE", NONE, READ_ONLY_WRONG_METHOD),
    ],
    "cases:case_find": [
        Check("GET", NONE, WRONG_METHOD),
        Check("POST", NONE, CASE_WORK, {"kind": "phone", "value": "416-555-0142"}),
    ],
    "cases:case_new": [
        Check("GET", NONE, CASE_WORK),
        Check("POST", NONE, CASE_WORK),  # empty form: shown again, nothing saved
        Check("PUT", NONE, WRONG_METHOD),
    ],
    "cases:case_detail": [
        Check("GET", OURS, OUR_FILE),
        Check("GET", THEIRS, THEIR_FILE),
        Check("DELETE", OURS, READ_ONLY_FILE_WRONG_METHOD),
    ],
    "cases:case_edit": [
        Check("GET", OURS, OUR_FILE),
        Check("GET", THEIRS, THEIR_FILE),
        Check("POST", OURS, OUR_FILE),  # empty form: shown again
        Check("POST", THEIRS, THEIR_FILE),
        Check("PUT", OURS, WRONG_METHOD),
    ],
    "cases:note_add": [
        Check("GET", OURS, WRONG_METHOD),
        Check("GET", THEIRS, WRONG_METHOD),
        Check("POST", OURS, Row(LOGIN, TO_CASE, 404, TO_CASE, TO_CASE, 403, 403), {"body": "Hi"}),
        Check("POST", THEIRS, THEIR_FILE, {"body": "Hi"}),
    ],
    # Only supervisors and organisation admins read who opened a file.
    "cases:case_access_log": [
        Check("GET", OURS, Row(LOGIN, 403, 404, 200, 200, 403, 403)),
        Check("GET", THEIRS, THEIR_FILE),
        Check("DELETE", OURS, WRONG_METHOD),
    ],
    "cases:person_new": [
        Check("GET", NONE, CASE_WORK),
        Check("POST", NONE, CASE_WORK),
        Check("PUT", NONE, WRONG_METHOD),
    ],
    "cases:person_detail": [
        Check("GET", OURS, OUR_FILE),
        Check("GET", THEIRS, THEIR_FILE),
        Check("DELETE", OURS, READ_ONLY_FILE_WRONG_METHOD),
    ],
    "cases:person_edit": [
        Check("GET", OURS, OUR_FILE),
        Check("GET", THEIRS, THEIR_FILE),
        Check("POST", OURS, OUR_FILE),
        Check("POST", THEIRS, THEIR_FILE),
        Check("PUT", OURS, WRONG_METHOD),
    ],
    # --- Tasks and deadlines: a task is reached through its case ---
    "cases:task_add": [
        Check("POST", OURS, Row(LOGIN, TO_CASE, 404, TO_CASE, TO_CASE, 403, 403), TASK_FIELDS),
        Check("POST", THEIRS, THEIR_FILE, TASK_FIELDS),
        Check("GET", OURS, WRONG_METHOD),
    ],
    "cases:task_edit": [
        Check("GET", OURS, OUR_FILE),
        Check("GET", THEIRS, THEIR_FILE),
        Check("POST", OURS, Row(LOGIN, TO_CASE, 404, TO_CASE, TO_CASE, 403, 403), TASK_EDIT),
        Check("POST", THEIRS, THEIR_FILE, TASK_EDIT),
        Check("PUT", OURS, WRONG_METHOD),
    ],
    # Completing twice changes nothing and lands on the case again.
    "cases:task_status": [
        Check("POST", OURS, Row(LOGIN, TO_CASE, 404, TO_CASE, TO_CASE, 403, 403), COMPLETE),
        Check("POST", THEIRS, THEIR_FILE, COMPLETE),
        Check("GET", OURS, WRONG_METHOD),
    ],
    "cases:deadlines": [
        Check("GET", NONE, CASE_WORK),
        Check("POST", NONE, WRONG_METHOD),
    ],
    # The whole organisation's deadlines: supervisors and organisation admins.
    "cases:organisation_deadlines": [
        Check("GET", NONE, Row(LOGIN, 403, 403, 200, 200, 403, 403)),
        Check("POST", NONE, WRONG_METHOD),
    ],
    # A POST that makes an address answers with the page showing it (once).
    "cases:calendar_settings": [
        Check("GET", NONE, CASE_WORK),
        Check("POST", NONE, CASE_WORK, {"action": "create"}),
        Check("PUT", NONE, WRONG_METHOD),
    ],
    # No session: the secret token in the address is the credential; a wrong
    # one is "not found" for everyone.
    "cases:calendar_feed": [
        Check("GET", NONE, all_(404)),
        Check("POST", NONE, all_(405)),
    ],
    # Consent hangs on a person; recording it again while in force is refused
    # (the form is shown again), withdrawing twice changes nothing.
    "cases:consent_record": [
        Check("POST", OURS, Row(LOGIN, TO_PERSON, 404, 400, 400, 403, 403), CONSENT),
        Check("POST", THEIRS, THEIR_FILE, CONSENT),
        Check("GET", OURS, WRONG_METHOD),
    ],
    "cases:consent_withdraw": [
        Check("POST", OURS, Row(LOGIN, TO_PERSON, 404, TO_PERSON, TO_PERSON, 403, 403)),
        Check("POST", THEIRS, THEIR_FILE),
        Check("GET", OURS, WRONG_METHOD),
    ],
    # --- Needs and case plan: a need is reached through its case. The first
    # visitor adds the safety need; for later ones it is already open (400).
    "cases:need_add": [
        Check("POST", OURS, Row(LOGIN, TO_CASE, 404, 400, 400, 403, 403), NEED),
        Check("POST", THEIRS, THEIR_FILE, NEED),
        Check("GET", OURS, WRONG_METHOD),
    ],
    "cases:need_detail": [
        Check("GET", OURS, OUR_FILE),
        Check("GET", THEIRS, THEIR_FILE),
        Check("POST", OURS, Row(LOGIN, TO_CASE, 404, TO_CASE, TO_CASE, 403, 403), NEED_UPDATE),
        Check("POST", THEIRS, THEIR_FILE, NEED_UPDATE),
        Check("PUT", OURS, WRONG_METHOD),
    ],
    "cases:need_action_add": [
        Check("POST", OURS, Row(LOGIN, TO_CASE, 404, TO_CASE, TO_CASE, 403, 403), ACTION),
        Check("POST", THEIRS, THEIR_FILE, ACTION),
        Check("GET", OURS, WRONG_METHOD),
    ],
    "cases:case_new_for_person": [
        Check("GET", OURS, OUR_FILE),
        Check("GET", THEIRS, THEIR_FILE),
        Check("POST", OURS, Row(LOGIN, ANYWHERE, 404, ANYWHERE, ANYWHERE, 403, 403), CASE_FIELDS),
        Check("POST", THEIRS, THEIR_FILE, CASE_FIELDS),
        Check("PUT", OURS, WRONG_METHOD),
    ],
    # --- Documents, timeline, closure, supervision, export and retention ---
    "cases:document_list": [
        Check("GET", OURS, OUR_FILE),
        Check("GET", THEIRS, THEIR_FILE),
        Check("POST", OURS, Row(LOGIN, 400, 404, 400, 400, 403, 403)),  # no file: refused
        Check("POST", THEIRS, THEIR_FILE),
        Check("PUT", OURS, WRONG_METHOD),
    ],
    "cases:document_download": [
        Check("GET", OURS, OUR_FILE),
        Check("GET", THEIRS, THEIR_FILE),
        Check("DELETE", OURS, WRONG_METHOD),
    ],
    # The first deletion removes the document: later visitors find nothing.
    "cases:document_delete": [
        Check("POST", OURS, Row(LOGIN, TO_DOCUMENTS, 404, 404, 404, 403, 403)),
        Check("POST", THEIRS, THEIR_FILE),
        Check("GET", OURS, WRONG_METHOD),
    ],
    "cases:case_timeline": [
        Check("GET", OURS, OUR_FILE),
        Check("GET", THEIRS, THEIR_FILE),
        Check("DELETE", OURS, WRONG_METHOD),
    ],
    # A request already waits: asking again is refused with a message, on the case page.
    "cases:closure_request": [
        Check("POST", OURS, Row(LOGIN, TO_CASE, 404, TO_CASE, TO_CASE, 403, 403)),
        Check("POST", THEIRS, THEIR_FILE),
        Check("GET", OURS, WRONG_METHOD),
    ],
    # Supervisors and organisation admins decide; deciding twice lands on the case.
    "cases:closure_decide": [
        Check("POST", OURS, Row(LOGIN, 403, 404, TO_CASE, TO_CASE, 403, 403), DECLINE),
        Check("POST", THEIRS, THEIR_FILE, DECLINE),
        Check("GET", OURS, WRONG_METHOD),
    ],
    "cases:case_assign": [
        Check("GET", OURS, SUPERVISES),
        Check("GET", THEIRS, THEIR_FILE),
        Check("POST", OURS, Row(LOGIN, 403, 404, 400, 400, 403, 403)),  # nobody chosen
        Check("POST", THEIRS, THEIR_FILE),
        Check("PUT", OURS, WRONG_METHOD),
    ],
    "cases:case_export": [
        Check("GET", OURS, SUPERVISES),
        Check("GET", THEIRS, THEIR_FILE),
        Check("POST", OURS, Row(LOGIN, 403, 404, 400, 400, 403, 403)),  # no password
        Check("POST", THEIRS, THEIR_FILE),
        Check("PUT", OURS, WRONG_METHOD),
    ],
    "cases:case_retention": [
        Check("GET", OURS, SUPERVISES),
        Check("GET", THEIRS, THEIR_FILE),
        Check("DELETE", OURS, WRONG_METHOD),
    ],
    "cases:legal_hold": [
        Check("POST", OURS, Row(LOGIN, 403, 404, TO_RETENTION, TO_RETENTION, 403, 403), HOLD),
        Check("POST", THEIRS, THEIR_FILE, HOLD),
        Check("GET", OURS, WRONG_METHOD),
    ],
    "cases:team": [
        Check("GET", NONE, EDITORS),
        Check("POST", NONE, WRONG_METHOD),
    ],
    "cases:retention_list": [
        Check("GET", NONE, EDITORS),
        Check("POST", NONE, WRONG_METHOD),
    ],
    # --- Screening: every assessment is reached through its case ---
    "screening:assessment_start": [
        Check("GET", OURS, OUR_FILE),
        Check("GET", THEIRS, THEIR_FILE),
        Check("POST", OURS, Row(LOGIN, ANYWHERE, 404, ANYWHERE, ANYWHERE, 403, 403), START),
        Check("POST", THEIRS, THEIR_FILE, START),
        Check("PUT", OURS, WRONG_METHOD),
    ],
    "screening:assessment_step": [
        Check("GET", OURS, OUR_FILE),
        Check("GET", THEIRS, THEIR_FILE),
        Check("POST", OURS, Row(LOGIN, TO_STEP_2, 404, TO_STEP_2, TO_STEP_2, 403, 403), NEXT),
        Check("POST", THEIRS, THEIR_FILE, NEXT),
        Check("PUT", OURS, WRONG_METHOD),
    ],
    "screening:assessment_facts": [
        Check("GET", OURS, OUR_FILE),
        Check("GET", THEIRS, THEIR_FILE),
        Check("POST", OURS, Row(LOGIN, TO_READING, 404, TO_READING, TO_READING, 403, 403), FACTS),
        Check("POST", THEIRS, THEIR_FILE, FACTS),
        Check("PUT", OURS, WRONG_METHOD),
    ],
    "screening:assessment_result": [
        Check("GET", OURS, OUR_FILE),
        Check("GET", THEIRS, THEIR_FILE),
        Check("DELETE", OURS, READ_ONLY_FILE_WRONG_METHOD),
    ],
    # Completing twice changes nothing and lands on the reading again.
    "screening:assessment_complete": [
        Check("GET", OURS, WRONG_METHOD),
        Check("GET", THEIRS, WRONG_METHOD),
        Check("POST", OURS, Row(LOGIN, TO_READING, 404, TO_READING, TO_READING, 403, 403)),
        Check("POST", THEIRS, THEIR_FILE),
    ],
    "screening:assessment_summary": [
        Check("GET", OURS, OUR_FILE),
        Check("GET", THEIRS, THEIR_FILE),
        Check("DELETE", OURS, READ_ONLY_FILE_WRONG_METHOD),
    ],
    "screening:assessment_docx": [
        Check("GET", OURS, OUR_FILE),
        Check("GET", THEIRS, THEIR_FILE),
        Check("DELETE", OURS, READ_ONLY_FILE_WRONG_METHOD),
    ],
    # --- Protection navigator: standalone, from a case, and the rules ---
    "pathways:navigator": [
        Check("GET", NONE, CASE_WORK),
        Check("POST", NONE, CASE_WORK, {"as_of": "2026-11-29"}),  # evaluated, nothing stored
        Check("PUT", NONE, WRONG_METHOD),
    ],
    # The rules are public law: every signed-in account reads them.
    "pathways:knowledge": [
        Check("GET", NONE, ANY_STAFF),
        Check("POST", NONE, Row(LOGIN, 405, 405, 405, 405, 405, 405)),
    ],
    "pathways:case_navigator": [
        Check("GET", OURS, OUR_FILE),
        Check("GET", THEIRS, THEIR_FILE),
        Check("POST", OURS, Row(LOGIN, ANYWHERE, 404, ANYWHERE, ANYWHERE, 403, 403), AS_OF),
        Check("POST", THEIRS, THEIR_FILE, AS_OF),
        Check("PUT", OURS, WRONG_METHOD),
    ],
    "pathways:case_deadlines": [
        Check("GET", OURS, WRONG_METHOD),
        Check("POST", OURS, Row(LOGIN, ANYWHERE, 404, ANYWHERE, ANYWHERE, 403, 403), AS_OF),
        Check("POST", THEIRS, THEIR_FILE, AS_OF),
    ],
    "pathways:case_letter": [
        Check("GET", OURS, OUR_FILE),
        Check("GET", THEIRS, THEIR_FILE),
        Check("DELETE", OURS, READ_ONLY_FILE_WRONG_METHOD),
    ],
    # Applications for protection and their decisions: case files.
    "pathways:application_new": [
        Check("GET", OURS, OUR_FILE),
        Check("GET", THEIRS, THEIR_FILE),
        Check("POST", OURS, Row(LOGIN, ANYWHERE, 404, ANYWHERE, ANYWHERE, 403, 403), APPLICATION),
        Check("POST", THEIRS, THEIR_FILE, APPLICATION),
        Check("PUT", OURS, WRONG_METHOD),
    ],
    "pathways:application_detail": [
        Check("GET", OURS, OUR_FILE),
        Check("GET", THEIRS, THEIR_FILE),
        Check("DELETE", OURS, READ_ONLY_FILE_WRONG_METHOD),
    ],
    "pathways:application_edit": [
        Check("GET", OURS, OUR_FILE),
        Check("GET", THEIRS, THEIR_FILE),
        Check(
            "POST",
            OURS,
            Row(LOGIN, TO_APPLICATION, 404, *[TO_APPLICATION] * 2, 403, 403),
            APPLICATION,
        ),
        Check("POST", THEIRS, THEIR_FILE, APPLICATION),
        Check("PUT", OURS, WRONG_METHOD),
    ],
    "pathways:application_decision": [
        Check("GET", OURS, OUR_FILE),
        Check("GET", THEIRS, THEIR_FILE),
        Check(
            "POST", OURS, Row(LOGIN, TO_APPLICATION, 404, *[TO_APPLICATION] * 2, 403, 403), DECISION
        ),
        Check("POST", THEIRS, THEIR_FILE, DECISION),
        Check("PUT", OURS, WRONG_METHOD),
    ],
    # --- Services directory: read by every case role, kept by supervisors and
    # organisation admins of the organisation that maintains an entry ---
    "directory:service_list": [
        Check("GET", NONE, CASE_WORK),
        Check("DELETE", NONE, READ_ONLY_WRONG_METHOD),
    ],
    # Shared organisational data: another organisation's service reads the same.
    "directory:service_detail": [
        Check("GET", OURS, CASE_WORK),
        Check("GET", THEIRS, CASE_WORK),
        Check("DELETE", OURS, READ_ONLY_WRONG_METHOD),
    ],
    "directory:service_new": [
        Check("GET", NONE, EDITORS),
        Check("POST", NONE, EDITORS),  # empty form: shown again, nothing saved
        Check("PUT", NONE, WRONG_METHOD),
    ],
    # Readable by all, so another organisation's entry is refused (403), not hidden.
    "directory:service_edit": [
        Check("GET", OURS, EDITORS),
        Check("GET", THEIRS, NOT_THEIR_EDITOR),
        Check("POST", OURS, EDITORS),
        Check("POST", THEIRS, NOT_THEIR_EDITOR),
        Check("PUT", OURS, WRONG_METHOD),
    ],
    "directory:service_active": [
        Check("POST", OURS, Row(LOGIN, 403, 403, TO_SERVICE, TO_SERVICE, 403, 403), ACTIVE),
        Check("POST", THEIRS, NOT_THEIR_EDITOR, ACTIVE),
        Check("GET", OURS, WRONG_METHOD),
    ],
    "directory:service_import": [
        Check("GET", NONE, EDITORS),
        Check("POST", NONE, Row(LOGIN, 403, 403, 400, 400, 403, 403)),  # no file
        Check("PUT", NONE, WRONG_METHOD),
    ],
    "directory:service_import_commit": [
        Check("POST", NONE, Row(LOGIN, 403, 403, TO_IMPORT, TO_IMPORT, 403, 403)),  # no upload
        Check("GET", NONE, WRONG_METHOD),
    ],
    # --- Spreadsheet imports of people and cases: supervisors and org admins ---
    "imports:import_new": [
        Check("GET", NONE, EDITORS),
        Check("POST", NONE, Row(LOGIN, 403, 403, 400, 400, 403, 403)),  # no file
        Check("PUT", NONE, WRONG_METHOD),
    ],
    "imports:import_mapping": [
        Check("GET", OURS, EDITORS),
        Check("GET", THEIRS, THEIR_IMPORT),
        Check("POST", OURS, EDITORS),  # no pseudonym column chosen: shown again
        Check("POST", THEIRS, THEIR_IMPORT),
        Check("PUT", OURS, WRONG_METHOD),
    ],
    "imports:import_preview": [
        Check("GET", OURS, EDITORS),
        Check("GET", THEIRS, THEIR_IMPORT),
        Check("DELETE", OURS, WRONG_METHOD),
    ],
    # The first start queues the job; the second is refused and lands on the check.
    "imports:import_commit": [
        Check("POST", OURS, Row(LOGIN, 403, 403, ANYWHERE, ANYWHERE, 403, 403)),
        Check("POST", THEIRS, THEIR_IMPORT),
        Check("GET", OURS, WRONG_METHOD),
    ],
    # --- Referrals and transfers ---
    "directory:inbox": [
        Check("GET", NONE, CASE_WORK),
        Check("POST", NONE, WRONG_METHOD),
    ],
    "directory:referral_detail": [
        Check("GET", OURS, CASE_WORK),
        Check("GET", THEIRS, THEIR_FILE),
        Check("DELETE", OURS, READ_ONLY_WRONG_METHOD),
    ],
    # Accepting twice changes nothing and lands on the referral again.
    "directory:referral_status": [
        Check("POST", OURS, Row(LOGIN, *[TO_REFERRAL] * 4, 403, 403), {"action": "accept"}),
        Check("POST", THEIRS, THEIR_FILE, {"action": "accept"}),
        Check("GET", OURS, WRONG_METHOD),
    ],
    "directory:case_referrals": [
        Check("GET", OURS, OUR_FILE),
        Check("GET", THEIRS, THEIR_FILE),
        Check("DELETE", OURS, READ_ONLY_FILE_WRONG_METHOD),
    ],
    # Empty forms: shown again, nothing sent.
    "directory:referral_create": [
        Check("POST", OURS, Row(LOGIN, 400, 404, 400, 400, 403, 403)),
        Check("POST", THEIRS, THEIR_FILE),
        Check("GET", OURS, WRONG_METHOD),
    ],
    "directory:transfer_create": [
        Check("POST", OURS, Row(LOGIN, 400, 404, 400, 400, 403, 403)),
        Check("POST", THEIRS, THEIR_FILE),
        Check("GET", OURS, WRONG_METHOD),
    ],
    "directory:outside_create": [
        Check("POST", OURS, Row(LOGIN, 400, 404, 400, 400, 403, 403)),
        Check("POST", THEIRS, THEIR_FILE),
        Check("GET", OURS, WRONG_METHOD),
    ],
    "directory:outside_status": [
        Check(
            "POST",
            OURS,
            Row(LOGIN, TO_REFERRALS, 404, TO_REFERRALS, TO_REFERRALS, 403, 403),
            CONTACTED,
        ),
        Check("POST", THEIRS, THEIR_FILE, CONTACTED),
        Check("GET", OURS, WRONG_METHOD),
    ],
    "imports:import_discard": [
        Check("POST", OURS, Row(LOGIN, 403, 403, ANYWHERE, ANYWHERE, 403, 403)),
        Check("POST", THEIRS, THEIR_IMPORT),
        Check("GET", OURS, WRONG_METHOD),
    ],
    "imports:import_progress": [
        Check("GET", OURS, EDITORS),
        Check("GET", THEIRS, THEIR_IMPORT),
        Check("DELETE", OURS, WRONG_METHOD),
    ],
    "api:search_directory": [
        Check("GET", NONE, API_WORK),
        Check("PUT", NONE, all_(405)),
    ],
    "api:get_service": [
        Check("GET", OURS, API_WORK),
        Check("GET", THEIRS, API_WORK),
        Check("DELETE", OURS, all_(405)),
    ],
    # --- Networks (docs/networks.md): mentions live on the case; entity pages
    # for case staff who can open one of its cases; network pages for
    # supervisors, organisation admins and (as counts) coalition analysts ---
    "networks:mention_list": [
        Check("GET", OURS, OUR_FILE),
        Check("GET", THEIRS, THEIR_FILE),
        Check("POST", OURS, Row(LOGIN, 400, 404, 400, 400, 403, 403)),  # empty form
        Check("POST", THEIRS, THEIR_FILE),
        Check("PUT", OURS, WRONG_METHOD),
    ],
    "networks:mention_edit": [
        Check("GET", OURS, OUR_FILE),
        Check("GET", THEIRS, THEIR_FILE),
        Check("POST", OURS, Row(LOGIN, 400, 404, 400, 400, 403, 403)),  # empty form
        Check("POST", THEIRS, THEIR_FILE),
        Check("PUT", OURS, WRONG_METHOD),
    ],
    # The first removal deletes the mention: later visitors find nothing.
    "networks:mention_delete": [
        Check("POST", OURS, Row(LOGIN, TO_MENTIONS, 404, 404, 404, 403, 403)),
        Check("POST", THEIRS, THEIR_FILE),
        Check("GET", OURS, WRONG_METHOD),
    ],
    # Only supervisors and organisation admins correct linkage.
    "networks:mention_split": [
        Check("POST", OURS, Row(LOGIN, 403, 404, TO_MENTIONS, TO_MENTIONS, 403, 403)),
        Check("POST", THEIRS, THEIR_FILE),
        Check("GET", OURS, WRONG_METHOD),
    ],
    "networks:entity_detail": [
        Check("GET", OURS, OUR_FILE),
        Check("GET", THEIRS, THEIR_FILE),
        Check("DELETE", OURS, WRONG_METHOD),
    ],
    # Nothing chosen: back to the entity with a message.
    "networks:entity_merge": [
        Check("POST", OURS, Row(LOGIN, 403, 403, TO_ENTITY, TO_ENTITY, 403, 403)),
        Check("POST", THEIRS, Row(LOGIN, 403, 403, 404, 404, 403, 403)),
        Check("GET", OURS, Row(LOGIN, 403, 403, 405, 405, 403, 403)),
    ],
    "networks:network_list": [
        Check("GET", NONE, NETWORK_READERS),
        Check("POST", NONE, Row(LOGIN, 403, 403, 405, 405, 405, 403)),
    ],
    # THEIRS is a network of another organisation's cases only: analysts see
    # its counts, everyone else "not found".
    "networks:network_detail": [
        Check("GET", OURS, NETWORK_READERS),
        Check("GET", THEIRS, Row(LOGIN, 403, 403, 404, 404, 200, 403)),
        Check("POST", OURS, Row(LOGIN, 403, 403, 405, 405, 405, 403)),
    ],
    "networks:linkage_run": [
        Check("GET", NONE, EDITORS),
        Check("PUT", NONE, Row(LOGIN, 403, 403, 405, 405, 403, 403)),
    ],
    "networks:sharing": [
        Check("GET", NONE, EDITORS),
        Check("POST", NONE, Row(LOGIN, 403, 403, TO_SHARING, TO_SHARING, 403, 403)),
        Check("PUT", NONE, Row(LOGIN, 403, 403, 405, 405, 403, 403)),
    ],
    # --- Statistics (docs/reports.md): the live dashboard and the gap for
    # supervisors, organisation admins (their organisation) and analysts (all);
    # releases for them and platform admins, who alone publish. The release id
    # is one that does not exist: readers get "not found", others 403 ---
    "reports:dashboard": [
        Check("GET", NONE, REPORT_READERS),
        Check("POST", NONE, Row(LOGIN, 403, 403, 405, 405, 405, 403)),
    ],
    "reports:dashboard_table_csv": [
        Check("GET", NONE, REPORT_READERS),
        Check("POST", NONE, Row(LOGIN, 403, 403, 405, 405, 405, 403)),
    ],
    "reports:gap": [
        Check("GET", NONE, REPORT_READERS),
        Check("POST", NONE, Row(LOGIN, 403, 403, 405, 405, 405, 403)),
    ],
    "reports:gap_table_csv": [  # the fixed table is a dashboard table, not a gap table
        Check("GET", NONE, Row(LOGIN, 403, 403, 404, 404, 404, 403)),
    ],
    "reports:release_list": [
        Check("GET", NONE, Row(LOGIN, 403, 403, 200, 200, 200, 200)),
        Check("POST", NONE, Row(LOGIN, 403, 403, 403, 403, 403, 400)),  # empty form
        Check("PUT", NONE, Row(LOGIN, 403, 403, 405, 405, 405, 405)),
    ],
    "reports:release_detail": [
        Check("GET", NONE, NO_SUCH_RELEASE),
        Check("POST", NONE, Row(LOGIN, 403, 403, 405, 405, 405, 405)),
    ],
    "reports:release_table_csv": [Check("GET", NONE, NO_SUCH_RELEASE)],
    "reports:release_public": [
        Check("POST", NONE, Row(LOGIN, 403, 403, 403, 403, 403, 404)),
        Check("GET", NONE, Row(LOGIN, 403, 403, 403, 403, 403, 405)),
    ],
    # --- HTCDS export (docs/reports.md): supervisors and organisation admins
    # export their own organisation; the schema names fields, never data; only
    # the platform admin allows identified export to a partner.
    "reports:htcds_export": [
        Check("GET", NONE, EDITORS),
        Check("POST", NONE, EDITORS, {"format": "json"}),
        Check("PUT", NONE, Row(LOGIN, 403, 403, 405, 405, 403, 403)),
    ],
    "reports:htcds_schema": [
        Check("GET", NONE, ANY_STAFF),
        Check("POST", NONE, Row(LOGIN, 405, 405, 405, 405, 405, 405)),
    ],
    "reports:htcds_grants": [
        Check("GET", NONE, Row(LOGIN, 403, 403, 403, 403, 403, 200)),
        Check("POST", NONE, Row(LOGIN, 403, 403, 403, 403, 403, 400)),  # empty form
        Check("PUT", NONE, Row(LOGIN, 403, 403, 403, 403, 403, 405)),
    ],
    # --- API v1 (bearer tokens only) ---
    "api:api-root": [Check("GET", NONE, all_(404))],
    # The schema is public (no interactive docs page is served); it names
    # fields, never data. Reported for review.
    "api:openapi-json": [Check("GET", NONE, all_(200))],
    "api:list_cases": [
        Check("GET", NONE, API_WORK),
        Check("PUT", NONE, all_(405)),
    ],
    "api:create_case": [
        Check("POST", OURS, API_OUR_FILE_CREATED, {"person_id": "{person_id}"}),
        Check("POST", THEIRS, API_THEIR_FILE, {"person_id": "{person_id}"}),
    ],
    "api:get_case": [
        Check("GET", OURS, API_OUR_FILE),
        Check("GET", THEIRS, API_THEIR_FILE),
        Check("DELETE", OURS, all_(405)),
    ],
    "api:update_case": [
        Check("PATCH", OURS, API_OUR_FILE, {"summary": "Updated."}),
        Check("PATCH", THEIRS, API_THEIR_FILE, {"summary": "Updated."}),
    ],
    "api:list_people": [
        Check("GET", NONE, API_WORK),
        Check("PUT", NONE, all_(405)),
    ],
    "api:create_person": [Check("POST", NONE, API_CREATED, {"pseudonym": "Willow"})],
    "api:get_person": [
        Check("GET", OURS, API_OUR_FILE),
        Check("GET", THEIRS, API_THEIR_FILE),
        Check("DELETE", OURS, all_(405)),
    ],
    "api:evaluate_answers": [
        Check("POST", NONE, API_WORK, {"answers": {}}),  # reads answers, stores nothing
        Check("GET", NONE, all_(405)),
    ],
    "api:list_assessments": [
        Check("GET", OURS, API_OUR_FILE),
        Check("GET", THEIRS, API_THEIR_FILE),
        Check("PUT", OURS, all_(405)),
    ],
    "api:create_assessment": [
        Check("POST", OURS, API_OUR_FILE_CREATED, {"interview_language": "en"}),
        Check("POST", THEIRS, API_THEIR_FILE, {"interview_language": "en"}),
    ],
    "api:get_assessment": [
        Check("GET", OURS, API_OUR_FILE),
        Check("GET", THEIRS, API_THEIR_FILE),
        Check("DELETE", OURS, all_(405)),
    ],
    "api:list_case_tasks": [
        Check("GET", OURS, API_OUR_FILE),
        Check("GET", THEIRS, API_THEIR_FILE),
        Check("PUT", OURS, all_(405)),
    ],
    "api:create_task": [
        Check("POST", OURS, API_OUR_FILE_CREATED, {"title": "Call", "due_on": "2026-06-01"}),
        Check("POST", THEIRS, API_THEIR_FILE, {"title": "Call", "due_on": "2026-06-01"}),
    ],
    "api:list_my_tasks": [
        Check("GET", NONE, API_WORK),
        Check("PUT", NONE, all_(405)),
    ],
    "api:get_task": [
        Check("GET", OURS, API_OUR_FILE),
        Check("GET", THEIRS, API_THEIR_FILE),
        Check("DELETE", OURS, all_(405)),
    ],
    "api:update_task": [
        Check("PATCH", OURS, API_OUR_FILE, {"status": "done"}),
        Check("PATCH", THEIRS, API_THEIR_FILE, {"status": "done"}),
    ],
    "api:list_consents": [
        Check("GET", OURS, API_OUR_FILE),
        Check("GET", THEIRS, API_THEIR_FILE),
        Check("PUT", OURS, all_(405)),
    ],
    # The first recording creates it; while it is in force, another is a 409.
    "api:record_consent": [
        Check("POST", OURS, Row(401, 201, 404, 409, 409, 403, 403), API_CONSENT),
        Check("POST", THEIRS, API_THEIR_FILE, API_CONSENT),
    ],
    "api:withdraw_consent": [
        Check("POST", OURS, API_OUR_FILE, {}),
        Check("POST", THEIRS, API_THEIR_FILE, {}),
        Check("GET", OURS, all_(405)),
    ],
    "api:update_person": [
        Check("PATCH", OURS, API_OUR_FILE, {"languages": "Tagalog"}),
        Check("PATCH", THEIRS, API_THEIR_FILE, {"languages": "Tagalog"}),
    ],
    "api:evaluate_facts": [
        Check("POST", NONE, API_WORK, {"facts": {}}),  # reads facts, stores nothing
        Check("GET", NONE, all_(405)),
    ],
    "api:case_pathways": [
        Check("GET", OURS, API_OUR_FILE),
        Check("GET", THEIRS, API_THEIR_FILE),
        Check("DELETE", OURS, all_(405)),
    ],
    "api:list_applications": [
        Check("GET", OURS, API_OUR_FILE),
        Check("GET", THEIRS, API_THEIR_FILE),
        Check("DELETE", OURS, all_(405)),
    ],
    "api:create_application": [
        Check("POST", OURS, API_OUR_FILE_CREATED, API_APPLICATION),
        Check("POST", THEIRS, API_THEIR_FILE, API_APPLICATION),
    ],
    "api:get_application": [
        Check("GET", OURS, API_OUR_FILE),
        Check("GET", THEIRS, API_THEIR_FILE),
        Check("DELETE", OURS, all_(405)),
    ],
    "api:record_application_decision": [
        Check("PUT", OURS, API_OUR_FILE, API_DECISION),
        Check("PUT", THEIRS, API_THEIR_FILE, API_DECISION),
        Check("GET", OURS, all_(405)),
    ],
    # --- Documents, timeline, closure and assignment through the API ---
    "api:list_documents": [
        Check("GET", OURS, API_OUR_FILE),
        Check("GET", THEIRS, API_THEIR_FILE),
        Check("PUT", OURS, all_(405)),
    ],
    "api:upload_document": [
        Check("POST", OURS, API_OUR_FILE_CREATED, API_DOCUMENT),
        Check("POST", THEIRS, API_THEIR_FILE, API_DOCUMENT),
    ],
    "api:get_document": [
        Check("GET", OURS, API_OUR_FILE),
        Check("GET", THEIRS, API_THEIR_FILE),
        Check("DELETE", OURS, all_(405)),
    ],
    "api:case_timeline": [
        Check("GET", OURS, API_OUR_FILE),
        Check("GET", THEIRS, API_THEIR_FILE),
        Check("PUT", OURS, all_(405)),
    ],
    # A request already waits on each case: asking again is a 409.
    "api:request_closure": [
        Check("POST", OURS, Row(401, 409, 404, 409, 409, 403, 403), {}),
        Check("POST", THEIRS, API_THEIR_FILE, {}),
    ],
    # The supervisor decides first; the organisation admin then finds it decided.
    "api:decide_closure": [
        Check("POST", OURS, Row(401, 403, 404, 200, 409, 403, 403), {"approve": False}),
        Check("POST", THEIRS, API_THEIR_FILE, {"approve": False}),
        Check("GET", OURS, all_(405)),
    ],
    "api:assign_case": [
        Check("PUT", OURS, Row(401, 403, 404, 200, 200, 403, 403), {"staff": ["casey"]}),
        Check("PUT", THEIRS, API_THEIR_FILE, {"staff": ["intruder"]}),
    ],
    # Referrals: OURS is a referral sent to our organisation (every case role
    # here reads and answers it); THEIRS is one between two other organisations.
    "api:list_case_referrals": [
        Check("GET", OURS, API_OUR_FILE),
        Check("GET", THEIRS, API_THEIR_FILE),
        Check("PUT", OURS, all_(405)),
    ],
    # No receiving organisation named: refused as a conflict, after the access checks.
    "api:create_referral": [
        Check("POST", OURS, Row(401, 409, 404, 409, 409, 403, 403), {"need": "housing"}),
        Check("POST", THEIRS, API_THEIR_FILE, {"need": "housing"}),
    ],
    "api:create_transfer": [
        Check("POST", OURS, Row(401, 409, 404, 409, 409, 403, 403), UNKNOWN_RECEIVER),
        Check("POST", THEIRS, API_THEIR_FILE, UNKNOWN_RECEIVER),
    ],
    "api:list_referrals": [
        Check("GET", NONE, API_WORK),
        Check("PUT", NONE, all_(405)),
    ],
    "api:get_referral": [
        Check("GET", OURS, API_WORK),
        Check("GET", THEIRS, API_THEIR_FILE),
        Check("DELETE", OURS, all_(405)),
    ],
    # The first answer is taken; every later one is a conflict.
    "api:accept_referral": [
        Check("POST", OURS, Row(401, 200, 409, 409, 409, 403, 403), {}),
        Check("POST", THEIRS, API_THEIR_FILE, {}),
    ],
    "api:decline_referral": [
        Check("POST", OURS, Row(401, 200, 409, 409, 409, 403, 403), {"reason": "Full."}),
        Check("POST", THEIRS, API_THEIR_FILE, {"reason": "Full."}),
    ],
    "api:complete_referral": [  # not accepted yet
        Check("POST", OURS, Row(401, 409, 409, 409, 409, 403, 403), {}),
        Check("POST", THEIRS, API_THEIR_FILE, {}),
    ],
    "api:revoke_referral": [  # only the sending side revokes
        Check("POST", OURS, all_(403)._replace(anonymous=401), {}),
        Check("POST", THEIRS, API_THEIR_FILE, {}),
    ],
    "api:list_outside_referrals": [
        Check("GET", OURS, API_OUR_FILE),
        Check("GET", THEIRS, API_THEIR_FILE),
        Check("PUT", OURS, all_(405)),
    ],
    "api:create_outside_referral": [
        Check("POST", OURS, API_OUR_FILE_CREATED, {"name": "Food bank"}),
        Check("POST", THEIRS, API_THEIR_FILE, {"name": "Food bank"}),
    ],
    "api:update_outside_referral": [
        Check("PATCH", OURS, API_OUR_FILE, {"status": "contacted"}),
        Check("PATCH", THEIRS, API_THEIR_FILE, {"status": "contacted"}),
    ],
    # --- Needs and case plan through the API ---
    "api:list_needs": [
        Check("GET", OURS, API_OUR_FILE),
        Check("GET", THEIRS, API_THEIR_FILE),
        Check("PUT", OURS, all_(405)),
    ],
    # The first visitor adds the safety need; for later ones it is already open.
    "api:create_need": [
        Check("POST", OURS, Row(401, 201, 404, 409, 409, 403, 403), {"domain": "safety"}),
        Check("POST", THEIRS, API_THEIR_FILE, {"domain": "safety"}),
    ],
    "api:update_need": [
        Check("PATCH", OURS, API_OUR_FILE, {"status": "in_progress"}),
        Check("PATCH", THEIRS, API_THEIR_FILE, {"status": "in_progress"}),
    ],
    "api:create_need_action": [
        Check("POST", OURS, API_OUR_FILE_CREATED, API_ACTION),
        Check("POST", THEIRS, API_THEIR_FILE, API_ACTION),
        Check("GET", OURS, all_(405)),
    ],
    "api:case_stage": [
        Check("GET", OURS, API_OUR_FILE),
        Check("GET", THEIRS, API_THEIR_FILE),
        Check("DELETE", OURS, all_(405)),
    ],
    # Networks: mentions and entities are case files; networks are read by
    # supervisors, organisation admins and (as counts) coalition analysts.
    "api:list_mentions": [
        Check("GET", OURS, API_OUR_FILE),
        Check("GET", THEIRS, API_THEIR_FILE),
        Check("PUT", OURS, all_(405)),
    ],
    "api:create_mention": [
        Check("POST", OURS, API_OUR_FILE_CREATED, API_MENTION),
        Check("POST", THEIRS, API_THEIR_FILE, API_MENTION),
    ],
    "api:get_mention": [
        Check("GET", OURS, API_OUR_FILE),
        Check("GET", THEIRS, API_THEIR_FILE),
        Check("PUT", OURS, all_(405)),
    ],
    "api:update_mention": [
        Check("PATCH", OURS, API_OUR_FILE, {"notes": "Call first."}),
        Check("PATCH", THEIRS, API_THEIR_FILE, {"notes": "Call first."}),
    ],
    # The first removal deletes the mention: later visitors find nothing.
    "api:delete_mention": [
        Check("DELETE", OURS, Row(401, 204, 404, 404, 404, 403, 403)),
        Check("DELETE", THEIRS, API_THEIR_FILE),
    ],
    "api:get_entity": [
        Check("GET", OURS, API_OUR_FILE),
        Check("GET", THEIRS, API_THEIR_FILE),
        Check("DELETE", OURS, all_(405)),
    ],
    "api:list_networks": [
        Check("GET", NONE, API_NETWORK_READERS),
        Check("PUT", NONE, all_(405)),
    ],
    "api:list_network_alerts": [
        Check("GET", NONE, API_NETWORK_READERS),
        Check("PUT", NONE, all_(405)),
    ],
    # THEIRS is a network of another organisation's cases only.
    "api:get_network": [
        Check("GET", OURS, API_NETWORK_READERS),
        Check("GET", THEIRS, Row(401, 403, 403, 404, 404, 200, 403)),
        Check("DELETE", OURS, all_(405)),
    ],
    # The rules are public law: any token reads them.
    "api:list_rules": [
        Check("GET", NONE, Row(401, 200, 200, 200, 200, 200, 200)),
        Check("POST", NONE, all_(405)),
    ],
    "api:get_rules": [
        Check("GET", NONE, Row(401, 200, 200, 200, 200, 200, 200)),
        Check("DELETE", NONE, all_(405)),
    ],
    "api:list_releases": [
        Check("GET", NONE, Row(401, 403, 403, 200, 200, 200, 200)),
        Check("PUT", NONE, all_(405)),
    ],
    "api:get_release": [
        Check("GET", NONE, Row(401, 403, 403, 404, 404, 404, 404)),
        Check("DELETE", NONE, all_(405)),
    ],
    "api:get_release_table": [
        Check("GET", NONE, Row(401, 403, 403, 404, 404, 404, 404)),
        Check("DELETE", NONE, all_(405)),
    ],
    "api:get_dashboard_table": [
        Check("GET", NONE, Row(401, 403, 403, 200, 200, 200, 403)),
        Check("DELETE", NONE, all_(405)),
    ],
    # HTCDS: the schema for every token; the export of the caller's own
    # organisation for supervisors and organisation admins.
    "api:htcds_schema": [
        Check("GET", NONE, Row(401, 200, 200, 200, 200, 200, 200)),
        Check("POST", NONE, all_(405)),
    ],
    "api:htcds_export_records": [
        Check("GET", NONE, Row(401, 403, 403, 200, 200, 403, 403)),
        Check("DELETE", NONE, all_(405)),
    ],
    # --- The public site (docs/public.md): the same page for every visitor, signed in
    # or not; read-only pages refuse other methods; the self-check answers a POST.
    "public:root": [Check("GET", NONE, all_(200)), Check("POST", NONE, all_(405))],
    "public:index": [Check("GET", NONE, all_(200)), Check("POST", NONE, all_(405))],
    "public:signs": [Check("GET", NONE, all_(200)), Check("POST", NONE, all_(405))],
    "public:rights": [Check("GET", NONE, all_(200)), Check("POST", NONE, all_(405))],
    "public:contacts": [Check("GET", NONE, all_(200)), Check("POST", NONE, all_(405))],
    "public:services": [Check("GET", NONE, all_(200)), Check("POST", NONE, all_(405))],
    "public:selfcheck": [
        Check("GET", NONE, all_(200)),
        Check("POST", NONE, all_(200), {"where": "ON", "hurt": "yes"}),
        Check("PUT", NONE, all_(405)),
    ],
    # No public statistics release exists in the matrix's world: not found for everyone.
    "public:statistics": [Check("GET", NONE, all_(404)), Check("POST", NONE, all_(405))],
    "public:statistics_csv": [Check("GET", NONE, all_(404)), Check("POST", NONE, all_(405))],
}

OBJECT_IDS = (
    "case_id",
    "person_id",
    "assessment_id",
    "task_id",
    "service_id",
    "job_id",
    "consent_id",
    "document_id",
    "closure_id",
    "referral_id",
    "outside_id",
    "need_id",
    "mention_id",
    "entity_id",
    "network_id",
    "application_id",
)
# Parameters that name no object get one fixed value (the first step of an interview).
FIXED_PARAMS = {
    "release_id": "00000000-0000-4000-8000-000000000000",
    "table": "people_by_age_gender",
    "step": 1,
    "token": "not-a-real-calendar-token",
    "letter": "vtip-trp",
    "pathway_id": "vtip_trp",
    "language_code": "en",
}


# --- Walking the URL configuration ----------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    name: str | None
    route: str
    params: tuple[str, ...]


def url_patterns(resolver: URLResolver | None = None) -> list[Pattern]:
    """Every leaf pattern, with its namespaced name, full route and parameters."""

    def walk(entries: list[Any], prefix: str, namespace: str) -> Iterator[Pattern]:
        for entry in entries:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                inner = ":".join(part for part in (namespace, entry.namespace) if part)
                yield from walk(entry.url_patterns, route, inner)
            elif isinstance(entry, URLPattern):
                name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
                # Parameters of enclosing includes count too; regex groups cover re_path.
                params = (*re.findall(r"<(?:\w+:)?(\w+)>", route), *entry.pattern.regex.groupindex)
                params = tuple(dict.fromkeys(params))
                yield Pattern(name, route, params)

    resolver = resolver or get_resolver()
    return list(walk(resolver.url_patterns, "", ""))


def uncovered(patterns: list[Pattern]) -> list[str]:
    return sorted(f"{p.name or '(unnamed)'}  /{p.route}" for p in patterns if p.name not in POLICY)


# --- The visitors and objects of one test ---------------------------------------------------


class World:
    def __init__(
        self,
        users: dict[str, User],
        ours: Case,
        theirs: Case,
        assessments: tuple[Assessment, Assessment],
    ) -> None:
        self.users = users
        self.ids = {
            OURS: {
                "case_id": str(ours.pk),
                "person_id": str(ours.person_id),
                "assessment_id": str(assessments[0].pk),
            },
            THEIRS: {
                "case_id": str(theirs.pk),
                "person_id": str(theirs.person_id),
                "assessment_id": str(assessments[1].pk),
            },
            NONE: {},
        }
        self.tokens = {
            who: issue_token(Actor.system("test"), user, "matrix") for who, user in users.items()
        }

    def url(self, name: str, whose: str) -> str:
        pattern = next(p for p in url_patterns() if p.name == name)
        kwargs: dict[str, Any] = {
            key: self.ids[whose][key] for key in pattern.params if key in OBJECT_IDS
        }
        kwargs.update({key: FIXED_PARAMS[key] for key in pattern.params if key in FIXED_PARAMS})
        return reverse(name, kwargs=kwargs)

    def fill(self, value: Any, whose: str) -> Any:
        if isinstance(value, str):
            return value.format(**self.ids[whose])
        if isinstance(value, dict):
            return {key: self.fill(item, whose) for key, item in value.items()}
        return value

    def request(self, who: str, name: str, check: Check) -> HttpResponse:
        url = self.url(name, check.whose)
        data = self.fill(check.data, check.whose)
        if name.startswith("api:"):
            client = Client()
            headers = {} if who == "anonymous" else {"authorization": f"Bearer {self.tokens[who]}"}
            body = json.dumps(data) if check.method in ("POST", "PATCH", "PUT") else None
            return client.generic(
                check.method, url, body or "", content_type="application/json", headers=headers
            )
        client = Client() if who == "anonymous" else sign_in(Client(), self.users[who])
        if check.method == "GET":
            return client.get(url)
        if check.method == "POST":
            return client.post(url, data)
        return client.generic(check.method, url)


@pytest.fixture
def world(
    caseworker, supervisor, analyst, intruder, make_user, organisation, case, other_case
) -> World:
    assessments = (
        start_assessment(Actor(user=caseworker), case),
        start_assessment(Actor(user=intruder), other_case),
    )
    users = {
        "assigned": caseworker,
        "unassigned": make_user("colin", Role.CASEWORKER, organisation),
        "supervisor": supervisor,
        "org_admin": make_user("olive", Role.ORG_ADMIN, organisation),
        "analyst": analyst,
        "platform_admin": make_user("pat", Role.PLATFORM_ADMIN, organisation),
    }
    world = World(users, case, other_case, assessments)
    # A task on each case, assigned to someone who can open it.
    for whose, case_, user in ((OURS, case, caseworker), (THEIRS, other_case, intruder)):
        task = add_task(
            Actor(user=user), case_, {"title": "Call", "due_on": TASK_DUE}, assigned_to=user
        )
        world.ids[whose]["task_id"] = str(task.pk)
        need = identify_need(Actor(user=user), case_, {"domain": "housing"})
        world.ids[whose]["need_id"] = str(need.pk)
        consent = Consent.objects.create(
            person=case_.person, purpose="statistics", method="spoken", given_on=TASK_DUE
        )
        world.ids[whose]["consent_id"] = str(consent.pk)
        document = upload_document(Actor(user=user), case_, b"%PDF-1.7\n%%EOF\n", "slip.pdf")
        world.ids[whose]["document_id"] = str(document.pk)
        closure = request_closure(Actor(user=user), case_)
        if closure.status != "pending":  # a supervisor's own request closes at once
            closure = ClosureRequest.objects.create(case=case_, requested_by=user)
            Case.objects.filter(pk=case_.pk).update(status="active", closed_on=None)
        world.ids[whose]["closure_id"] = str(closure.pk)
        application = record_application(Actor(user=user), case_, APPLICATION_ON_FILE)
        world.ids[whose]["application_id"] = str(application.pk)
    # A directory service and a checked spreadsheet import kept by each organisation.
    for whose, editor in ((OURS, supervisor), (THEIRS, intruder)):
        world.ids[whose]["service_id"] = str(make_service(editor).pk)
        world.ids[whose]["job_id"] = str(make_checked_job(editor).pk)
    # A referral sent to us (ours to answer); one of theirs to a third organisation.
    world.ids[OURS]["referral_id"] = str(incoming_referral(organisation).pk)
    world.ids[THEIRS]["referral_id"] = str(outgoing_referral(other_case).pk)
    for whose, case_ in ((OURS, case), (THEIRS, other_case)):
        world.ids[whose]["outside_id"] = str(outside_referral(case_).pk)
    # A party named on each case, linked (the person consents to linkage).
    for whose, case_, user in ((OURS, case, caseworker), (THEIRS, other_case, intruder)):
        Consent.objects.create(
            person=case_.person, purpose="network_linkage", method="spoken", given_on=TASK_DUE
        )
        mention = add_mention(
            Actor(user=user), case_, {"role": "employer", "name": f"Employer of {whose[:5]}"}
        )
        world.ids[whose]["mention_id"] = str(mention.pk)
        world.ids[whose]["entity_id"] = str(mention.entity_id)
        world.ids[whose]["network_id"] = str(mention.entity.network_id)
    return world


def answer(response: HttpResponse, expect: Expect, world: World, whose: str) -> tuple[bool, str]:
    """Whether the response is what the cell expects, and how to show it."""
    status = response.status_code
    if isinstance(expect, Gap):
        return status == expect.now, str(status)
    if isinstance(expect, Redirect):
        if status != 302:
            return False, str(status)
        target = urlsplit(response["Location"]).path
        if expect.to is None:
            return True, f"302→{target}"
        return target == world.fill(expect.to, whose), f"302→{target}"
    return status == expect, str(status)


CHECKS = [
    pytest.param(name, check, id=f"{name} {check.method} {check.whose}")
    for name, checks in POLICY.items()
    for check in checks
]


@pytest.mark.parametrize(("url_name", "check"), CHECKS)
def test_every_visitor_gets_the_answer_the_policy_gives(world, intruder, url_name, check):
    wrong = []
    for who, expect in zip(Row._fields, check.row, strict=True):
        response = world.request(who, url_name, check)
        ok, got = answer(response, expect, world, check.whose)
        if not ok:
            wrong.append(f"  {who:15} expected {expect!r:28} got {got}")
    assert not wrong, f"{url_name} {check.method} ({check.whose}):\n" + "\n".join(wrong)


# --- The table covers the URL configuration, and nothing else --------------------------------


def test_every_url_pattern_has_a_policy_entry():
    missing = uncovered(url_patterns())
    assert not missing, "URL patterns without an entry in POLICY:\n" + "\n".join(missing)


def test_the_policy_names_no_url_that_does_not_exist():
    names = {p.name for p in url_patterns()}
    assert not sorted(set(POLICY) - names)


def test_the_walk_reaches_the_api_and_set_language():
    names = {p.name for p in url_patterns()}
    assert {"set_language", "api:get_case", "api:create_person", "accounts:login"} <= names
    assert len(names) == len(POLICY)


def test_a_new_url_without_a_policy_entry_fails_the_coverage_check():
    extra = ModuleType("extra_urls")
    extra.urlpatterns = [  # type: ignore[attr-defined]
        *harbour_urlpatterns,
        path("reports/<int:year>/", lambda request, year: HttpResponse(), name="reports"),
        path("unnamed/", lambda request: HttpResponse()),
    ]
    missing = uncovered(url_patterns(get_resolver(extra)))
    assert missing == ["(unnamed)  /unnamed/", "reports  /reports/<int:year>/"]


def test_every_url_with_an_object_id_is_checked_for_both_organisations():
    for pattern in url_patterns():
        checked = {check.whose for check in POLICY.get(pattern.name, [])}
        if set(pattern.params) & set(OBJECT_IDS):
            assert {OURS, THEIRS} <= checked, pattern.name
        else:
            # Without an id in the URL, an object can only be named in the body.
            for check in POLICY.get(pattern.name, []):
                if check.whose != NONE:
                    assert "_id}" in json.dumps(check.data), (pattern.name, check)


def test_create_case_is_checked_for_both_organisations_through_its_payload():
    assert {check.whose for check in POLICY["api:create_case"]} == {OURS, THEIRS}


def test_every_role_has_a_column_in_the_table():
    roles = {role.value for role in Role}
    visitors = set(Row._fields) - {"anonymous", "assigned", "unassigned"}
    assert visitors | {"caseworker"} == roles


# --- What the table cannot show ---------------------------------------------------------------


def test_another_organisations_case_looks_exactly_like_a_missing_one(world, intruder):
    supervisor = sign_in(Client(), world.users["supervisor"])
    their_url = world.url("cases:case_detail", THEIRS)
    missing_url = reverse("cases:case_detail", args=[uuid.uuid4()])
    theirs = supervisor.get(their_url)
    missing = supervisor.get(missing_url)
    assert theirs.status_code == missing.status_code == 404
    # The pages differ only in the address itself (the language form returns to
    # it) and in the per-response masking of the CSRF token.
    assert _normalised(theirs, their_url) == _normalised(missing, missing_url)


def _normalised(response: HttpResponse, url: str) -> bytes:
    body = response.content.replace(url.encode(), b"URL")
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"CSRF", body)


def test_refused_writes_leave_no_trace(world, intruder, other_case):
    before = other_case.summary
    note = Check("POST", THEIRS, THEIR_FILE, {"body": "Planted note"})
    patch = Check("PATCH", THEIRS, API_THEIR_FILE, {"summary": "Planted summary"})
    for who in ("assigned", "supervisor", "org_admin", "analyst"):
        world.request(who, "cases:note_add", note)
        world.request(who, "api:update_case", patch)
    other_case.refresh_from_db()
    assert other_case.summary == before
    assert not Note.objects.filter(case=other_case).exists()


def test_a_signed_in_browser_session_does_not_open_the_api(world, intruder):
    browser = sign_in(Client(), world.users["supervisor"])
    assert browser.get(reverse("api:list_cases")).status_code == 401


def _list_cases_with(token: str) -> HttpResponse:
    return Client().get(reverse("api:list_cases"), headers={"authorization": f"Bearer {token}"})


@pytest.mark.parametrize("token", ["", "hbt_not-a-real-token", "Basic abc"])
def test_an_unknown_token_gets_401(world, intruder, token):
    assert _list_cases_with(token).status_code == 401


def test_an_expired_token_gets_401(world, intruder):
    expired = issue_token(Actor.system("test"), world.users["supervisor"], "old", days=90)
    ApiToken.objects.filter(name="old").update(expires_at="2020-01-01T00:00:00Z")
    assert _list_cases_with(expired).status_code == 401


def test_a_deactivated_users_token_gets_401(world, intruder):
    user = world.users["supervisor"]
    user.is_active = False
    user.save()
    assert _list_cases_with(world.tokens["supervisor"]).status_code == 401
