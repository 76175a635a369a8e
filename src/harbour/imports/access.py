"""Reaching import jobs: supervisors and organisation admins of the job's
organisation only. Another organisation's job answers 404, like a case."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from harbour.accounts.models import ORG_WIDE_CASE_ROLES
from harbour.cases.access import membership_of
from harbour.imports.models import ImportJob


def visible_jobs(user: Any) -> QuerySet[ImportJob]:
    membership = membership_of(user)
    if membership is None or membership.role not in ORG_WIDE_CASE_ROLES:
        return ImportJob.objects.none()
    return ImportJob.objects.filter(organisation_id=membership.organisation_id)


def require_importer_role(user: Any) -> None:
    membership = membership_of(user)
    if membership is None or membership.role not in ORG_WIDE_CASE_ROLES:
        raise PermissionDenied


def get_job_for(user: Any, job_id: Any, *, with_file: bool = False) -> ImportJob:
    require_importer_role(user)
    jobs = visible_jobs(user)
    if not with_file:
        # The file is decrypted only by the steps that read it.
        jobs = jobs.defer("payload")
    try:
        return jobs.get(pk=uuid.UUID(str(job_id)))
    except (ValueError, ImportJob.DoesNotExist):
        raise Http404 from None
