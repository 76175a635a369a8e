"""The facts a caseworker confirmed for the protection navigator, per case.

Dates of entry, loss of status, claims and permits say a great deal about a
person's situation: the whole set is stored as one encrypted JSON document.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from harbour.cases.models import Case
from harbour.core.fields import EncryptedTextField


class CaseFacts(models.Model):
    case = models.OneToOneField(
        Case, on_delete=models.CASCADE, primary_key=True, related_name="pathway_facts"
    )
    # Only the facts staff entered or confirmed, as {name: JSON value}; facts the
    # records already give (person, case, screening) are read fresh each time.
    facts_json = EncryptedTextField(_("facts"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("navigator facts")
        verbose_name_plural = _("navigator facts")

    def __str__(self) -> str:
        return f"facts of {self.case_id}"

    @property
    def values(self) -> dict[str, Any]:
        loaded = json.loads(self.facts_json) if self.facts_json else {}
        return loaded if isinstance(loaded, dict) else {}

    @values.setter
    def values(self, data: dict[str, Any]) -> None:
        self.facts_json = json.dumps(data, sort_keys=True)
