"""What a referral shows the organisation it was sent to, worked out at read
time from the person's consent as it stands now (docs/referrals.md).

Two levels:

- **non-identifying** (always): the need, the province, languages, urgency,
  the service asked for, the sender's organisation and case reference, the
  note written for the receiver, and the dates and status of the referral.
- **personal** (only when the sender asked to share personal details, the
  referral is waiting for an answer or accepted, and the person's
  "referral_sharing" consent is in force today): adds the pseudonym, legal
  name, date of birth, phone, e-mail, safe contact, the languages the person
  speaks, immigration status, permit type and permit expiry.

Never shared, at any level: the case summary, notes, screenings, documents,
tasks, identity document and permit numbers, nationality, forms of
exploitation. Because nothing personal is copied into the referral, a
withdrawal of the consent hides the personal level on the next read.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from harbour.cases.consent import has_consent
from harbour.directory.models import Referral, ReferralStatus

SHARING_PURPOSE = "referral_sharing"
NON_IDENTIFYING = "non_identifying"
PERSONAL = "personal"

NON_IDENTIFYING_FIELDS = (
    "need",
    "province",
    "languages",
    "urgency",
    "service",
    "note",
    "sender_reference",
)
# Person fields shared at the personal level, in the order the page shows them.
PERSONAL_FIELDS = (
    ("pseudonym", _("Pseudonym")),
    ("legal_name", _("Legal name")),
    ("date_of_birth", _("Date of birth")),
    ("phone", _("Phone")),
    ("email", _("Email")),
    ("contact_notes", _("Safe contact and address")),
    ("languages", _("Languages the person speaks")),
    ("immigration_status", _("Immigration status")),
    ("permit_type", _("Permit type")),
    ("permit_expiry", _("Permit expiry")),
)
_CHOICE_FIELDS = {"immigration_status", "permit_type"}


@dataclass(frozen=True)
class SharedView:
    level: str
    consent_in_force: bool
    # (field name, label, value as shown) for the personal level; empty otherwise.
    personal: list[tuple[str, Any, Any]] = field(default_factory=list)
    # The same fields with their stored values (codes, dates), for the API.
    personal_raw: dict[str, Any] = field(default_factory=dict)

    @property
    def shares_personal(self) -> bool:
        return self.level == PERSONAL


def personal_allowed(referral: Referral, on: datetime.date | None = None) -> bool:
    """Whether the receiver may see personal details of this referral now."""
    if not referral.share_personal:
        return False
    if referral.status not in (ReferralStatus.PENDING, ReferralStatus.ACCEPTED):
        return False
    return has_consent(referral.case.person_id, SHARING_PURPOSE, on=on)


def shared_view(referral: Referral) -> SharedView:
    consent = has_consent(referral.case.person_id, SHARING_PURPOSE)
    if not personal_allowed(referral):
        return SharedView(NON_IDENTIFYING, consent)
    person = referral.case.person
    personal = []
    raw = {}
    for name, label in PERSONAL_FIELDS:
        raw[name] = getattr(person, name)
        shown = getattr(person, f"get_{name}_display")() if name in _CHOICE_FIELDS else raw[name]
        personal.append((name, label, shown))
    return SharedView(PERSONAL, consent, personal, raw)
