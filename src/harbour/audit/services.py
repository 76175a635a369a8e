"""Writing and verifying audit events. Every service that changes data, and
every view that opens a case file, calls `record`."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from harbour.audit.models import AuditChainHead, AuditEvent
from harbour.core.crypto import keyed_digest
from harbour.core.net import client_ip

_CHAIN_PURPOSE = "harbour-audit-chain-v1"
__all__ = ["Actor", "Entry", "client_ip", "events_for", "record", "record_many", "verify_chain"]


@dataclass(frozen=True)
class Actor:
    """Who did something, and from where: taken from a request or a command."""

    user: Any
    ip_address: str = ""

    @classmethod
    def from_request(cls, request: HttpRequest) -> Actor:
        return cls(user=request.user, ip_address=client_ip(request))

    @classmethod
    def system(cls, name: str = "system") -> Actor:
        return cls(user=None, ip_address=name)

    @property
    def user_or_none(self) -> Any:
        user = self.user
        return user if user is not None and user.is_authenticated else None

    @property
    def organisation_id(self) -> int | None:
        user = self.user_or_none
        membership = getattr(user, "membership", None) if user else None
        return membership.organisation_id if membership else None


def _content(event: AuditEvent) -> bytes:
    payload = {
        "id": event.pk,
        "at": event.at.isoformat(),
        "actor_id": event.actor_id,
        "actor_name": event.actor_name,
        "organisation": event.organisation_id_at_time,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "ip": event.ip_address,
        "detail": event.detail,
    }
    return json.dumps(payload, sort_keys=True, separators=(",", ":")).encode("utf-8")


def _chain(previous_hash: str, event: AuditEvent) -> str:
    return keyed_digest(_CHAIN_PURPOSE, previous_hash.encode("ascii") + b"\x00" + _content(event))


def record(
    actor: Actor,
    action: str,
    obj: Any = None,
    *,
    object_type: str = "",
    object_id: str = "",
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain. Joins the caller's transaction if any,
    so an audited change and its event commit or roll back together."""
    if obj is not None:
        object_type = object_type or obj._meta.model_name
        object_id = object_id or str(obj.pk)
    user = actor.user_or_none
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(singleton=1)
        event = AuditEvent(
            id=head.last_event_id + 1,
            at=timezone.now(),
            actor=user,
            actor_name=user.get_username() if user else actor.ip_address[:150],
            organisation_id_at_time=actor.organisation_id,
            action=action,
            object_type=object_type,
            object_id=object_id,
            ip_address=actor.ip_address if user else "",
            detail=detail or {},
        )
        # Microseconds are kept in the hash but some databases round them;
        # normalise first so that what is stored is what was hashed.
        event.at = event.at.replace(microsecond=(event.at.microsecond // 1000) * 1000)
        event.chain_hash = _chain(head.last_hash, event)
        event.save(force_insert=True)
        head.last_event_id = event.pk
        head.last_hash = event.chain_hash
        head.count += 1
        head.save()
    return event


@dataclass(frozen=True)
class Entry:
    """One event of a batch for `record_many`."""

    action: str
    obj: Any
    detail: dict[str, Any]


def record_many(actor: Actor, entries: Iterable[Entry]) -> int:
    """Append many events of one actor under one lock of the chain head.

    The chain is the same as with `record` one event at a time (each hash covers
    the one before); a bulk operation (an import) takes the lock once per batch
    instead of once per event. Joins the caller's transaction.
    """
    user = actor.user_or_none
    actor_name = user.get_username() if user else actor.ip_address[:150]
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(singleton=1)
        events: list[AuditEvent] = []
        previous_hash, next_id = head.last_hash, head.last_event_id + 1
        for entry in entries:
            at = timezone.now()
            event = AuditEvent(
                id=next_id,
                at=at.replace(microsecond=(at.microsecond // 1000) * 1000),
                actor=user,
                actor_name=actor_name,
                organisation_id_at_time=actor.organisation_id,
                action=entry.action,
                object_type=entry.obj._meta.model_name,
                object_id=str(entry.obj.pk),
                ip_address=actor.ip_address if user else "",
                detail=entry.detail,
            )
            event.chain_hash = previous_hash = _chain(previous_hash, event)
            events.append(event)
            next_id += 1
        if not events:
            return 0
        AuditEvent.objects.bulk_create(events, batch_size=500)
        head.last_event_id = events[-1].pk
        head.last_hash = previous_hash
        head.count += len(events)
        head.save()
    return len(events)


@dataclass(frozen=True)
class VerificationResult:
    checked: int
    problems: list[str]

    @property
    def intact(self) -> bool:
        return not self.problems


def verify_chain(events: Iterable[AuditEvent] | None = None) -> VerificationResult:
    """Recompute the chain from the first event and compare with the head."""
    problems: list[str] = []
    previous_hash = ""
    expected_id = 1
    checked = 0
    rows = events if events is not None else AuditEvent.objects.order_by("id").iterator(2000)
    for event in rows:
        if event.pk != expected_id:
            problems.append(
                f"event {expected_id} is missing (next present is {event.pk}): rows were deleted"
            )
        if _chain(previous_hash, event) != event.chain_hash:
            problems.append(f"event {event.pk} does not match its hash: it was edited or forged")
        previous_hash = event.chain_hash
        expected_id = event.pk + 1
        checked += 1
    head = AuditChainHead.objects.filter(singleton=1).first()
    head_id = head.last_event_id if head else 0
    head_hash = head.last_hash if head else ""
    if head_id != expected_id - 1 or head_hash != previous_hash:
        problems.append(
            f"the newest event should be {head_id} but the chain ends at {expected_id - 1}: "
            "events at the end were deleted or added outside Harbour"
        )
    return VerificationResult(checked=checked, problems=problems)


def events_for(object_type: str, object_id: str) -> Any:
    return AuditEvent.objects.filter(object_type=object_type, object_id=object_id).order_by("-id")
