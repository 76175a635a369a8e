"""Append-only, hash-chained audit events.

Each event's `chain_hash` is an HMAC over the previous event's hash and this
event's content, under a key kept outside the database. Editing, inserting or
deleting a row breaks the chain at that row, and someone who only holds the
database cannot forge a consistent chain (`harbour audit verify`).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    pass


class AppendOnlyQuerySet(models.QuerySet["AuditEvent"]):
    """Bulk updates and deletes would bypass the model's refusals."""

    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("audit events are never changed")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit events are never deleted")


class AuditEvent(models.Model):
    at = models.DateTimeField(_("when"), db_index=True)
    # PROTECT, not SET_NULL: actor_id is part of the hashed content, so nulling
    # it when an account is deleted would break the chain at every event the
    # account is named in. Accounts that acted are deactivated, not deleted.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The username is also kept as text, so the trail reads without the account.
    actor_name = models.CharField(_("who"), max_length=150, blank=True)
    organisation_id_at_time = models.BigIntegerField(null=True, blank=True, db_index=True)
    action = models.CharField(_("what"), max_length=60, db_index=True)
    object_type = models.CharField(max_length=40, blank=True)
    object_id = models.CharField(max_length=64, blank=True, db_index=True)
    ip_address = models.CharField(_("from where"), max_length=45, blank=True)
    # Only names of fields and other non-identifying facts, never values.
    detail = models.JSONField(default=dict, blank=True)
    chain_hash = models.CharField(max_length=64)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["object_type", "object_id", "id"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("audit events are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError("audit events are never deleted")


class AuditChainHead(models.Model):
    """The single row holding the newest event's id and hash.

    Writers lock it, so events are chained in one order even with many
    processes; it also reveals a deleted tail, which the chain alone cannot.
    """

    singleton = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_event_id = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="")
    count = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"audit head at #{self.last_event_id}"
