"""Spreadsheet imports of people and cases, one job per uploaded file.

The uploaded file is personal data: it is kept only inside the job row,
encrypted like any identifying field, and deleted once the job has imported
it (or been discarded). Its name is never stored, since staff often name a
file after the person it concerns; nor is any cell value in the error report.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from harbour.accounts.models import Organisation
from harbour.core.fields import EncryptedTextField


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Columns to map")
    CHECKED = "checked", _("Checked, ready to import")
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Stopped: nothing was imported")
    DISCARDED = "discarded", _("Discarded")


class ImportJob(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="import_jobs"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.UPLOADED
    )
    kind = models.CharField(max_length=4)  # csv or xlsx
    size = models.PositiveIntegerField(default=0)
    # The file's bytes, base64 then encrypted; emptied when no longer needed.
    payload = EncryptedTextField(blank=True)
    # Field name -> column index; names and numbers only, never cell values.
    mapping = models.JSONField(default=dict, blank=True)
    total_rows = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    # [{"row": 5, "column": "date_of_birth", "problem": "..."}], at most MAX_ERRORS.
    errors = models.JSONField(default=list, blank=True)
    failure = models.CharField(max_length=300, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import")
        indexes = [models.Index(fields=["organisation", "-created_at"])]

    def __str__(self) -> str:
        return f"import {self.pk}"

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 100 if self.status == ImportStatus.DONE else 0
        return min(100, round(100 * self.rows_done / self.total_rows))
