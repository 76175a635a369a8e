"""Every change the reports app makes: statistics profiles, releases, the
privacy-budget ledger and the public switch (docs/reports.md).

Profiles are derived data: refreshing one is part of the caller's change to a
person or case (audited there), so it writes no event of its own; the bulk
refresh writes one. Releases are published by platform admins only.
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Callable, Iterable
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import Prefetch, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from harbour.accounts.models import Membership, Role
from harbour.audit.services import Actor, record
from harbour.cases.models import Case, Person
from harbour.core.crypto import keyed_digest
from harbour.reports.categories import age_band, nationality_code
from harbour.reports.models import (
    PrivacyBudgetEntry,
    Release,
    ReleaseStatus,
    StatisticsProfile,
)

DATA_VERSION_KEY = "reports:data-version"
# The yearly ceiling of ε across releases (docs/reports.md, "Differential privacy").
YEARLY_EPSILON_BUDGET = 4.0
MAX_EPSILON_PER_RELEASE = 1.0
PROFILE_BATCH = 2000
SKETCH_BUCKETS = 64


class NotAllowed(Exception):
    """The actor's role does not allow this."""


class ReleaseRefused(Exception):
    """A release that cannot be published as asked; the message says why."""


# --- Statistics profiles -------------------------------------------------------------


def bump_data_version() -> None:
    """Cached dashboards key on this: any change to what is counted moves it."""
    try:
        cache.incr(DATA_VERSION_KEY)
    except ValueError:
        cache.set(DATA_VERSION_KEY, 1, None)


def data_version() -> int:
    return int(cache.get_or_set(DATA_VERSION_KEY, 1, None) or 1)


def _profile_for(person: Person, cases: list[Case]) -> StatisticsProfile:
    first = min(cases, key=lambda case: (case.opened_on, case.created_at), default=None)
    forms = sorted({form for case in cases for form in case.forms})
    digest = int(keyed_digest("harbour-statistics-sketch-v1", str(person.pk).encode())[:16], 16)
    return StatisticsProfile(
        sketch_bucket=digest % SKETCH_BUCKETS,
        sketch_value=(digest >> 8) % (1 << 40),
        person_id=person.pk,
        organisation_id=person.organisation_id,
        age_band=age_band(person.date_of_birth, first.opened_on if first else None),
        gender=person.gender,
        nationality=nationality_code(person.nationality),
        province=first.province if first else "",
        sector=first.sector if first else "",
        first_contact_year=first.opened_on.year if first else None,
        forms="|" + "|".join(forms) + "|" if forms else "",
    )


_PROFILE_FIELDS = [
    "organisation",
    "age_band",
    "gender",
    "nationality",
    "province",
    "sector",
    "first_contact_year",
    "forms",
    "sketch_bucket",
    "sketch_value",
    "refreshed_at",
]


def _save_profiles(profiles: list[StatisticsProfile]) -> None:
    now = timezone.now()
    for profile in profiles:
        profile.refreshed_at = now
    StatisticsProfile.objects.bulk_create(
        profiles,
        update_conflicts=True,
        unique_fields=["person"],
        update_fields=_PROFILE_FIELDS,
    )


def refresh_statistics_profile(person: Person) -> StatisticsProfile:
    """Recompute one person's profile from their record and cases (called by
    cases.services whenever a person or case is saved)."""
    profile = _profile_for(person, list(person.cases.all()))
    _save_profiles([profile])
    bump_data_version()
    return profile


def refresh_statistics_profiles(
    actor: Actor,
    people: QuerySet[Person] | None = None,
    *,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Recompute the profiles of many people (all by default), in batches:
    for existing data, after a bulk import, or after a change of the mapping."""
    queryset = (people if people is not None else Person.objects.all()).order_by("pk")
    queryset = queryset.prefetch_related(Prefetch("cases", queryset=Case.objects.order_by()))
    done = 0
    batch: list[StatisticsProfile] = []
    for person in queryset.iterator(chunk_size=PROFILE_BATCH):
        batch.append(_profile_for(person, list(person.cases.all())))
        if len(batch) >= PROFILE_BATCH:
            _save_profiles(batch)
            done += len(batch)
            batch = []
            if progress is not None:
                progress(done)
    if batch:
        _save_profiles(batch)
        done += len(batch)
    record(actor, "reports.profiles_refresh", None, detail={"people": done})
    bump_data_version()
    return done


def refresh_profiles_of(people: Iterable[Person]) -> None:
    """Refresh the given people's profiles (bulk case opening)."""
    ids = [person.pk for person in people]
    if not ids:
        return
    rows = Person.objects.filter(pk__in=ids).prefetch_related("cases")
    _save_profiles([_profile_for(person, list(person.cases.all())) for person in rows])
    bump_data_version()


# --- Releases ------------------------------------------------------------------------


def _require_platform_admin(actor: Actor) -> Membership:
    membership: Membership | None = getattr(actor.user_or_none, "membership", None)
    if membership is None or membership.role != Role.PLATFORM_ADMIN:
        raise NotAllowed(_("Only platform admins publish releases."))
    return membership


def epsilon_spent(year: int) -> float:
    total = PrivacyBudgetEntry.objects.filter(year=year).aggregate(total=Sum("epsilon"))["total"]
    return float(total or 0.0)


def check_budget(epsilon: float | None, year: int) -> None:
    """Refuse an ε that is not a positive number within the per-release cap,
    or that would take the year's spending over the yearly budget."""
    if epsilon is None:
        return
    if not epsilon > 0:
        raise ReleaseRefused(_("ε must be a positive number."))
    if epsilon > MAX_EPSILON_PER_RELEASE:
        raise ReleaseRefused(
            _("ε may be at most %(cap)s for one release.") % {"cap": MAX_EPSILON_PER_RELEASE}
        )
    spent = epsilon_spent(year)
    if spent + epsilon > YEARLY_EPSILON_BUDGET + 1e-9:
        raise ReleaseRefused(
            _(
                "This release would spend ε %(asked)s, but only %(left)s of the %(budget)s "
                "budgeted for %(year)s is left."
            )
            % {
                "asked": epsilon,
                "left": round(max(YEARLY_EPSILON_BUDGET - spent, 0.0), 3),
                "budget": YEARLY_EPSILON_BUDGET,
                "year": year,
            }
        )


def publish_release(
    actor: Actor,
    title: str,
    *,
    epsilon: float | None = None,
    as_of: datetime.date | None = None,
    run_now: bool = False,
) -> Release:
    """Start a release: check the budget, reserve its ε in the ledger, and
    build the tables in the background (or at once with `run_now`, for the
    command line). The secret seed is drawn here and never leaves the database."""
    _require_platform_admin(actor)
    title = (title or "").strip()
    if not title:
        raise ReleaseRefused(_("A release needs a title."))
    if len(title) > 200:
        raise ReleaseRefused(_("A title can be at most 200 characters."))
    day = as_of or timezone.localdate()
    with transaction.atomic():
        # One ledger at a time: two admins publishing at once cannot both
        # spend the last of the budget.
        list(PrivacyBudgetEntry.objects.select_for_update().filter(year=day.year))
        check_budget(epsilon, day.year)
        release = Release.objects.create(
            title=title,
            as_of=day,
            secret_seed=secrets.token_hex(32),
            epsilon=epsilon,
            published_by=actor.user_or_none,
        )
        if epsilon is not None:
            PrivacyBudgetEntry.objects.create(release=release, year=day.year, epsilon=epsilon)
        record(actor, "reports.release_start", None, detail={"release": str(release.pk)})
        if not run_now:
            from harbour.reports.tasks import build_release_task

            release_id = str(release.pk)
            transaction.on_commit(lambda: build_release_task.enqueue(release_id))
    if run_now:
        build_release(str(release.pk))
        release.refresh_from_db()
    return release


def build_release(release_id: str) -> Release:
    """Count, protect and store every table of the release (the background
    task). Counting reads outside a transaction, with progress written as it
    goes; the tables and the published state are written in one transaction,
    so a failure leaves no half-published release and gives the ε back."""
    from harbour.reports.releases import compute_release

    release = Release.objects.get(pk=release_id)
    if release.status != ReleaseStatus.BUILDING:
        return release
    try:
        tables, left_out = compute_release(release)
    except Exception as problem:  # the release must not stay "being built" forever
        with transaction.atomic():
            Release.objects.filter(pk=release.pk).update(
                status=ReleaseStatus.FAILED, failure=type(problem).__name__[:300]
            )
            PrivacyBudgetEntry.objects.filter(release=release).delete()
        raise
    with transaction.atomic():
        for table in tables:
            table.release = release
            table.save()
        Release.objects.filter(pk=release.pk).update(
            status=ReleaseStatus.PUBLISHED,
            published_at=timezone.now(),
            left_out_count=left_out[0],
            left_out_flag=left_out[1],
            tables_done=len(tables),
            tables_total=len(tables),
        )
        record(
            Actor.system("reports"),
            "reports.release_publish",
            None,
            detail={"release": str(release.pk), "tables": len(tables)},
        )
    release.refresh_from_db()
    return release


def set_release_public(actor: Actor, release: Release, public: bool) -> bool:
    """Show (or stop showing) a published release on the public site."""
    _require_platform_admin(actor)
    if release.status != ReleaseStatus.PUBLISHED:
        raise ReleaseRefused(_("Only a published release can be shown on the public site."))
    if release.is_public == public:
        return False
    with transaction.atomic():
        Release.objects.filter(pk=release.pk).update(is_public=public)
        release.is_public = public
        record(
            actor,
            "reports.release_public",
            None,
            detail={"release": str(release.pk), "public": public},
        )
    return True


def record_report_view(actor: Actor, what: str, **detail: Any) -> None:
    """Reading aggregates is not reading a case file, but who looked at which
    statistics is still worth an audit line (no figures in it)."""
    record(actor, "reports.view", None, detail={"what": what, **detail})
