"""The services directory: who offers what help, where, in which languages.

This is public-facing organisational data (a service's phone line, its
hours), never personal data, so the fields are plain and searchable.

Needs, provinces and languages are short fixed lists stored as "|a|b|" so
that "serves X" is one portable LIKE on SQLite and PostgreSQL, as cases do
for forms of exploitation; a few thousand services are read in a few
milliseconds that way (docs/directory.md).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from harbour.accounts.models import Organisation, Province
from harbour.core.fields import EncryptedTextField


class Need(models.TextChoices):
    """The needs domains of a case plan (issue 5, part 2)."""

    SAFETY = "safety", _("Safety")
    HOUSING = "housing", _("Housing")
    HEALTH = "health", _("Health")
    MENTAL_HEALTH = "mental_health", _("Mental health")
    LEGAL = "legal", _("Legal")
    IMMIGRATION = "immigration", _("Immigration")
    INCOME = "income", _("Income")
    EMPLOYMENT = "employment", _("Employment")
    LANGUAGE = "language", _("Language")
    FAMILY = "family", _("Family")
    EDUCATION = "education", _("Education")


class Cost(models.TextChoices):
    FREE = "free", _("Free")
    SLIDING = "sliding", _("Sliding scale")
    FEE = "fee", _("Fee")


class Language(models.TextChoices):
    """Languages a service works in (ISO 639 codes; sign languages by their initials)."""

    EN = "en", _("English")
    FR = "fr", _("French")
    ES = "es", _("Spanish")
    TL = "tl", _("Tagalog")
    PA = "pa", _("Punjabi")
    HI = "hi", _("Hindi")
    ZH = "zh", _("Mandarin")
    YUE = "yue", _("Cantonese")
    AR = "ar", _("Arabic")
    FA = "fa", _("Persian")
    UK = "uk", _("Ukrainian")
    RU = "ru", _("Russian")
    PT = "pt", _("Portuguese")
    VI = "vi", _("Vietnamese")
    KO = "ko", _("Korean")
    TA = "ta", _("Tamil")
    UR = "ur", _("Urdu")
    NE = "ne", _("Nepali")
    TH = "th", _("Thai")
    SO = "so", _("Somali")
    TI = "ti", _("Tigrinya")
    AM = "am", _("Amharic")
    HT = "ht", _("Haitian Creole")
    QUC = "quc", _("K'iche'")
    IU = "iu", _("Inuktitut")
    CR = "cr", _("Cree")
    OJ = "oj", _("Ojibwe")
    ASL = "asl", _("American Sign Language")
    LSQ = "lsq", _("Quebec Sign Language (LSQ)")


def pack(values: Iterable[str]) -> str:
    """["b", "a"] -> "|a|b|"; nothing -> ""."""
    unique = sorted({value for value in values if value})
    return "|" + "|".join(unique) + "|" if unique else ""


def unpack(text: str) -> list[str]:
    return [item for item in text.split("|") if item]


class ServiceProvider(models.Model):
    """An organisation that offers services; it may or may not use Harbour."""

    name = models.CharField(_("name"), max_length=200)
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="directory_providers",
        verbose_name=_("organisation on Harbour"),
    )
    website = models.URLField(_("website"), blank=True)
    # The organisation whose directory editors keep this entry; none for the
    # shared seed directory, which only a reload or an import changes.
    maintained_by = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    seed_key = models.CharField(max_length=80, null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("service provider")
        indexes = [models.Index(fields=["name"])]

    def __str__(self) -> str:
        return self.name


class Service(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    provider = models.ForeignKey(
        ServiceProvider,
        on_delete=models.PROTECT,
        related_name="services",
        verbose_name=_("provider"),
    )
    name = models.CharField(_("name"), max_length=200)
    name_fr = models.CharField(_("name in French"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True, max_length=4000)
    description_fr = models.TextField(_("description in French"), blank=True, max_length=4000)
    needs = models.CharField(_("needs served"), max_length=200)
    provinces = models.CharField(_("provinces and territories served"), max_length=60)
    regions = models.CharField(_("regions served"), max_length=300, blank=True)
    languages = models.CharField(_("languages"), max_length=200, blank=True)
    eligibility = models.TextField(_("eligibility"), blank=True, max_length=2000)
    cost = models.CharField(_("cost"), max_length=10, choices=Cost.choices, default=Cost.FREE)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    website = models.URLField(_("website"), blank=True)
    hours = models.CharField(_("hours"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    last_verified = models.DateField(_("last verified"), null=True, blank=True)
    maintained_by = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    seed_key = models.CharField(max_length=80, null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("service")
        # The list pages active services in name order; the filters narrow
        # that scan (needs, provinces and languages are LIKEs on short text).
        indexes = [
            models.Index(fields=["is_active", "name", "id"]),
            models.Index(fields=["maintained_by", "is_active"]),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def need_list(self) -> list[str]:
        return unpack(self.needs)

    @property
    def province_list(self) -> list[str]:
        return unpack(self.provinces)

    @property
    def language_list(self) -> list[str]:
        return unpack(self.languages)

    def display_name(self, language: str) -> str:
        return self.name_fr if language == "fr" and self.name_fr else self.name

    def display_description(self, language: str) -> str:
        return self.description_fr if language == "fr" and self.description_fr else self.description

    def labels(self, choices: type[models.TextChoices], values: list[str]) -> list[str]:
        names = dict(choices.choices)
        return [str(names.get(value, value)) for value in values]

    def need_labels(self) -> list[str]:
        return self.labels(Need, self.need_list)

    def province_labels(self) -> list[str]:
        return self.labels(Province, self.province_list)

    def language_labels(self) -> list[str]:
        return self.labels(Language, self.language_list)


class DirectoryUpload(models.Model):
    """A checked spreadsheet waiting for its editor to confirm the import.

    Directory data is organisational, not personal, so the file is kept as
    is; it is deleted when imported, and the check runs again then.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    filename = models.CharField(max_length=200)
    data = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"directory upload {self.pk}"


# --- Referrals and transfers (docs/referrals.md) --------------------------------------


class ReferralKind(models.TextChoices):
    REFERRAL = "referral", _("Referral")
    TRANSFER = "transfer", _("Transfer")


class ReferralStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    COMPLETED = "completed", _("Completed")
    REVOKED = "revoked", _("Revoked")


class Urgency(models.TextChoices):
    ROUTINE = "routine", _("Routine")
    SOON = "soon", _("Within a week")
    URGENT = "urgent", _("Urgent: within a day")


class Referral(models.Model):
    """A referral (ownership stays with the sender) or a transfer (ownership
    moves to the receiver when it accepts) of a case to another organisation
    on Harbour.

    The plain fields are what any referral shares: the need, the province,
    languages, urgency, the sender's case reference. Personal details are
    never copied here: the receiver's view reads them from the person at read
    time, and only while the person's sharing consent is in force
    (harbour.directory.sharing), so a withdrawal hides them at once.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=10, choices=ReferralKind.choices)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="referrals")
    from_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("from")
    )
    to_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("to")
    )
    service = models.ForeignKey(
        Service,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="referrals",
        verbose_name=_("service"),
    )
    need = models.CharField(_("need"), max_length=20, choices=Need.choices, blank=True)
    province = models.CharField(_("province"), max_length=2, choices=Province.choices)
    languages = models.CharField(_("languages"), max_length=200, blank=True)
    urgency = models.CharField(
        _("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.ROUTINE
    )
    # Written for the receiver, without identifying details; narrative, so encrypted.
    note = EncryptedTextField(_("note for the receiving organisation"), blank=True)
    # The sender asked to share personal details; they show only while the
    # person's "referral_sharing" consent is in force.
    share_personal = models.BooleanField(_("share personal details"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.PENDING
    )
    sender_reference = models.CharField(_("sender's case reference"), max_length=20)
    # Transfers: the reference the receiver gave the case in its own numbering.
    receiver_reference = models.CharField(_("receiver's case reference"), max_length=20, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    decline_reason = EncryptedTextField(_("reason for declining"), blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("referral")
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(kind="transfer", status="pending"),
                name="one_pending_transfer_per_case",
            )
        ]
        # The inbox reads one organisation's incoming referrals by status and date.
        indexes = [
            models.Index(fields=["to_organisation", "status", "-created_at"]),
            models.Index(fields=["case", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.pk}"

    @property
    def badge_class(self) -> str:
        return _BADGES.get(self.status, "status-closed")

    @property
    def is_transfer(self) -> bool:
        return self.kind == ReferralKind.TRANSFER

    @property
    def is_open(self) -> bool:
        return self.status in (ReferralStatus.PENDING, ReferralStatus.ACCEPTED)

    @property
    def language_list(self) -> list[str]:
        return unpack(self.languages)

    def language_labels(self) -> list[str]:
        names = dict(Language.choices)
        return [str(names.get(code, code)) for code in self.language_list]


# Status badges reuse the colours of the case statuses (harbour.css).
_BADGES = {
    "pending": "status-intake",
    "made": "status-intake",
    "contacted": "status-in_progress",
    "accepted": "status-active",
    "completed": "status-completed",
}


class OutsideStatus(models.TextChoices):
    MADE = "made", _("Made")
    CONTACTED = "contacted", _("Contacted")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    COMPLETED = "completed", _("Completed")


class OutsideReferral(models.Model):
    """A referral to a service outside Harbour (a directory entry whose
    provider does not use Harbour, or one named in free text). Harbour shares
    nothing: staff make the referral themselves and track it here."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="outside_referrals"
    )
    service = models.ForeignKey(
        Service,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="outside_referrals",
        verbose_name=_("service in the directory"),
    )
    # The provider named in free text when the service is not in the directory.
    name = models.CharField(_("service or organisation"), max_length=200, blank=True)
    need = models.CharField(_("need"), max_length=20, choices=Need.choices, blank=True)
    note = EncryptedTextField(_("note"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=OutsideStatus.choices, default=OutsideStatus.MADE
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status_changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("referral outside Harbour")

    def __str__(self) -> str:
        return f"outside referral {self.pk}"

    @property
    def badge_class(self) -> str:
        return _BADGES.get(self.status, "status-closed")

    @property
    def display_name(self) -> str:
        if self.service_id is not None and self.service is not None:
            return f"{self.service.name} ({self.service.provider.name})"
        return self.name
