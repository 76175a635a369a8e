"""Fictional parties on the demo cases, forming one network across two
organisations (an employer, its recruiter and its housing) and a few that
stand alone. Loaded once, in demo mode only: by `harbour serve` after the demo
cases (the `demo_networks` command), and after migrating when the cases exist."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from harbour.audit.services import Actor
from harbour.cases.consent import has_consent
from harbour.cases.models import Case
from harbour.cases.services import record_consent
from harbour.networks import services
from harbour.networks.models import Mention

# (case index, role, name, other name, phones, address): every value invented;
# phones in the 555-01xx range reserved for fiction.
PARTIES = [
    (
        0,
        "employer",
        "1234567 Ontario Inc.",
        "Sunrise Greenhouses",
        "519-555-0142",
        "120 Seacliff Dr, Leamington ON N8H 2L2",
    ),
    (0, "recruiter", "Bob Smith", "", "+1 (905) 555-0177", ""),
    (0, "housing", "", "", "", "44 Talbot St E, Leamington, Ontario N8H1L2"),
    (1, "employer", "1234567 ONTARIO LIMITED", "", "1-519-555-0142", ""),
    (1, "housing", "", "", "", "44 Talbot Street East, Leamington ON n8h 1l2"),
    (2, "recruiter", "Smith, Robert", "", "905.555.0177", ""),
    (
        2,
        "employer",
        "Ferme Beausoleil Ltée",
        "",
        "450-555-0110",
        "12 rang Saint-Joseph, Saint-Rémi QC J0L 2L0",
    ),
    (4, "transporter", "Rapid Transport Services", "", "905-555-0131", ""),
]


def load_demo_mentions() -> int:
    if not settings.DEMO_MODE or settings.PRODUCTION or Mention.objects.exists():
        return 0
    cases = list(Case.objects.order_by("created_at").select_related("person")[:6])
    if len(cases) < 5:
        return 0  # the demo cases load after migrating; the next start adds these
    created = 0
    with transaction.atomic():
        for index, role, name, other, phones, address in PARTIES:
            case = cases[index]
            staff = case.assigned_to.first()
            actor = Actor(user=staff, ip_address="demo")
            if not has_consent(case.person, services.PURPOSE):
                record_consent(actor, case.person, services.PURPOSE, method="spoken")
            services.add_mention(
                actor,
                case,
                {
                    "role": role,
                    "name": name,
                    "other_name": other,
                    "phones": phones,
                    "address": address,
                    "notes": "Fictional.",
                },
            )
            created += 1
    return created
