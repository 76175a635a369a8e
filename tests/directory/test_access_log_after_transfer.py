"""After a transfer, the receiving organisation's access log of the case names
the sending organisation for its staff's events, never their usernames or
addresses (issue 15, finding 6).

The case file moves to the receiver, and with it the audit trail of who read it.
The receiver needs to know that the sending organisation read and changed the
file before it came; who there did, and from which address, is the sender's own
business (docs/data-classification.md: the access log is for the owning
organisation's supervisors and admins).
"""

from __future__ import annotations

import re

from django.urls import reverse

from harbour.audit.services import Actor
from harbour.cases import services as case_services
from harbour.directory import services
from tests.directory.conftest import give_sharing_consent

SENDER_ADDRESS = "203.0.113.77"
RECEIVER_ADDRESS = "198.51.100.23"


def cells(page: str, label: str) -> list[str]:
    """The text of every cell of one column of the access-log table."""
    found = re.findall(rf'data-label="{label}">(.*?)</td>', page, flags=re.S)
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in found]


def accepted_transfer(caseworker, supervisor, case, receiver, receiver_organisation):
    """The sender's staff read the file from SENDER_ADDRESS, then it moves."""
    sender = Actor(user=supervisor, ip_address=SENDER_ADDRESS)
    case_services.record_case_view(sender, case)
    give_sharing_consent(caseworker, case)
    pending = services.request_transfer(
        Actor(user=caseworker, ip_address=SENDER_ADDRESS), case, receiver_organisation
    )
    services.accept_referral(Actor(user=receiver, ip_address=RECEIVER_ADDRESS), pending)
    case.refresh_from_db()
    case_services.record_case_view(Actor(user=receiver, ip_address=RECEIVER_ADDRESS), case)
    return case


def test_the_receivers_access_log_names_the_sending_organisation_not_its_staff_or_addresses(
    signed_in,
    caseworker,
    supervisor,
    case,
    receiver,
    receiver_supervisor,
    receiver_organisation,
    organisation,
    intruder,
):
    accepted_transfer(caseworker, supervisor, case, receiver, receiver_organisation)
    response = signed_in(receiver_supervisor).get(reverse("cases:case_access_log", args=[case.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    who = cells(page, "Who")
    assert supervisor.username not in who
    assert caseworker.username not in who
    assert SENDER_ADDRESS not in page
    sender_rows = [cell for cell in who if cell.startswith(organisation.name)]
    assert len(sender_rows) == 3  # casey opened the case and asked, sue read it
    assert all("another organisation" in cell for cell in sender_rows)
    # The sender's events are still listed, as the sender's.
    assert "case.view" in page and "transfer.create" in page


def test_the_receivers_own_staff_are_still_named_with_their_addresses(
    signed_in,
    caseworker,
    supervisor,
    case,
    receiver,
    receiver_supervisor,
    receiver_organisation,
    intruder,
):
    accepted_transfer(caseworker, supervisor, case, receiver, receiver_organisation)
    page = (
        signed_in(receiver_supervisor)
        .get(reverse("cases:case_access_log", args=[case.pk]))
        .content.decode()
    )
    assert receiver.username in cells(page, "Who")
    assert RECEIVER_ADDRESS in cells(page, "From where")


def test_the_sender_and_an_intruder_cannot_open_the_access_log_after_the_transfer(
    signed_in,
    caseworker,
    supervisor,
    case,
    receiver,
    receiver_organisation,
    intruder,
):
    accepted_transfer(caseworker, supervisor, case, receiver, receiver_organisation)
    url = reverse("cases:case_access_log", args=[case.pk])
    assert signed_in(supervisor).get(url).status_code == 404
    response = signed_in(intruder).get(url)
    assert response.status_code == 404
    assert receiver.username.encode() not in response.content
