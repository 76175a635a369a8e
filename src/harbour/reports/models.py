"""Statistics profiles, releases and the privacy-budget ledger
(docs/reports.md; docs/data-classification.md for what a profile holds).

A statistics profile is one row per person holding only coarse categories
(an age band, a gender category, a country code, the province, sector and
year of first contact, the forms of exploitation): enough to count people in
SQL without decrypting a million identifying fields, and nothing that names
or contacts anyone.

A release is frozen once published: its tables hold published values only
(a rounded count or "suppressed", never the true count), its secret seed is
never shown, and nothing writes to it afterwards except the "public" switch.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from harbour.accounts.models import Organisation
from harbour.cases.models import Gender, Person


class AgeBand(models.TextChoices):
    UNDER_18 = "under_18", _("Under 18")
    FROM_18 = "18_24", _("18 to 24")
    FROM_25 = "25_34", _("25 to 34")
    FROM_35 = "35_44", _("35 to 44")
    FROM_45 = "45_54", _("45 to 54")
    FROM_55 = "55_plus", _("55 and over")
    UNKNOWN = "unknown", _("Not recorded")


class StatisticsProfile(models.Model):
    """The coarse categories of one person, refreshed from the encrypted
    record by `reports.services.refresh_statistics_profile`."""

    person = models.OneToOneField(
        Person, on_delete=models.CASCADE, primary_key=True, related_name="statistics_profile"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    age_band = models.CharField(max_length=10, choices=AgeBand.choices, default=AgeBand.UNKNOWN)
    gender = models.CharField(max_length=12, choices=Gender.choices, default=Gender.NOT_RECORDED)
    # ISO 3166-1 alpha-2; "" when nothing was recorded or the text names no country.
    nationality = models.CharField(max_length=2, blank=True, default="")
    # Of the person's first case (first contact); "" before any case.
    province = models.CharField(max_length=2, blank=True, default="")
    sector = models.CharField(max_length=20, blank=True, default="")
    first_contact_year = models.PositiveSmallIntegerField(null=True, blank=True)
    # Every form of exploitation on any of the person's cases, as "|a|b|"
    # (the cases' own encoding), so "has form X" is one LIKE on both databases.
    forms = models.CharField(max_length=200, blank=True, default="")
    # For differencing protection between releases: a keyed digest of the
    # person's id cut into a bucket (0-63) and a 40-bit value. A release stores
    # per entry only the sum of these values per bucket, which says whether
    # its people changed but not who they are (reports.queries).
    sketch_bucket = models.PositiveSmallIntegerField(default=0)
    sketch_value = models.BigIntegerField(default=0)
    refreshed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("statistics profile")
        indexes = [models.Index(fields=["organisation", "first_contact_year"])]

    def __str__(self) -> str:
        return f"statistics profile {self.pk}"


class ReleaseStatus(models.TextChoices):
    BUILDING = "building", _("Being built")
    PUBLISHED = "published", _("Published")
    FAILED = "failed", _("Failed")


class Release(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    title = models.CharField(_("title"), max_length=200)
    # The day the counts were taken: consent in force on this day decides
    # who is counted.
    as_of = models.DateField(_("counted on"))
    status = models.CharField(
        max_length=10, choices=ReleaseStatus.choices, default=ReleaseStatus.BUILDING
    )
    tables_done = models.PositiveSmallIntegerField(default=0)
    tables_total = models.PositiveSmallIntegerField(default=0)
    # Random per release, drawn with `secrets`; the rounding of every cell
    # derives from it. Never shown on a page, an export or the API.
    secret_seed = models.CharField(max_length=64, editable=False)
    k = models.PositiveSmallIntegerField(_("threshold k"), default=11)
    rounding_base = models.PositiveSmallIntegerField(_("rounding base"), default=5)
    epsilon = models.FloatField(_("privacy budget ε"), null=True, blank=True)
    # People left out for lack of consent, as published (rounded or suppressed).
    left_out_count = models.PositiveIntegerField(null=True, blank=True)
    left_out_flag = models.CharField(max_length=12, blank=True)
    is_public = models.BooleanField(_("shown on the public site"), default=False)
    # The engine's memory of this release for differencing protection of the
    # next one (per entry: published value and people sketch; no person id).
    protection = models.JSONField(default=dict, editable=False)
    failure = models.CharField(max_length=300, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("release")

    def __str__(self) -> str:
        return self.title


class ReleaseTable(models.Model):
    """One published table of a release. `cells` are [row, col, count, flag]
    lists with count None where suppressed: published values only."""

    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="tables")
    key = models.CharField(max_length=40)
    position = models.PositiveSmallIntegerField(default=0)
    cells = models.JSONField(default=list)

    class Meta:
        ordering = ["position"]
        verbose_name = _("release table")
        constraints = [
            models.UniqueConstraint(fields=["release", "key"], name="one_table_per_key_a_release")
        ]

    def __str__(self) -> str:
        return f"{self.key} of {self.release_id}"


class PrivacyBudgetEntry(models.Model):
    """The ε a release spent, in the year of its counting day. A release that
    fails to build gives its ε back (the entry is deleted with nothing published)."""

    release = models.OneToOneField(Release, on_delete=models.CASCADE, related_name="budget_entry")
    year = models.PositiveSmallIntegerField()
    epsilon = models.FloatField()
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["year", "recorded_at"]
        verbose_name = _("privacy budget entry")
        verbose_name_plural = _("privacy budget entries")

    def __str__(self) -> str:
        return f"ε {self.epsilon} in {self.year}"


# --- HTCDS export ---


class IdentifiedExportGrant(models.Model):
    """A platform admin's permission for one organisation to export identified
    HTCDS records (names, contact, document numbers, free text) to one named
    partner organisation. Revoking is a new state of the row, never a delete,
    so who allowed what, and until when, stays answerable; both are audited.
    Even under a grant, a person's record is identified only while their
    consent to sharing with another organisation is in force."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    partner = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField(auto_now_add=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-granted_at"]
        verbose_name = _("identified HTCDS export grant")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "partner"],
                condition=models.Q(revoked_at__isnull=True),
                name="one_active_htcds_grant_per_partner",
            ),
            models.CheckConstraint(
                condition=~models.Q(organisation=models.F("partner")),
                name="htcds_grant_to_another_organisation",
            ),
        ]

    def __str__(self) -> str:
        return f"HTCDS grant {self.pk}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
