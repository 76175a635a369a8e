"""Every change to the services directory goes through these functions.

Directory editors are the supervisors and organisation admins of an
organisation; they add services, and edit or deactivate the ones their
organisation maintains. The shared seed directory (no maintaining
organisation) changes only through `load_demo_directory` or an import.
Each function runs in one transaction with its audit event.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from harbour.accounts.models import ORG_WIDE_CASE_ROLES, Membership, Organisation
from harbour.audit.services import Actor, record
from harbour.cases.consent import has_consent
from harbour.cases.models import Case, CaseStatus, Task
from harbour.cases.services import NotAllowed, next_reference, require_case_role
from harbour.directory.models import (
    Language,
    Need,
    OutsideReferral,
    OutsideStatus,
    Referral,
    ReferralKind,
    ReferralStatus,
    Service,
    ServiceProvider,
    Urgency,
    pack,
)
from harbour.directory.records import ServiceRecord

SHARING_PURPOSE = "referral_sharing"

SERVICE_FIELDS = (
    "name",
    "name_fr",
    "description",
    "description_fr",
    "needs",
    "provinces",
    "regions",
    "languages",
    "eligibility",
    "cost",
    "phone",
    "email",
    "website",
    "hours",
    "last_verified",
)


def editor_membership(user: Any) -> Membership | None:
    membership: Membership | None = getattr(user, "membership", None) if user else None
    if membership is None or membership.role not in ORG_WIDE_CASE_ROLES:
        return None
    return membership


def is_directory_editor(user: Any) -> bool:
    return bool(user and user.is_authenticated and editor_membership(user))


def can_edit_service(user: Any, service: Service) -> bool:
    membership = editor_membership(user) if user and user.is_authenticated else None
    return bool(
        membership
        and service.maintained_by_id is not None
        and service.maintained_by_id == membership.organisation_id
    )


def _require_editor(actor: Actor) -> Membership:
    membership = editor_membership(actor.user_or_none)
    if membership is None:
        raise NotAllowed(_("Only supervisors and organisation admins edit the directory."))
    return membership


def _require_maintainer(actor: Actor, service: Service) -> Membership:
    membership = _require_editor(actor)
    if service.maintained_by_id != membership.organisation_id:
        raise NotAllowed(_("Only the organisation that maintains this entry can change it."))
    return membership


def _provider_for(membership: Membership | None, name: str) -> ServiceProvider:
    """The provider of that name kept by the same organisation (or the seed), else a new one."""
    organisation_id = membership.organisation_id if membership else None
    existing = ServiceProvider.objects.filter(
        name__iexact=name.strip(), maintained_by_id=organisation_id
    ).first()
    if existing:
        return existing
    return ServiceProvider.objects.create(name=name.strip(), maintained_by_id=organisation_id)


def apply_fields(service: Service, data: Mapping[str, Any]) -> list[str]:
    changed = []
    for name in SERVICE_FIELDS:
        if name in data and getattr(service, name) != data[name]:
            setattr(service, name, data[name])
            changed.append(name)
    return changed


def add_service(actor: Actor, provider_name: str, data: Mapping[str, Any]) -> Service:
    membership = _require_editor(actor)
    with transaction.atomic():
        service = Service(
            provider=_provider_for(membership, provider_name),
            maintained_by_id=membership.organisation_id,
        )
        changed = apply_fields(service, data)
        service.full_clean()
        service.save()
        record(actor, "service.create", service, detail={"fields": changed})
    return service


def update_service(
    actor: Actor, service: Service, data: Mapping[str, Any], *, provider_name: str | None = None
) -> list[str]:
    membership = _require_maintainer(actor, service)
    with transaction.atomic():
        changed = apply_fields(service, data)
        if provider_name and provider_name.strip() != service.provider.name:
            service.provider = _provider_for(membership, provider_name)
            changed.append("provider")
        if changed:
            service.full_clean()
            service.save()
            record(actor, "service.update", service, detail={"fields": changed})
    return changed


def set_service_active(actor: Actor, service: Service, active: bool) -> bool:
    """Deactivate (or reactivate) a service; returns whether anything changed."""
    _require_maintainer(actor, service)
    if service.is_active == active:
        return False
    with transaction.atomic():
        service.is_active = active
        service.save(update_fields=["is_active", "updated_at"])
        record(actor, "service.activate" if active else "service.deactivate", service)
    return True


def import_services(actor: Actor, records: Sequence[ServiceRecord]) -> int:
    """Create every record, all or nothing; each service is audited."""
    membership = _require_editor(actor)
    with transaction.atomic():
        providers: dict[str, ServiceProvider] = {}
        for item in records:
            key = item.provider.strip().lower()
            if key not in providers:
                providers[key] = _provider_for(membership, item.provider)
            service = Service(provider=providers[key], maintained_by_id=membership.organisation_id)
            changed = apply_fields(service, item.service_fields())
            service.save()
            record(actor, "service.create", service, detail={"fields": changed, "via": "import"})
        record(actor, "directory.import", detail={"created": len(records)})
    return len(records)


# --- Referrals and transfers (docs/referrals.md) ----------------------------------------


class InvalidReferral(ValueError):
    """A referral or transfer that cannot be made or changed as asked; names
    the field (or "status" when the referral is no longer in that state)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _require_receiver(actor: Actor, referral: Referral) -> Membership:
    membership = require_case_role(actor)
    if membership.organisation_id != referral.to_organisation_id:
        raise NotAllowed(_("Only the organisation a referral was sent to can answer it."))
    return membership


def _require_owner(actor: Actor, referral: Referral) -> Membership:
    # The case's current owner manages its referrals (the sender, until a
    # transfer is accepted).
    return require_case_role(actor, referral.case)


def _clean_languages(languages: Sequence[str]) -> str:
    unknown = [code for code in languages if code not in Language.values]
    if unknown:
        raise InvalidReferral("languages", _("Choose languages from the list."))
    return pack(languages)


def _check_sendable(case: Case, to_organisation: Organisation | None) -> Organisation:
    if to_organisation is None:
        raise InvalidReferral("to_organisation", _("Choose the organisation to refer to."))
    if to_organisation.pk == case.organisation_id:
        raise InvalidReferral(
            "to_organisation", _("A case cannot be referred to its own organisation.")
        )
    if case.status == CaseStatus.CLOSED:
        raise InvalidReferral("case", _("A closed case cannot be referred; reopen it first."))
    return to_organisation


def _service_target(service: Service | None, to_organisation: Organisation | None) -> Any:
    if service is None:
        return to_organisation
    target = service.provider.organisation
    if not service.is_active or target is None:
        raise InvalidReferral(
            "service", _("That service is not offered by an organisation on Harbour.")
        )
    if to_organisation is not None and to_organisation.pk != target.pk:
        raise InvalidReferral(
            "service", _("That service belongs to another organisation than the one chosen.")
        )
    return target


def refer_case(
    actor: Actor,
    case: Case,
    to_organisation: Organisation | None,
    *,
    need: str,
    urgency: str = Urgency.ROUTINE,
    languages: Sequence[str] = (),
    note: str = "",
    service: Service | None = None,
    share_personal: bool = False,
) -> Referral:
    """Refer a case to another organisation on Harbour; the case stays ours.

    Sharing personal details needs the person's "referral_sharing" consent in
    force; without it the referral shares the non-identifying fields only
    (or, if personal details were asked for, is refused, naming the field).
    """
    membership = require_case_role(actor, case)
    target = _check_sendable(case, _service_target(service, to_organisation))
    if need not in Need.values:
        raise InvalidReferral("need", _("Choose the need the referral is for."))
    if urgency not in Urgency.values:
        raise InvalidReferral("urgency", _("Choose how urgent the referral is."))
    packed = _clean_languages(languages)
    if share_personal and not has_consent(case.person_id, SHARING_PURPOSE):
        raise InvalidReferral(
            "share_personal",
            _(
                "The person has not consented to sharing with a referred organisation: "
                "record that consent first, or refer without personal details."
            ),
        )
    with transaction.atomic():
        referral = Referral.objects.create(
            kind=ReferralKind.REFERRAL,
            case=case,
            from_organisation_id=membership.organisation_id,
            to_organisation=target,
            service=service,
            need=need,
            province=case.province,
            languages=packed,
            urgency=urgency,
            note=note.strip(),
            share_personal=share_personal,
            sender_reference=case.reference,
            created_by=actor.user_or_none,
        )
        record(
            actor,
            "referral.create",
            case,
            detail={
                "referral": str(referral.pk),
                "to": target.pk,
                "share_personal": share_personal,
                "fields": [n for n in ("service", "languages", "note") if getattr(referral, n)],
            },
        )
    return referral


def request_transfer(
    actor: Actor,
    case: Case,
    to_organisation: Organisation | None,
    *,
    note: str = "",
    urgency: str = Urgency.ROUTINE,
    need: str = "",
    languages: Sequence[str] = (),
) -> Referral:
    """Ask another organisation to take the case over. Ownership moves only
    when it accepts; until then the sender can revoke it. Needs the person's
    "referral_sharing" consent in force (the receiver sees who the person is
    before accepting)."""
    membership = require_case_role(actor, case)
    target = _check_sendable(case, to_organisation)
    if need and need not in Need.values:
        raise InvalidReferral("need", _("Choose the need the referral is for."))
    if urgency not in Urgency.values:
        raise InvalidReferral("urgency", _("Choose how urgent the referral is."))
    packed = _clean_languages(languages)
    if not has_consent(case.person_id, SHARING_PURPOSE):
        raise InvalidReferral(
            "consent",
            _(
                "A transfer needs the person's consent to sharing with a referred "
                "organisation; record it on the person's page first."
            ),
        )
    if case.person.cases.exclude(pk=case.pk).exists():
        raise InvalidReferral(
            "case",
            _(
                "This person has other cases here; a transfer moves the person's record "
                "too, so close or transfer the other cases first."
            ),
        )
    with transaction.atomic():
        if Referral.objects.filter(
            case=case, kind=ReferralKind.TRANSFER, status=ReferralStatus.PENDING
        ).exists():
            raise InvalidReferral("case", _("A transfer of this case is already waiting."))
        referral = Referral.objects.create(
            kind=ReferralKind.TRANSFER,
            case=case,
            from_organisation_id=membership.organisation_id,
            to_organisation=target,
            need=need,
            province=case.province,
            languages=packed,
            urgency=urgency,
            note=note.strip(),
            share_personal=True,
            sender_reference=case.reference,
            created_by=actor.user_or_none,
        )
        record(
            actor,
            "transfer.create",
            case,
            detail={"transfer": str(referral.pk), "to": target.pk},
        )
    return referral


def _locked(referral: Referral) -> Referral:
    locked = Referral.objects.select_for_update().get(pk=referral.pk)
    referral.status = locked.status
    return locked


def _event(actor: Actor, referral: Referral, step: str, **detail: Any) -> None:
    # The step hangs on the case, so the case's timeline shows it.
    key = "transfer" if referral.is_transfer else "referral"
    record(actor, f"{key}.{step}", referral.case, detail={key: str(referral.pk), **detail})


def _not_now() -> InvalidReferral:
    return InvalidReferral("status", _("This referral is no longer in a state that allows this."))


def accept_referral(actor: Actor, referral: Referral) -> Referral:
    """The receiver takes the referral on. For a transfer, the case and the
    person become the receiver's at once (`_move_case`)."""
    _require_receiver(actor, referral)
    with transaction.atomic():
        locked = _locked(referral)
        if locked.status != ReferralStatus.PENDING:
            raise _not_now()
        if referral.is_transfer:
            _move_case(actor, referral)
        referral.status = ReferralStatus.ACCEPTED
        referral.answered_by = actor.user_or_none
        referral.answered_at = timezone.now()
        referral.save(update_fields=["status", "answered_by", "answered_at", "receiver_reference"])
        _event(actor, referral, "accept")
    return referral


def _move_case(actor: Actor, transfer: Referral) -> None:
    """Ownership of the case and its person moves to the receiver.

    - the case gets a new reference in the receiver's numbering (the old one
      stays in the transfer record as `sender_reference`);
    - the sender's staff are unassigned and the accepting member of staff is
      assigned; tasks assigned to the sender's staff become unassigned;
    - open referrals of the case to the receiver itself are completed (the
      receiver now holds the whole file).
    """
    case = Case.objects.select_for_update().select_related("person").get(pk=transfer.case_id)
    if not has_consent(case.person_id, SHARING_PURPOSE):
        raise InvalidReferral(
            "consent",
            _("The person's consent to sharing has been withdrawn; the transfer cannot go ahead."),
        )
    if case.person.cases.exclude(pk=case.pk).exists():
        raise InvalidReferral(
            "case", _("The person now has other cases at the sending organisation.")
        )
    receiver = Organisation.objects.get(pk=transfer.to_organisation_id)
    sender_id = case.organisation_id
    case.organisation = receiver
    case.reference = next_reference(receiver, timezone.localdate())
    case.save(update_fields=["organisation", "reference", "updated_at"])
    person = case.person
    person.organisation = receiver
    person.save()
    case.assigned_to.set([actor.user_or_none] if actor.user_or_none else [])
    unassigned = Task.objects.filter(case=case, assigned_to__isnull=False).update(assigned_to=None)
    transfer.case = case
    transfer.receiver_reference = case.reference
    record(
        actor,
        "person.transfer",
        person,
        detail={"transfer": str(transfer.pk), "from": sender_id, "to": receiver.pk},
    )
    record(
        actor,
        "case.transfer",
        case,
        detail={
            "transfer": str(transfer.pk),
            "from": sender_id,
            "to": receiver.pk,
            "fields": ["organisation", "reference", "assigned_to"],
            "tasks_unassigned": unassigned,
        },
    )
    for other in Referral.objects.select_for_update().filter(
        case=case,
        kind=ReferralKind.REFERRAL,
        to_organisation=receiver,
        status__in=[ReferralStatus.PENDING, ReferralStatus.ACCEPTED],
    ):
        other.status = ReferralStatus.COMPLETED
        other.completed_by = actor.user_or_none
        other.completed_at = timezone.now()
        other.save(update_fields=["status", "completed_by", "completed_at"])
        _event(actor, other, "complete", via="transfer")


def decline_referral(actor: Actor, referral: Referral, reason: str) -> Referral:
    _require_receiver(actor, referral)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidReferral("reason", _("Say why the referral is declined."))
    with transaction.atomic():
        if _locked(referral).status != ReferralStatus.PENDING:
            raise _not_now()
        referral.status = ReferralStatus.DECLINED
        referral.answered_by = actor.user_or_none
        referral.answered_at = timezone.now()
        referral.decline_reason = reason
        referral.save(update_fields=["status", "answered_by", "answered_at", "decline_reason"])
        _event(actor, referral, "decline", fields=["decline_reason"])
    return referral


def complete_referral(actor: Actor, referral: Referral) -> Referral:
    """The receiver has done what the referral asked (referrals only: an
    accepted transfer is done when it is accepted)."""
    _require_receiver(actor, referral)
    with transaction.atomic():
        if referral.is_transfer or _locked(referral).status != ReferralStatus.ACCEPTED:
            raise _not_now()
        referral.status = ReferralStatus.COMPLETED
        referral.completed_by = actor.user_or_none
        referral.completed_at = timezone.now()
        referral.save(update_fields=["status", "completed_by", "completed_at"])
        _event(actor, referral, "complete")
    return referral


def revoke_referral(actor: Actor, referral: Referral) -> Referral:
    """The case's owner withdraws a referral (waiting or accepted) or a transfer
    (only while it waits); the receiver stops seeing anything personal."""
    _require_owner(actor, referral)
    allowed = (
        (ReferralStatus.PENDING,)
        if referral.is_transfer
        else (ReferralStatus.PENDING, ReferralStatus.ACCEPTED)
    )
    with transaction.atomic():
        if _locked(referral).status not in allowed:
            raise _not_now()
        referral.status = ReferralStatus.REVOKED
        referral.revoked_by = actor.user_or_none
        referral.revoked_at = timezone.now()
        referral.save(update_fields=["status", "revoked_by", "revoked_at"])
        _event(actor, referral, "revoke")
    return referral


# --- Referrals to services outside Harbour ------------------------------------------------


def refer_outside(
    actor: Actor,
    case: Case,
    *,
    service: Service | None = None,
    name: str = "",
    need: str = "",
    note: str = "",
) -> OutsideReferral:
    """Track a referral staff made themselves to a service outside Harbour;
    Harbour shares nothing with that service."""
    require_case_role(actor, case)
    name = (name or "").strip()
    if service is None and not name:
        raise InvalidReferral("name", _("Choose a service from the directory or name one."))
    if service is not None and service.provider.organisation_id is not None:
        raise InvalidReferral(
            "service",
            _("This service's organisation uses Harbour: refer the case to it on Harbour."),
        )
    if need and need not in Need.values:
        raise InvalidReferral("need", _("Choose the need the referral is for."))
    with transaction.atomic():
        outside = OutsideReferral.objects.create(
            case=case,
            service=service,
            name=name[:200],
            need=need,
            note=(note or "").strip(),
            created_by=actor.user_or_none,
        )
        record(
            actor,
            "referral.outside_made",
            case,
            detail={
                "outside_referral": str(outside.pk),
                "fields": [n for n in ("service", "name", "need", "note") if getattr(outside, n)],
            },
        )
    return outside


def set_outside_referral_status(actor: Actor, outside: OutsideReferral, status: str) -> bool:
    """Record where an outside referral stands; False if it already stood there."""
    require_case_role(actor, outside.case)
    if status not in OutsideStatus.values:
        raise InvalidReferral("status", _("Choose one of the listed statuses."))
    if outside.status == status:
        return False
    with transaction.atomic():
        outside.status = status
        outside.status_changed_by = actor.user_or_none
        outside.status_changed_at = timezone.now()
        outside.save(update_fields=["status", "status_changed_by", "status_changed_at"])
        record(
            actor,
            f"referral.outside_{status}",
            outside.case,
            detail={"outside_referral": str(outside.pk)},
        )
    return True
