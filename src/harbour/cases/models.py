"""People, cases and notes. Identifying and narrative fields are encrypted;
see docs/data-classification.md for each field's level."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from harbour.accounts.models import Organisation, Province
from harbour.core.crypto import blind_index
from harbour.core.fields import EncryptedDateField, EncryptedTextField
from harbour.core.normalise import normalise_document_number, normalise_phone

# One list of need domains for case plans and referrals: the directory's, so
# that services are searched by the very needs a case plan names.
from harbour.directory.models import Need as NeedDomain


class ImmigrationStatus(models.TextChoices):
    CITIZEN_OR_PR = "citizen_pr", _("Citizen or permanent resident")
    TEMPORARY_WORKER = "temporary_worker", _("Temporary foreign worker")
    STUDENT = "student", _("International student")
    VISITOR = "visitor", _("Visitor")
    REFUGEE_CLAIMANT = "refugee_claimant", _("Refugee claimant")
    PROTECTED_PERSON = "protected_person", _("Protected person")
    TRP_HOLDER = "trp_holder", _("Temporary resident permit holder")
    NO_STATUS = "no_status", _("No current status")
    UNKNOWN = "unknown", _("Unknown or not yet asked")


class PermitType(models.TextChoices):
    NONE = "", _("None")
    EMPLOYER_SPECIFIC = "employer_specific", _("Employer-specific work permit")
    OPEN_WORK = "open_work", _("Open work permit")
    VULNERABLE_WORKER_OWP = "owp_v", _("Open work permit for vulnerable workers")
    STUDY = "study", _("Study permit")
    TRP = "trp", _("Temporary resident permit")
    VISITOR_RECORD = "visitor_record", _("Visitor record")
    OTHER = "other", _("Other")


class Gender(models.TextChoices):
    # Four coarse answers, enough for statistics (docs/data-classification.md
    # says why this field is not encrypted); "not recorded" is the default so
    # that nobody is counted under a guess.
    WOMAN = "woman", _("Woman")
    MAN = "man", _("Man")
    ANOTHER = "another", _("Non-binary or another gender")
    NOT_RECORDED = "not_recorded", _("Not recorded")


class Person(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="people")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The pseudonym is what lists and the dashboard show; staff choose it so
    # that it says nothing about the real person.
    pseudonym = models.CharField(_("pseudonym"), max_length=80, db_index=True)
    legal_name = EncryptedTextField(_("legal name"), blank=True)
    date_of_birth = EncryptedDateField(_("date of birth"), blank=True, null=True)
    phone = EncryptedTextField(_("phone"), blank=True)
    email = EncryptedTextField(_("email"), blank=True)
    contact_notes = EncryptedTextField(_("safe contact and address"), blank=True)
    identity_document_number = EncryptedTextField(_("identity document number"), blank=True)
    permit_number = EncryptedTextField(_("permit number"), blank=True)
    nationality = EncryptedTextField(_("nationality"), blank=True)
    languages = EncryptedTextField(_("languages"), blank=True)
    gender = models.CharField(
        _("gender"), max_length=12, choices=Gender.choices, default=Gender.NOT_RECORDED
    )
    immigration_status = models.CharField(
        _("immigration status"),
        max_length=20,
        choices=ImmigrationStatus.choices,
        default=ImmigrationStatus.UNKNOWN,
    )
    permit_type = models.CharField(
        _("permit type"), max_length=20, choices=PermitType.choices, blank=True, default=""
    )
    permit_expiry = models.DateField(_("permit expiry"), null=True, blank=True)
    phone_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    document_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    permit_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["pseudonym"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        # The dashboard's "permits expiring soon" reads people of one
        # organisation in expiry order.
        indexes = [models.Index(fields=["organisation", "permit_expiry"])]

    def __str__(self) -> str:
        return self.pseudonym

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.refresh_blind_indexes()
        super().save(*args, **kwargs)

    def refresh_blind_indexes(self) -> None:
        self.phone_index = phone_index_for(self.phone)
        self.document_index = document_index_for(self.identity_document_number)
        self.permit_index = document_index_for(self.permit_number)


# The fields staff enter for a person (forms, API, import, export), in order.
PERSON_FIELDS = (
    "pseudonym",
    "legal_name",
    "date_of_birth",
    "phone",
    "email",
    "contact_notes",
    "identity_document_number",
    "permit_number",
    "nationality",
    "languages",
    "gender",
    "immigration_status",
    "permit_type",
    "permit_expiry",
)


def phone_index_for(raw: str) -> str:
    normalised = normalise_phone(raw or "")
    return blind_index("phone", normalised) if normalised else ""


def document_index_for(raw: str) -> str:
    normalised = normalise_document_number(raw or "")
    return blind_index("document", normalised) if normalised else ""


class CaseStatus(models.TextChoices):
    INTAKE = "intake", _("Intake")
    ACTIVE = "active", _("Active")
    ON_HOLD = "on_hold", _("On hold")
    CLOSED = "closed", _("Closed")


class ExploitationForm(models.TextChoices):
    LABOUR_TRAFFICKING = "labour_trafficking", _("Labour trafficking")
    SEXUAL_EXPLOITATION = "sexual_exploitation", _("Sexual exploitation")
    DOMESTIC_SERVITUDE = "domestic_servitude", _("Domestic servitude")
    FORCED_CRIMINALITY = "forced_criminality", _("Forced criminality")
    WORKER_AT_RISK = "worker_at_risk", _("Worker at risk (labour exploitation)")
    OTHER = "other", _("Other or not yet known")


class Sector(models.TextChoices):
    AGRICULTURE = "agriculture", _("Agriculture")
    FOOD_PROCESSING = "food_processing", _("Food processing")
    CONSTRUCTION = "construction", _("Construction")
    HOSPITALITY = "hospitality", _("Hospitality and food service")
    CARE_WORK = "care_work", _("Caregiving and domestic work")
    CLEANING = "cleaning", _("Cleaning")
    TRUCKING = "trucking", _("Trucking and transport")
    MANUFACTURING = "manufacturing", _("Manufacturing")
    SEX_INDUSTRY = "sex_industry", _("Sex industry")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Unknown")


class Case(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="cases")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="cases")
    reference = models.CharField(_("reference"), max_length=20)
    status = models.CharField(
        _("status"), max_length=10, choices=CaseStatus.choices, default=CaseStatus.INTAKE
    )
    assigned_to = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="assigned_cases",
        verbose_name=_("assigned staff"),
    )
    province = models.CharField(_("province"), max_length=2, choices=Province.choices)
    # Stored as "|a|b|" so that "has form X" is one portable LIKE on SQLite
    # and PostgreSQL alike; the list of forms is short and fixed.
    exploitation_forms = models.CharField(_("forms of exploitation"), max_length=200, blank=True)
    sector = models.CharField(
        _("sector"), max_length=20, choices=Sector.choices, default=Sector.UNKNOWN
    )
    summary = EncryptedTextField(_("summary"), blank=True)
    opened_on = models.DateField(_("opened on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-opened_on", "-created_at"]
        verbose_name = _("case")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "reference"], name="unique_reference")
        ]
        indexes = [
            models.Index(fields=["organisation", "-opened_on", "-created_at"]),
            models.Index(fields=["organisation", "status"]),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def forms(self) -> list[str]:
        return [item for item in self.exploitation_forms.split("|") if item]

    @forms.setter
    def forms(self, values: list[str]) -> None:
        self.exploitation_forms = "|" + "|".join(sorted(set(values))) + "|" if values else ""

    def get_forms_display(self) -> list[str]:
        labels = dict(ExploitationForm.choices)
        return [str(labels.get(value, value)) for value in self.forms]


class Note(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = EncryptedTextField(_("note"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("note")

    def __str__(self) -> str:
        return f"note {self.pk}"


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


DEFAULT_REMINDER_DAYS = (7, 1)
MAX_REMINDER_DAYS = 365
MAX_REMINDERS = 5


def parse_reminder_days(raw: str) -> tuple[int, ...]:
    """ "30, 7,1" -> (30, 7, 1): days before the due date, largest first.

    Raises ValueError naming what is wrong; an empty text means no reminder.
    """
    days: set[int] = set()
    for part in raw.split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit():
            raise ValueError(_("Reminders are whole numbers of days, separated by commas."))
        value = int(part)
        if value > MAX_REMINDER_DAYS:
            raise ValueError(_("A reminder can be at most 365 days before the due date."))
        days.add(value)
    if len(days) > MAX_REMINDERS:
        raise ValueError(_("A task can have at most five reminders."))
    return tuple(sorted(days, reverse=True))


def format_reminder_days(days: tuple[int, ...] | list[int]) -> str:
    return ",".join(str(day) for day in sorted(set(days), reverse=True))


class NeedPriority(models.TextChoices):
    URGENT = "urgent", _("Urgent")
    HIGH = "high", _("High")
    NORMAL = "normal", _("Normal")
    LOW = "low", _("Low")


PRIORITY_RANK = {value: rank for rank, value in enumerate(NeedPriority.values)}


class NeedStatus(models.TextChoices):
    IDENTIFIED = "identified", _("Identified")
    IN_PROGRESS = "in_progress", _("In progress")
    MET = "met", _("Met")
    NO_LONGER_NEEDED = "no_longer_needed", _("No longer needed")


ACTIVE_NEED_STATUSES = (NeedStatus.IDENTIFIED, NeedStatus.IN_PROGRESS)


class Need(models.Model):
    """One need of the person on the case plan, in one domain (housing,
    immigration…). The note is narrative and encrypted; the domain, priority
    and status are plain, so plans can be counted and filtered. A need is never
    deleted: "no longer needed" is a status, and each status change is kept
    in NeedStatusChange."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="needs")
    domain = models.CharField(_("need"), max_length=20, choices=NeedDomain.choices)
    priority = models.CharField(
        _("priority"), max_length=10, choices=NeedPriority.choices, default=NeedPriority.NORMAL
    )
    status = models.CharField(
        _("status"), max_length=20, choices=NeedStatus.choices, default=NeedStatus.IDENTIFIED
    )
    note = EncryptedTextField(_("note"), blank=True)
    identified_on = models.DateField(_("identified on"))
    identified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("need")
        constraints = [
            # Two open housing needs on one plan would split its actions.
            models.UniqueConstraint(
                fields=["case", "domain"],
                condition=models.Q(status__in=["identified", "in_progress"]),
                name="one_active_need_per_domain",
            )
        ]
        indexes = [models.Index(fields=["case", "status"])]

    def __str__(self) -> str:
        return f"need {self.pk}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_NEED_STATUSES


class NeedStatusChange(models.Model):
    """The history of a need's status: who moved it to which status, when.
    Kept as a record of the case (shredded with it), not in the audit trail,
    which holds field names only."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="status_changes")
    status = models.CharField(_("status"), max_length=20, choices=NeedStatus.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["changed_at", "id"]
        verbose_name = _("need status change")

    def __str__(self) -> str:
        return f"need {self.need_id} -> {self.status}"


class Task(models.Model):
    """Something to do on a case by a date. Titles are typed by staff and may
    name people, so they are encrypted; calendars and e-mails never show them.

    `source` is blank for tasks made by hand; automatic ones (permit expiry,
    pathway deadlines) carry a stable key so that making them again finds the
    one already there instead of a duplicate.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks")
    title = EncryptedTextField(_("task"))
    details = EncryptedTextField(_("details"), blank=True)
    due_on = models.DateField(_("due on"))
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tasks",
        verbose_name=_("assigned to"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN
    )
    # Days before the due date, as "7,1": a short, bounded list that every
    # database stores and compares the same way.
    reminder_days = models.CharField(
        _("reminders (days before)"),
        max_length=40,
        blank=True,
        default=format_reminder_days(DEFAULT_REMINDER_DAYS),
    )
    source = models.CharField(max_length=200, blank=True, default="", editable=False)
    # A task linked to a need is an action of the case plan.
    need = models.ForeignKey(
        Need,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="actions",
        verbose_name=_("need"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "created_at"]
        verbose_name = _("task")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "source"],
                condition=~models.Q(source=""),
                name="one_automatic_task_per_source",
            )
        ]
        # "My deadlines" and the reminder run read open tasks of one person in
        # date order; the case page reads a case's tasks.
        indexes = [
            models.Index(fields=["assigned_to", "status", "due_on"]),
            models.Index(fields=["case", "status", "due_on"]),
        ]

    def __str__(self) -> str:
        return f"task {self.pk}"

    @property
    def reminders(self) -> tuple[int, ...]:
        try:
            return parse_reminder_days(self.reminder_days)
        except ValueError:
            return ()

    def reminder_dates(self) -> list[datetime.date]:
        dates = []
        for days in self.reminders:
            try:
                dates.append(self.due_on - datetime.timedelta(days=days))
            except OverflowError:  # a due date in the first days of year 1
                continue
        return dates

    def reminds_on(self, day: datetime.date) -> bool:
        return self.status == TaskStatus.OPEN and day in self.reminder_dates()

    @property
    def is_automatic(self) -> bool:
        return bool(self.source)


class ReminderDigest(models.Model):
    """One reminder e-mail per person per day: what `harbour reminders` sent,
    so that running it twice on a day sends nothing the second time."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_digests"
    )
    sent_on = models.DateField()
    task_count = models.PositiveIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "sent_on"], name="one_reminder_digest_a_day")
        ]

    def __str__(self) -> str:
        return f"reminders {self.sent_on}"


class CalendarFeed(models.Model):
    """A user's secret calendar address. Only the token's hash is stored: the
    address is shown once, and revoking deletes the row."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"calendar feed {self.pk}"


class ConsentPurpose(models.TextChoices):
    CASE_MANAGEMENT = "case_management", _("Case management")
    REFERRAL_SHARING = "referral_sharing", _("Sharing with a referred organisation")
    NETWORK_LINKAGE = "network_linkage", _("Network linkage")
    STATISTICS = "statistics", _("Anonymised statistics")
    RESEARCH = "research", _("Research")


class ConsentMethod(models.TextChoices):
    SPOKEN = "spoken", _("Spoken")
    WRITTEN = "written", _("Written")
    INTERPRETER = "interpreter", _("Through an interpreter")


class Consent(models.Model):
    """A person's consent to one purpose. Withdrawing it is a new state of the
    record (withdrawn_on, withdrawn_by), never a delete: the history of what
    the person agreed to, and when, stays."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=20, choices=ConsentPurpose.choices)
    given_on = models.DateField(_("given on"))
    method = models.CharField(_("how it was given"), max_length=12, choices=ConsentMethod.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["purpose", "-given_on", "-recorded_at"]
        verbose_name = _("consent")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "purpose"],
                condition=models.Q(withdrawn_on__isnull=True),
                name="one_current_consent_per_purpose",
            )
        ]
        indexes = [models.Index(fields=["person", "purpose", "given_on"])]

    def __str__(self) -> str:
        return f"consent {self.pk}"

    @property
    def is_current(self) -> bool:
        return self.withdrawn_on is None


class Document(models.Model):
    """A file kept on a case. The bytes live outside the database, encrypted
    with the field keys, under a random name that says nothing about the
    person; the name the file had when uploaded is encrypted like a field."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    # Random hex, never derived from the person, the case or the file name.
    storage_name = models.CharField(max_length=64, unique=True, editable=False)
    original_name = EncryptedTextField(_("file name"))
    description = EncryptedTextField(_("description"), blank=True)
    # The kind found in the file's first bytes (docs/documents.md), not the
    # browser's claim: "pdf", "jpeg", "png", "heic", "docx", "xlsx", "odt", "text".
    kind = models.CharField(_("kind"), max_length=10)
    size = models.PositiveIntegerField(_("size in bytes"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("document")

    def __str__(self) -> str:
        return f"document {self.pk}"

    # Key rotation (harbour.core.rotation) finds models with these two methods.
    def reencrypt_file(self) -> None:
        from harbour.cases import documents

        documents.reencrypt_stored(self.storage_name)

    def file_opens_with(self, fernet: Any) -> bool:
        from harbour.cases import documents

        return documents.stored_opens_with(self.storage_name, fernet)


class ClosureStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ClosureRequest(models.Model):
    """A case closes only through an approved request: a caseworker asks, a
    supervisor or organisation admin approves or declines. When supervisors
    close a case themselves, their request is approved at once, by them."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="closure_requests")
    reason = EncryptedTextField(_("reason for closing"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ClosureStatus.choices, default=ClosureStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = EncryptedTextField(_("note on the decision"), blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("closure request")
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(status="pending"),
                name="one_pending_closure_request_per_case",
            )
        ]

    def __str__(self) -> str:
        return f"closure request {self.pk}"


class LegalHold(models.Model):
    """A case under legal hold is never shredded, whatever its age. Clearing
    the hold deletes this row; the audit trail keeps both events."""

    case = models.OneToOneField(
        Case, on_delete=models.CASCADE, primary_key=True, related_name="legal_hold"
    )
    reason = EncryptedTextField(_("reason for the hold"))
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    set_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("legal hold")

    def __str__(self) -> str:
        return f"legal hold on {self.case_id}"


class RetentionPeriod(models.Model):
    """An organisation's own retention period after closure, in place of
    HARBOUR_RETENTION_YEARS (docs/retention.md)."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, primary_key=True, related_name="retention"
    )
    years = models.PositiveSmallIntegerField(_("years after closure"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("retention period")

    def __str__(self) -> str:
        return f"retention of {self.organisation_id}: {self.years} years"
