"""Mentions of parties on cases, the entities linkage resolves them into, the
networks those form, staff corrections, linkage runs and each organisation's
sharing setting. See docs/networks.md ("Mentions, entities and networks")."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from harbour.accounts.models import Organisation
from harbour.cases.models import Case
from harbour.core.fields import EncryptedTextField


class MentionRole(models.TextChoices):
    EMPLOYER = "employer", _("Employer")
    RECRUITER = "recruiter", _("Recruiter or agent")
    HOUSING = "housing", _("Housing address")
    WORKSITE = "worksite", _("Worksite")
    TRANSPORTER = "transporter", _("Transporter")


class Network(models.Model):
    """A connected component of the graph of cases and entities. Its facts
    (cases, organisations, provinces…) are worked out at read time from the
    mentions whose person consents today, so a withdrawal shows at once."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("network")

    def __str__(self) -> str:
        return f"network {self.pk}"


class Entity(models.Model):
    """One party (an employer, a recruiter, a place…) as linkage resolved it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    role = models.CharField(_("role"), max_length=12, choices=MentionRole.choices)
    # The engine's id ("<role>:<smallest mention id>"): mention ids, no content.
    key = models.CharField(max_length=60, unique=True)
    network = models.ForeignKey(
        Network, null=True, blank=True, on_delete=models.SET_NULL, related_name="entities"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["role", "created_at"]
        verbose_name = _("entity")
        verbose_name_plural = _("entities")

    def __str__(self) -> str:
        return f"entity {self.pk}"


class Mention(models.Model):
    """A party named on one case. Names, phones, address and notes are
    encrypted; exact lookups go through MentionKey's blind indexes."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="mentions")
    # The case's organisation, kept beside it so networks count organisations
    # without joining every case.
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("role"), max_length=12, choices=MentionRole.choices)
    name = EncryptedTextField(_("name (legal name for a business)"), blank=True)
    other_name = EncryptedTextField(_("operating name or other name"), blank=True)
    phones = EncryptedTextField(_("phones (one a line)"), blank=True)
    address = EncryptedTextField(_("address"), blank=True)
    notes = EncryptedTextField(_("notes"), blank=True)
    entity = models.ForeignKey(
        Entity, null=True, blank=True, on_delete=models.SET_NULL, related_name="mentions"
    )
    match_probability = models.FloatField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["role", "created_at"]
        verbose_name = _("mention")
        indexes = [models.Index(fields=["organisation", "role"])]

    def __str__(self) -> str:
        return f"{self.get_role_display()} mention"

    @property
    def phone_list(self) -> list[str]:
        return [line.strip() for line in (self.phones or "").splitlines() if line.strip()]

    @property
    def display_name(self) -> str:
        return self.name or self.other_name or self.address or str(self.get_role_display())


class MentionKey(models.Model):
    """A blind index (HMAC) of one normalised key of a mention: its phone, its
    name, its address, or a combination linkage joins on. Equal digests mean
    equal normalised values; the digest says nothing without the index key."""

    mention = models.ForeignKey(Mention, on_delete=models.CASCADE, related_name="keys")
    kind = models.CharField(max_length=40)
    digest = models.CharField(max_length=64)

    class Meta:
        indexes = [models.Index(fields=["kind", "digest"])]
        constraints = [
            models.UniqueConstraint(fields=["mention", "kind", "digest"], name="unique_mention_key")
        ]

    def __str__(self) -> str:
        return self.kind


class ConstraintKind(models.TextChoices):
    MUST_LINK = "must_link", _("Same party (merge)")
    CANNOT_LINK = "cannot_link", _("Different parties (split)")


class LinkConstraint(models.Model):
    """A correction by staff, applied after every clustering (full or incremental)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=12, choices=ConstraintKind.choices)
    mention_a = models.ForeignKey(Mention, on_delete=models.CASCADE, related_name="+")
    mention_b = models.ForeignKey(Mention, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("linkage correction")

    def __str__(self) -> str:
        return self.kind


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Linking")
    DONE = "done", _("Done")
    FAILED = "failed", _("Stopped: nothing was changed")


class LinkageRun(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    mentions = models.PositiveIntegerField(default=0)
    entities = models.PositiveIntegerField(default=0)
    networks = models.PositiveIntegerField(default=0)
    # Per role: "model" or "deterministic" (the engine's choice).
    methods = models.JSONField(default=dict, blank=True)
    # Written while the engine works (outside the run's transaction).
    percent = models.PositiveSmallIntegerField(default=0)
    stage = models.CharField(max_length=20, blank=True)
    failure = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("linkage run")

    def __str__(self) -> str:
        return f"linkage run {self.pk}"


class SharingSetting(models.Model):
    """What an organisation lets others see of its cases in shared networks.

    Without it (or with nobody chosen) other organisations see only how many
    of its cases a network holds and `contact`. Organisations in `shares_with`
    also see the case references and the role each case plays."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="network_sharing"
    )
    contact = models.CharField(
        _("contact for other organisations"),
        max_length=200,
        blank=True,
        help_text=_("How another organisation reaches you about a shared network."),
    )
    shares_with = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="+",
        verbose_name=_("share case references with"),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("network sharing setting")

    def __str__(self) -> str:
        return f"sharing of {self.organisation_id}"
