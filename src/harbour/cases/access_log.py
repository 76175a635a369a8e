"""What a case's access log shows of each event ("who viewed or changed this case").

The log goes with the case: after a transfer the receiving organisation sees
the events from before it owned the file. Its own staff's events show the
username and the address they came from; an event by another organisation's
staff (the sender's, before the transfer) shows that organisation's name only,
never the person or the address (issue 15, finding 6). Events by Harbour itself
(commands, background jobs) keep their name: it identifies no one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from harbour.accounts.models import Organisation
from harbour.audit.models import AuditEvent


@dataclass(frozen=True)
class Shown:
    """One event as the log shows it."""

    who: str
    where: str
    other_organisation: bool


def label_events(events: Iterable[AuditEvent], organisation_id: int) -> None:
    """Give each event its `shown` labels, as seen by `organisation_id`'s staff."""
    events = list(events)
    outsiders = {
        event.organisation_id_at_time
        for event in events
        if event.actor_id is not None and event.organisation_id_at_time != organisation_id
    }
    names: dict[int | None, str] = dict(
        Organisation.objects.filter(pk__in=[pk for pk in outsiders if pk is not None]).values_list(
            "pk", "name"
        )
    )
    for event in events:
        if event.actor_id is None or event.organisation_id_at_time == organisation_id:
            shown = Shown(event.actor_name, event.ip_address, other_organisation=False)
        else:
            name = names.get(event.organisation_id_at_time) or _("Another organisation")
            shown = Shown(name, "", other_organisation=True)
        event.shown = shown  # type: ignore[attr-defined]
