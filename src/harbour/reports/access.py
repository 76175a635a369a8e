"""Who sees which statistics.

- Coalition analysts: disclosure-controlled figures across every
  organisation of the installation (the live dashboard and releases).
- Supervisors and organisation admins: the same for their own organisation
  (the dashboard counts their organisation only); releases, which are
  installation-wide controlled figures, too.
- Platform admins: releases (they publish them), not the live dashboard.
- Caseworkers: no reports (403), as for every page their role has no use for.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from harbour.accounts.models import ORG_WIDE_CASE_ROLES, Membership, Role
from harbour.cases.access import membership_of
from harbour.reports.models import Release, ReleaseStatus
from harbour.reports.queries import Scope

DASHBOARD_ROLES = frozenset({*ORG_WIDE_CASE_ROLES, Role.ANALYST})
RELEASE_READERS = frozenset({*DASHBOARD_ROLES, Role.PLATFORM_ADMIN})


def can_see_dashboard(user: Any) -> bool:
    membership = membership_of(user)
    return bool(membership and membership.role in DASHBOARD_ROLES)


def can_read_releases(user: Any) -> bool:
    membership = membership_of(user)
    return bool(membership and membership.role in RELEASE_READERS)


def can_publish(user: Any) -> bool:
    membership = membership_of(user)
    return bool(membership and membership.role == Role.PLATFORM_ADMIN)


def dashboard_scope(
    user: Any, filters: tuple[tuple[str, str], ...] = (), as_of: datetime.date | None = None
) -> Scope:
    """The analyst's scope is the installation; a supervisor's their organisation."""
    membership: Membership | None = membership_of(user)
    if membership is None or membership.role not in DASHBOARD_ROLES:
        raise PermissionDenied
    organisation = None if membership.role == Role.ANALYST else membership.organisation_id
    return Scope(organisation, as_of or timezone.localdate(), filters)


def visible_releases(user: Any) -> Any:
    if not can_read_releases(user):
        return Release.objects.none()
    releases = Release.objects.all()
    if not can_publish(user):
        releases = releases.filter(status=ReleaseStatus.PUBLISHED)
    return releases


def get_release_for(user: Any, release_id: Any) -> Release:
    try:
        key = release_id if isinstance(release_id, uuid.UUID) else uuid.UUID(str(release_id))
        return visible_releases(user).get(pk=key)
    except (ValueError, Release.DoesNotExist):
        raise Http404 from None
