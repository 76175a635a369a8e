from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Province(models.TextChoices):
    AB = "AB", _("Alberta")
    BC = "BC", _("British Columbia")
    MB = "MB", _("Manitoba")
    NB = "NB", _("New Brunswick")
    NL = "NL", _("Newfoundland and Labrador")
    NS = "NS", _("Nova Scotia")
    NT = "NT", _("Northwest Territories")
    NU = "NU", _("Nunavut")
    ON = "ON", _("Ontario")
    PE = "PE", _("Prince Edward Island")
    QC = "QC", _("Quebec")
    SK = "SK", _("Saskatchewan")
    YT = "YT", _("Yukon")


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    province = models.CharField(_("province"), max_length=2, choices=Province.choices)
    # Case references (HB-2026-0001) count per organisation; the counter lives
    # here so that allocating one is a single locked row update.
    next_case_number = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    CASEWORKER = "caseworker", _("Caseworker")
    SUPERVISOR = "supervisor", _("Supervisor")
    ORG_ADMIN = "org_admin", _("Organisation admin")
    ANALYST = "analyst", _("Coalition analyst")
    PLATFORM_ADMIN = "platform_admin", _("Platform admin")


# Who may open case files at all. Analysts and platform admins work with
# aggregates and accounts, never with a person's file.
CASE_ROLES = frozenset({Role.CASEWORKER, Role.SUPERVISOR, Role.ORG_ADMIN})
# Who sees every case of the organisation rather than only their own.
ORG_WIDE_CASE_ROLES = frozenset({Role.SUPERVISOR, Role.ORG_ADMIN})


class User(AbstractUser):
    """Staff account. Usernames are work identities, never clients' names."""

    class Meta:
        verbose_name = _("user")


class Membership(models.Model):
    # One membership per account keeps "which organisation am I acting for"
    # unambiguous on every request; staff of two organisations hold two accounts.
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="membership")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}, {self.organisation})"

    @property
    def can_open_cases(self) -> bool:
        return self.role in CASE_ROLES

    @property
    def sees_whole_organisation(self) -> bool:
        return self.role in ORG_WIDE_CASE_ROLES

    @property
    def can_view_access_log(self) -> bool:
        return self.role in ORG_WIDE_CASE_ROLES
