"""Model fields whose values the database only ever sees encrypted."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import models

from harbour.core import crypto


class EncryptedTextField(models.TextField):
    """A text value encrypted at rest; empty stays empty (and is not secret).

    Encrypted values cannot be searched or ordered by the database; use a
    blind index column for exact lookups.
    """

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return crypto.decrypt(value)

    def to_python(self, value: Any) -> Any:
        return value

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt(str(value))

    def get_internal_type(self) -> str:
        return "TextField"


class EncryptedDateField(EncryptedTextField):
    """A date stored as an encrypted ISO string."""

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> Any:
        text = super().from_db_value(value, expression, connection)
        if not text:
            return None
        return datetime.date.fromisoformat(text)

    def to_python(self, value: Any) -> Any:
        if value in (None, ""):
            return None
        if isinstance(value, datetime.date):
            return value
        return datetime.date.fromisoformat(str(value))

    def get_prep_value(self, value: Any) -> Any:
        if value in (None, ""):
            return None
        if isinstance(value, datetime.datetime):
            value = value.date()
        if isinstance(value, datetime.date):
            value = value.isoformat()
        return super().get_prep_value(value)

    def formfield(self, **kwargs: Any) -> Any:  # type: ignore[override]
        from django import forms

        return models.Field.formfield(self, **{"form_class": forms.DateField, **kwargs})


def encrypted_field_names(model: Any) -> list[str]:
    """The model's encrypted columns (attribute names): what rotation rewrites
    and what lists can leave unloaded."""
    return [
        field.attname
        for field in model._meta.concrete_fields
        if isinstance(field, EncryptedTextField)
    ]
