"""What each viewer may see of mentions, entities and networks.

- Mentions are part of a case file: reached through the case
  (`cases.access.get_case_for`), so only its staff see them.
- An entity page is for case staff, and only when the entity holds a
  consented mention on a case the viewer may open; otherwise 404.
- Network pages are for supervisors and organisation admins (a network
  holding a consented mention of their organisation; otherwise 404) and for
  coalition analysts (any network, as aggregates: counts, roles, provinces,
  dates; never a case, a name or an address).
- Another organisation's cases appear as a count and that organisation's
  contact, with their references only when it shares them with the viewer's
  organisation (`SharingSetting.shares_with`).
- Everything is read through `consented_mentions`, so a withdrawn consent
  disappears from every page at once.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from harbour.accounts.models import ORG_WIDE_CASE_ROLES, Role
from harbour.cases.access import membership_of, visible_cases
from harbour.cases.models import Case
from harbour.networks.models import Entity, Mention, MentionRole, Network, SharingSetting
from harbour.networks.services import consented_mentions


def _as_uuid(value: Any) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        raise Http404 from None


def is_network_reader(user: Any) -> bool:
    membership = membership_of(user)
    return bool(
        membership and (membership.role in ORG_WIDE_CASE_ROLES or membership.role == Role.ANALYST)
    )


def is_analyst(user: Any) -> bool:
    membership = membership_of(user)
    return bool(membership and membership.role == Role.ANALYST)


def get_mention_for(user: Any, case: Case, mention_id: Any) -> Mention:
    """A mention of a case the user has already been allowed to open."""
    try:
        return case.mentions.select_related("case").get(pk=_as_uuid(mention_id))
    except Mention.DoesNotExist:
        raise Http404 from None


def get_entity_for(user: Any, entity_id: Any) -> Entity:
    cases = visible_cases(user)
    entity = Entity.objects.filter(pk=_as_uuid(entity_id)).first()
    if entity is None or not consented_mentions(entity.mentions.filter(case__in=cases)).exists():
        raise Http404
    return entity


def visible_networks(user: Any) -> QuerySet[Network]:
    membership = membership_of(user)
    if membership is None or not is_network_reader(user):
        return Network.objects.none()
    mentions = consented_mentions()
    if membership.role != Role.ANALYST:
        mentions = mentions.filter(organisation_id=membership.organisation_id)
    ids = mentions.filter(entity__network__isnull=False).values("entity__network_id")
    return Network.objects.filter(pk__in=ids)


def get_network_for(user: Any, network_id: Any) -> Network:
    try:
        return visible_networks(user).get(pk=_as_uuid(network_id))
    except Network.DoesNotExist:
        raise Http404 from None


# --- Read models ----------------------------------------------------------------------


@dataclass
class OtherOrganisation:
    name: str
    contact: str
    cases: int
    references: list[str] = field(default_factory=list)  # only when shared with the viewer


@dataclass
class EntityView:
    id: str
    role: str
    role_label: str
    label: str
    cases: int


@dataclass
class NetworkView:
    id: str
    cases: int
    organisations: int
    people: int
    provinces: list[str]
    roles: list[str]
    first_seen: Any
    last_seen: Any
    alert: bool
    alert_reasons: list[str]
    entities: list[EntityView] = field(default_factory=list)
    own_cases: list[Any] = field(default_factory=list)  # Case rows the viewer may open
    others: list[OtherOrganisation] = field(default_factory=list)
    edges: list[tuple[str, str]] = field(default_factory=list)  # (entity id, case id)

    @property
    def role_labels(self) -> list[str]:
        labels = _role_labels()
        return [labels.get(role, role) for role in self.roles]


def _role_labels() -> dict[str, str]:
    return {str(value): str(label) for value, label in MentionRole.choices}


def describe_network(user: Any, network: Network, *, detail: bool = True) -> NetworkView:
    """The network as this viewer may see it (aggregates for analysts)."""
    membership = membership_of(user)
    mentions = list(
        consented_mentions(Mention.objects.filter(entity__network=network)).select_related(
            "case", "organisation"
        )
    )
    cases = {m.case_id: m.case for m in mentions}
    organisations = {m.organisation_id for m in mentions}
    opened = [case.opened_on for case in cases.values()]
    roles = sorted({m.role for m in mentions}, key=lambda r: list(MentionRole.values).index(r))
    reasons = []
    if len(cases) > 1:
        reasons.append(_("It links %(count)s cases.") % {"count": len(cases)})
    if len(organisations) > 1:
        reasons.append(_("It spans %(count)s organisations.") % {"count": len(organisations)})
    view = NetworkView(
        id=str(network.pk),
        cases=len(cases),
        organisations=len(organisations),
        people=len({case.person_id for case in cases.values()}),
        provinces=sorted({case.province for case in cases.values()}),
        roles=roles,
        first_seen=min(opened) if opened else None,
        last_seen=max(opened) if opened else None,
        alert=bool(reasons),
        alert_reasons=reasons,
    )
    if not detail or membership is None or membership.role == Role.ANALYST:
        return view
    own_visible = set(visible_cases(user).filter(pk__in=list(cases)).values_list("pk", flat=True))
    view.own_cases = sorted((cases[pk] for pk in own_visible), key=lambda case: case.reference)
    labels = _role_labels()
    by_entity: dict[Any, list[Mention]] = defaultdict(list)
    for mention in mentions:
        by_entity[mention.entity_id].append(mention)
    for entity_id, group in sorted(by_entity.items(), key=lambda item: str(item[0])):
        readable = [m for m in group if m.case_id in own_visible]
        role = group[0].role
        label = (
            readable[0].display_name
            if readable
            else _("%(role)s named by another organisation") % {"role": labels[role]}
        )
        view.entities.append(
            EntityView(str(entity_id), role, labels[role], label, len({m.case_id for m in group}))
        )
        for case_id in {m.case_id for m in group}:
            view.edges.append((str(entity_id), str(case_id)))
    foreign: dict[int, set[Any]] = defaultdict(set)
    names: dict[int, str] = {}
    for mention in mentions:
        if mention.organisation_id != membership.organisation_id:
            foreign[mention.organisation_id].add(mention.case_id)
            names[mention.organisation_id] = mention.organisation.name
    settings = {
        s.organisation_id: s
        for s in SharingSetting.objects.filter(organisation_id__in=list(foreign)).prefetch_related(
            "shares_with"
        )
    }
    for org_id, case_ids in sorted(foreign.items(), key=lambda item: names[item[0]]):
        setting = settings.get(org_id)
        shared = setting is not None and any(
            org.pk == membership.organisation_id for org in setting.shares_with.all()
        )
        view.others.append(
            OtherOrganisation(
                name=names[org_id],
                contact=setting.contact if setting else "",
                cases=len(case_ids),
                references=sorted(cases[c].reference for c in case_ids) if shared else [],
            )
        )
    return view


def graph_data(view: NetworkView) -> dict[str, Any]:
    """Nodes and links for the network page's drawing (what the table shows)."""
    nodes: list[dict[str, Any]] = []
    links: list[dict[str, str]] = []
    own = {str(case.pk): case for case in view.own_cases}
    for entity in view.entities:
        nodes.append(
            {
                "id": f"e-{entity.id}",
                "kind": entity.role,
                "label": entity.label,
                "role": entity.role_label,
            }
        )
    for case_id, case in own.items():
        nodes.append({"id": f"c-{case_id}", "kind": "case", "label": case.reference})
    for index, other in enumerate(view.others):
        nodes.append(
            {
                "id": f"o-{index}",
                "kind": "organisation",
                "label": ngettext(
                    "%(count)s case at %(name)s", "%(count)s cases at %(name)s", other.cases
                )
                % {"count": other.cases, "name": other.name},
            }
        )
    seen: set[tuple[str, str]] = set()
    other_cases = _other_case_owner(view)
    for entity_id, case_id in view.edges:
        target = f"c-{case_id}" if case_id in own else other_cases.get(case_id)
        if target and (entity_id, target) not in seen:
            seen.add((entity_id, target))
            links.append({"source": f"e-{entity_id}", "target": target})
    return {"nodes": nodes, "links": links}


def _other_case_owner(view: NetworkView) -> dict[str, str]:
    """Another organisation's case id -> its organisation's node (one node per
    organisation, so the drawing never shows how their cases connect)."""
    owners: dict[str, str] = {}
    if not view.others:
        return owners
    rows = Mention.objects.filter(entity__network_id=view.id).values_list(
        "case_id", "organisation__name"
    )
    index_of = {other.name: f"o-{index}" for index, other in enumerate(view.others)}
    for case_id, name in rows:
        if name in index_of:
            owners[str(case_id)] = index_of[name]
    return owners


def entity_mentions(user: Any, entity: Entity) -> tuple[list[Mention], list[OtherOrganisation]]:
    """The entity's mentions the viewer may read, and the rest as counts."""
    membership = membership_of(user)
    mentions = list(
        consented_mentions(entity.mentions.all()).select_related("case", "organisation")
    )
    visible = set(
        visible_cases(user)
        .filter(pk__in=[m.case_id for m in mentions])
        .values_list("pk", flat=True)
    )
    readable = [m for m in mentions if m.case_id in visible]
    rest: dict[int, OtherOrganisation] = {}
    for mention in mentions:
        if mention.case_id in visible:
            continue
        if membership and mention.organisation_id == membership.organisation_id:
            name = _("your organisation (cases not assigned to you)")
        else:
            name = mention.organisation.name
        entry = rest.setdefault(mention.organisation_id, OtherOrganisation(name, "", 0))
        entry.cases += 1
    for org_id, entry in rest.items():
        setting = SharingSetting.objects.filter(organisation_id=org_id).first()
        entry.contact = setting.contact if setting else ""
    return readable, list(rest.values())
