"""The recognition gap: people whose screening read trafficking or forced
labour, against those who applied for and received each protection, by
year of the reading and by province; and how long they waited.

Which readings count: `trafficking_indicated` and `forced_labour_indicators`
(screening.engine.ReadingCode). "Exploitative conditions only", "not enough
information" and "no indicators" are not a trafficking or forced-labour
reading. Only completed assessments count, the first qualifying one per
person, and only people whose consent to statistics is in force.

Waiting times are a survival summary (Kaplan-Meier): a person still waiting
on the counting day is censored at that day, never dropped, so long waits
are not hidden by leaving out the people who are still in them. A quartile is
reported only when the curve reaches it; durations are shown only for
protections with at least k applicants.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import (
    Count,
    DateTimeField,
    Exists,
    F,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext_lazy as _

from harbour.cases.consent import with_consent
from harbour.cases.models import Person
from harbour.pathways.models import Application
from harbour.reports import disclosure
from harbour.reports.queries import STATISTICS, Counted, Scope, category_code
from harbour.reports.tables import CATEGORY_LISTS, PROVINCE, Dimension, TableDefinition, Unit
from harbour.screening.engine import ReadingCode
from harbour.screening.models import Assessment, AssessmentStatus

READINGS = (ReadingCode.TRAFFICKING_INDICATED.value, ReadingCode.FORCED_LABOUR_INDICATORS.value)

# Protections and the pathways (knowledge ids) that give them.
PROTECTIONS: dict[str, tuple[str, ...]] = {
    "trafficking_trp": ("vtip_trp",),
    "vulnerable_worker_permit": ("owp_vulnerable_workers",),
    "refugee_protection": ("refugee_claim",),
    "humanitarian": ("hc_permanent_residence",),
    "provincial_claim": (
        "bc_tfwpa",
        "mb_wrapa",
        "on_epfna",
        "on_esa_claim",
        "qc_cnesst",
        "employment_standards_ab",
        "employment_standards_nb",
        "employment_standards_nl",
        "employment_standards_ns",
        "employment_standards_nt",
        "employment_standards_nu",
        "employment_standards_pe",
        "employment_standards_sk",
        "employment_standards_yt",
    ),
}
PROTECTION_LABELS = {
    "trafficking_trp": _("Trafficking victims' TRP"),
    "vulnerable_worker_permit": _("Open work permit for vulnerable workers"),
    "refugee_protection": _("Refugee protection"),
    "humanitarian": _("Humanitarian and compassionate grounds"),
    "provincial_claim": _("Provincial employment claim"),
}
STAGES = ("applied", "granted")


def _stages() -> list[tuple[str, str]]:
    items = []
    for key, label in PROTECTION_LABELS.items():
        items.append((f"{key}:applied", str(_("%(protection)s: applied") % {"protection": label})))
        items.append((f"{key}:granted", str(_("%(protection)s: granted") % {"protection": label})))
    return items


CATEGORY_LISTS["gap_stage"] = _stages
CATEGORY_LISTS["gap_protection"] = lambda: [(k, str(v)) for k, v in PROTECTION_LABELS.items()]
CATEGORY_LISTS["gap_measure"] = lambda: [
    ("waiting", str(_("Still waiting"))),
]

STAGE = Dimension("gap_stage", _("Protection"), multi=True)
GAP_PROTECTION = Dimension("gap_protection", _("Protection"), multi=True)
GAP_MEASURE = Dimension("gap_measure", _("People"))
READING_YEAR = Dimension("year", _("Year of the screening reading"))

GAP_BY_YEAR = TableDefinition(
    "gap_by_year",
    _("Recognition gap by year of the screening"),
    _(
        "Among people whose screening read trafficking or forced labour (the column totals), "
        "how many applied for and were granted each protection."
    ),
    Unit.PEOPLE,
    STAGE,
    READING_YEAR,
)
GAP_BY_PROVINCE = TableDefinition(
    "gap_by_province",
    _("Recognition gap by province"),
    _("The same, by the province of the person's first case."),
    Unit.PEOPLE,
    STAGE,
    PROVINCE,
)
GAP_WAITING = TableDefinition(
    "gap_waiting",
    _("People still waiting for a decision"),
    _("People with a trafficking or forced-labour reading whose application has no decision yet."),
    Unit.PEOPLE,
    GAP_PROTECTION,
    GAP_MEASURE,
)
GAP_TABLES = (GAP_BY_YEAR, GAP_BY_PROVINCE, GAP_WAITING)


def _readings(as_of: datetime.date) -> QuerySet[Assessment]:
    """The qualifying readings of the person of the outer row."""
    return Assessment.objects.filter(
        case__person=OuterRef("pk"),
        status=AssessmentStatus.COMPLETED,
        reading_code__in=READINGS,
        completed_at__date__lte=as_of,
    )


def _first_reading(as_of: datetime.date) -> Subquery:
    return Subquery(
        _readings(as_of).order_by("completed_at").values("completed_at")[:1],
        output_field=DateTimeField(),
    )


def _applications(protection: str, as_of: datetime.date) -> QuerySet[Application]:
    return Application.objects.filter(
        case__person=OuterRef("pk"),
        pathway_id__in=PROTECTIONS[protection],
        submitted_on__lte=as_of,
    )


def screened_people(scope: Scope) -> QuerySet[Person]:
    """People (consenting on the day) with a qualifying reading, annotated
    with its date and, per protection, applied / granted / waiting."""
    people = with_consent(Person.objects.all(), STATISTICS, on=scope.as_of)
    if scope.organisation_id is not None:
        people = people.filter(organisation_id=scope.organisation_id)
    # The EXISTS is what the planner can turn into a semi-join from the few
    # readings; without it, the first reading was looked up for every
    # consenting person (a million sub-queries) before most were dropped.
    people = (
        people.filter(Exists(_readings(scope.as_of)))
        .annotate(first_reading=_first_reading(scope.as_of))
        .filter(first_reading__isnull=False)
    )
    annotations = {}
    for protection in PROTECTIONS:
        applied = _applications(protection, scope.as_of)
        annotations[f"{protection}__applied"] = Exists(applied)
        annotations[f"{protection}__granted"] = Exists(
            applied.filter(decision__outcome="granted", decision__decided_on__lte=scope.as_of)
        )
        annotations[f"{protection}__waiting"] = Exists(
            applied.filter(Q(decision__isnull=True) | Q(decision__decided_on__gt=scope.as_of))
        )
    return people.annotate(**annotations)


def _count_stages(definition: TableDefinition, scope: Scope, group: str) -> Counted:
    people = screened_people(scope)
    if group == "year":
        people = people.annotate(group_value=ExtractYear("first_reading"))
    else:
        people = people.annotate(group_value=F("statistics_profile__province"))
    aggregates = {"n": Count("pk")}
    stage_codes = definition.rows.codes()
    for index, code in enumerate(stage_codes):
        protection, stage = code.split(":")
        aggregates[f"m{index}"] = Count("pk", filter=Q(**{f"{protection}__{stage}": True}))
    counted = Counted(rows=stage_codes, cols=definition.cols.codes())
    known = set(counted.cols)
    for row in people.order_by().values("group_value").annotate(**aggregates):
        col = category_code(definition.cols, row["group_value"], known)
        counted.col_totals[col] = counted.col_totals.get(col, 0) + row["n"]
        counted.total += row["n"]
        for index, code in enumerate(stage_codes):
            counted.cells[(code, col)] = counted.cells.get((code, col), 0) + row[f"m{index}"]
            counted.row_totals[code] = counted.row_totals.get(code, 0) + row[f"m{index}"]
    return counted


def _count_waiting(scope: Scope) -> Counted:
    people = screened_people(scope)
    codes = GAP_PROTECTION.codes()
    aggregates = {
        f"w{i}": Count("pk", filter=Q(**{f"{p}__waiting": True})) for i, p in enumerate(codes)
    }
    any_waiting = Q()
    for protection in codes:
        any_waiting |= Q(**{f"{protection}__waiting": True})
    aggregates["n"] = Count("pk", filter=any_waiting)
    result = people.order_by().aggregate(**aggregates)
    counted = Counted(rows=codes, cols=("waiting",))
    for index, code in enumerate(codes):
        counted.cells[(code, "waiting")] = result[f"w{index}"] or 0
        counted.row_totals[code] = result[f"w{index}"] or 0
    counted.col_totals["waiting"] = result["n"] or 0
    counted.total = result["n"] or 0
    return counted


def count_gap(definition: TableDefinition, scope: Scope) -> Counted:
    if definition is GAP_BY_YEAR:
        return _count_stages(definition, scope, "year")
    if definition is GAP_BY_PROVINCE:
        return _count_stages(definition, scope, "province")
    return _count_waiting(scope)


# --- Waiting times ---------------------------------------------------------------------


def survival_quartiles(
    durations: Sequence[tuple[int, bool]],
) -> tuple[int | None, int | None, int | None]:
    """Kaplan-Meier 25th, 50th and 75th percentiles of the time to the event.

    durations: (days, decided) per person; decided False means still waiting
    (censored at that many days). A percentile is the first time at which the
    estimated share still waiting falls to 1 - p or below; None when the curve
    never gets there (too many still waiting to say).
    """
    ordered = sorted(durations)
    at_risk = len(ordered)
    survival = 1.0
    wanted = [0.75, 0.5, 0.25]
    found: list[int | None] = [None, None, None]
    index = 0
    while index < len(ordered):
        day = ordered[index][0]
        events = censored = 0
        while index < len(ordered) and ordered[index][0] == day:
            if ordered[index][1]:
                events += 1
            else:
                censored += 1
            index += 1
        if events and at_risk:
            survival *= 1 - events / at_risk
            for position, level in enumerate(wanted):
                if found[position] is None and survival <= level + 1e-12:
                    found[position] = day
        at_risk -= events + censored
    return found[0], found[1], found[2]


@dataclass(frozen=True)
class WaitingTime:
    protection: str
    label: str
    applicants_enough: bool
    from_contact: tuple[int | None, int | None, int | None]
    from_screening: tuple[int | None, int | None, int | None]


def waiting_times(scope: Scope, k: int = disclosure.DEFAULT_K) -> list[WaitingTime]:
    """Days from first contact and from the screening to the decision on the
    person's first application for each protection (quartiles)."""
    people = screened_people(scope).annotate(
        first_contact=Min("cases__opened_on"),
    )
    results = []
    for protection, pathways in PROTECTIONS.items():
        first_application = Application.objects.filter(
            case__person=OuterRef("pk"), pathway_id__in=pathways, submitted_on__lte=scope.as_of
        ).order_by("submitted_on", "created_at")
        rows = list(
            people.filter(**{f"{protection}__applied": True})
            .annotate(
                decided_on=Subquery(first_application.values("decision__decided_on")[:1]),
            )
            .values_list("first_contact", "first_reading", "decided_on")
        )
        enough = len(rows) >= k
        contact: list[tuple[int, bool]] = []
        screening: list[tuple[int, bool]] = []
        if enough:
            for first_contact, first_reading, decided_on in rows:
                decided = decided_on is not None and decided_on <= scope.as_of
                end = decided_on if decided else scope.as_of
                reading_day = (
                    first_reading.date() if hasattr(first_reading, "date") else first_reading
                )
                if first_contact is not None:
                    contact.append((max((end - first_contact).days, 0), decided))
                screening.append((max((end - reading_day).days, 0), decided))
        results.append(
            WaitingTime(
                protection,
                str(PROTECTION_LABELS[protection]),
                enough,
                survival_quartiles(contact) if enough else (None, None, None),
                survival_quartiles(screening) if enough else (None, None, None),
            )
        )
    return results


def waiting_entries(times: Sequence[WaitingTime]) -> list[list[object]]:
    """As stored in a release: [protection, measure, days, flag]; flag is
    "suppressed" under k applicants and "not_reached" when the curve does not
    reach the quartile (too many still waiting)."""
    entries: list[list[object]] = []
    names = ("q1", "median", "q3")
    for time in times:
        for start, values in (("contact", time.from_contact), ("screening", time.from_screening)):
            for name, value in zip(names, values, strict=True):
                measure = f"{name}_from_{start}"
                if not time.applicants_enough:
                    entries.append([time.protection, measure, None, "suppressed"])
                elif value is None:
                    entries.append([time.protection, measure, None, "not_reached"])
                else:
                    entries.append([time.protection, measure, value, "published"])
    return entries
