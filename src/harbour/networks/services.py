"""Every change to mentions, entities, networks, corrections and sharing.

- Mentions are added, edited and removed on a case by its staff
  (`require_case_role`); each change is audited with field names only, and
  matched at once (`match_mention`) against existing entities.
- A full re-linkage (`run_linkage`, a django-tasks job) links every mention
  whose person consents to network linkage with the engine
  (`harbour.networks.linkage.link`), applies staff corrections, and writes
  entities and networks in ONE transaction.
- Corrections (`merge_entities`, `split_mention`) are stored as must-link and
  cannot-link constraints between mentions and applied after every
  clustering, so later runs respect them.
"""

from __future__ import annotations

import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from harbour.accounts.models import ORG_WIDE_CASE_ROLES, Membership, Organisation
from harbour.audit.services import Actor, record
from harbour.cases.consent import has_consent, with_consent
from harbour.cases.models import Case
from harbour.cases.services import NotAllowed, require_case_role
from harbour.core.crypto import blind_index
from harbour.networks import linkage
from harbour.networks.models import (
    ConstraintKind,
    Entity,
    LinkageRun,
    LinkConstraint,
    Mention,
    MentionKey,
    MentionRole,
    Network,
    RunStatus,
    SharingSetting,
)

PURPOSE = "network_linkage"
MENTION_FIELDS = ("role", "name", "other_name", "phones", "address", "notes")
TEXT_LIMITS = {"name": 300, "other_name": 300, "phones": 500, "address": 500, "notes": 4000}
# Incremental matching compares a new mention with at most this many
# candidates (those sharing a blind-index key); a full run sees everything.
MAX_CANDIDATES = 400


class InvalidMention(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class RunRefused(ValueError):
    """A linkage run cannot start (one is already running)."""


# --- Consent --------------------------------------------------------------------------


def consented_mentions(queryset: QuerySet[Mention] | None = None) -> QuerySet[Mention]:
    """Only the mentions whose case's person consents to network linkage today."""
    return with_consent(queryset if queryset is not None else Mention.objects.all(), PURPOSE)


# --- Keys -----------------------------------------------------------------------------


def _engine_mentions(mention: Mention) -> list[linkage.Mention]:
    """The mention as the engine sees it: one row per name variant and phone,
    so that a second phone or the operating name can still meet a match."""
    names = [value for value in (mention.name, mention.other_name) if value.strip()] or [""]
    phones = mention.phone_list or [""]
    return [
        linkage.Mention(
            mention_id=str(mention.pk),
            role=mention.role,
            name=name,
            phone=phone,
            address=mention.address,
            case_id=str(mention.case_id),
            org=str(mention.organisation_id),
        )
        for name in names
        for phone in phones
    ]


def mention_keys(mention: Mention) -> set[tuple[str, str]]:
    """(kind, blind index) of each normalised key: phone, name, address, and
    the combinations the engine's exact path joins on (DETERMINISTIC_KEYS)."""
    keys: set[tuple[str, str]] = set()
    role = mention.role
    for variant in _engine_mentions(mention):
        values = linkage.features(variant)
        for column in ("phone", "name_key", "address"):
            if values[column]:
                kind = f"{role}:{column}"
                keys.add((kind, blind_index(f"network-{kind}", str(values[column]))))
        for columns in linkage.DETERMINISTIC_KEYS[role]:
            parts = [values[column] for column in columns]
            if all(parts):
                kind = f"{role}:{'+'.join(columns)}"
                keys.add((kind, blind_index(f"network-{kind}", "\x1f".join(map(str, parts)))))
    return keys


def _save_keys(mention: Mention) -> None:
    MentionKey.objects.filter(mention=mention).delete()
    MentionKey.objects.bulk_create(
        MentionKey(mention=mention, kind=kind, digest=digest)
        for kind, digest in sorted(mention_keys(mention))
    )


def refresh_mention_keys() -> int:
    """Recompute every blind index (after the index key is rotated)."""
    count = 0
    with transaction.atomic():
        for mention in Mention.objects.all().iterator():
            _save_keys(mention)
            count += 1
    return count


# --- Mentions on a case ---------------------------------------------------------------


def _clean(data: Mapping[str, Any]) -> dict[str, str]:
    cleaned: dict[str, str] = {}
    role = str(data.get("role", "") or "")
    if role not in MentionRole.values:
        raise InvalidMention("role", _("Choose one of the roles."))
    cleaned["role"] = role
    for field, limit in TEXT_LIMITS.items():
        value = str(data.get(field, "") or "").replace("\x00", "").strip()
        if len(value) > limit:
            raise InvalidMention(
                field, _("At most %(limit)s characters, please.") % {"limit": limit}
            )
        cleaned[field] = value
    if field_phones := cleaned["phones"]:
        cleaned["phones"] = "\n".join(
            line.strip() for line in field_phones.replace(",", "\n").splitlines() if line.strip()
        )
    if not (cleaned["name"] or cleaned["other_name"] or cleaned["phones"] or cleaned["address"]):
        raise InvalidMention("name", _("Give at least a name, a phone or an address."))
    return cleaned


def add_mention(actor: Actor, case: Case, data: Mapping[str, Any]) -> Mention:
    require_case_role(actor, case)
    cleaned = _clean(data)
    with transaction.atomic():
        mention = Mention.objects.create(
            case=case,
            organisation_id=case.organisation_id,
            created_by=actor.user_or_none,
            **cleaned,
        )
        _save_keys(mention)
        record(
            actor,
            "mention.add",
            mention,
            detail={"case": str(case.pk), "role": mention.role, "fields": _filled(cleaned)},
        )
        match_mention(mention)
    return mention


def _filled(data: Mapping[str, str]) -> list[str]:
    return sorted(name for name, value in data.items() if value and name != "role")


def update_mention(actor: Actor, mention: Mention, data: Mapping[str, Any]) -> list[str]:
    require_case_role(actor, mention.case)
    cleaned = _clean({**{f: getattr(mention, f) for f in MENTION_FIELDS}, **data})
    changed = [name for name in MENTION_FIELDS if getattr(mention, name) != cleaned[name]]
    if not changed:
        return []
    with transaction.atomic():
        for name in changed:
            setattr(mention, name, cleaned[name])
        mention.save()
        _save_keys(mention)
        record(actor, "mention.update", mention, detail={"fields": changed})
        if set(changed) - {"notes"}:
            # What it names changed: it may belong elsewhere now.
            previous = mention.entity
            mention.entity = None
            mention.match_probability = None
            mention.save(update_fields=["entity", "match_probability"])
            if previous is not None:
                _rekey_without(previous, mention)
            match_mention(mention)
            _drop_empty_entities()
            assign_networks()
    return changed


def _rekey_without(entity: Entity, mention: Mention) -> None:
    """The mention has left the entity: an entity keyed on it takes the key
    of its smallest remaining mention (or goes, when none is left), so the
    key is free for the mention's own entity."""
    if not entity.key.endswith(f":{mention.pk}"):
        return
    others = [str(pk) for pk in entity.mentions.values_list("pk", flat=True)]
    if not others:
        entity.delete()
        return
    entity.key = f"{entity.role}:{min(others)}"
    entity.save(update_fields=["key"])


def remove_mention(actor: Actor, mention: Mention) -> None:
    require_case_role(actor, mention.case)
    with transaction.atomic():
        record(actor, "mention.remove", mention, detail={"case": str(mention.case_id)})
        mention.delete()
        _drop_empty_entities()
        assign_networks()


# --- Clustering helpers ---------------------------------------------------------------


def _constraints(ids: set[str]) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    must: list[tuple[str, str]] = []
    cannot: list[tuple[str, str]] = []
    for kind, a, b in LinkConstraint.objects.values_list("kind", "mention_a_id", "mention_b_id"):
        pair = (str(a), str(b))
        if pair[0] in ids and pair[1] in ids:
            (must if kind == ConstraintKind.MUST_LINK else cannot).append(pair)
    return must, cannot


def apply_constraints(
    labels: Mapping[str, str],
    must: Iterable[tuple[str, str]],
    cannot: Iterable[tuple[str, str]],
) -> dict[str, str]:
    """Staff corrections over the engine's clusters (mention id -> cluster label).

    Cannot-links first: a mention split off from a cluster is taken out on
    its own. Then must-links join two clusters, unless that would put a
    cannot-link pair together again (a split wins over an older merge)."""
    label = dict(labels)
    cannot = list(cannot)
    for a, b in cannot:
        if a in label and b in label and label[a] == label[b]:
            label[b] = f"split:{b}"
    forbidden = {frozenset(pair) for pair in cannot}
    for a, b in must:
        if a not in label or b not in label or label[a] == label[b]:
            continue
        left = [m for m, value in label.items() if value == label[a]]
        right = [m for m, value in label.items() if value == label[b]]
        if any(frozenset((x, y)) in forbidden for x in left for y in right):
            continue
        for member in right:
            label[member] = label[a]
    return label


def _drop_empty_entities() -> None:
    Entity.objects.filter(mentions__isnull=True).delete()


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, item: str) -> str:
        self.parent.setdefault(item, item)
        root = item
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[item] != root:
            self.parent[item], item = root, self.parent[item]
        return root

    def union(self, a: str, b: str) -> None:
        root_a, root_b = self.find(a), self.find(b)
        if root_a != root_b:
            self.parent[max(root_a, root_b)] = min(root_a, root_b)


def assign_networks() -> int:
    """Networks are the connected components of the graph of cases and
    entities. Each component keeps the id most of its entities already had,
    so addresses of network pages stay stable; returns how many there are."""
    groups = _UnionFind()
    pairs = Mention.objects.filter(entity__isnull=False).values_list("case_id", "entity_id")
    entity_ids: set[str] = set()
    for case_id, entity_id in pairs:
        entity_ids.add(str(entity_id))
        groups.union(f"e:{entity_id}", f"c:{case_id}")
    components: dict[str, list[str]] = defaultdict(list)
    for member in sorted(entity_ids):
        components[groups.find(f"e:{member}")].append(member)
    current = dict(Entity.objects.values_list("id", "network_id"))
    used: set[Any] = set()
    changes: dict[Any, list[str]] = defaultdict(list)
    for members in components.values():
        held = Counter(current.get(uuid.UUID(m)) for m in members if current.get(uuid.UUID(m)))
        network_id = next((nid for nid, _count in held.most_common() if nid not in used), None)
        if network_id is None:
            network_id = Network.objects.create().pk
        used.add(network_id)
        for member in members:
            if current.get(uuid.UUID(member)) != network_id:
                changes[network_id].append(member)
    for network_id, members in changes.items():
        Entity.objects.filter(pk__in=members).update(network_id=network_id)
        Network.objects.filter(pk=network_id).update(updated_at=timezone.now())
    Network.objects.exclude(pk__in=used).delete()
    return len(used)


# --- Incremental matching -------------------------------------------------------------


def match_mention(mention: Mention) -> Entity | None:
    """Give one mention its entity now: candidates are the consented mentions
    of the same role sharing a blind-index key with it; the engine's exact
    comparison and anti-chaining clustering decide among them; corrections
    apply. A mention whose person does not consent joins nothing."""
    if not has_consent(mention.case.person_id, PURPOSE):
        if mention.entity_id:
            mention.entity = None
            mention.save(update_fields=["entity"])
        return None
    keys = mention_keys(mention)
    candidate_ids = set(
        MentionKey.objects.filter(
            kind__in={kind for kind, _digest in keys},
            digest__in={digest for _kind, digest in keys},
            mention__role=mention.role,
            mention__entity__isnull=False,
        )
        .exclude(mention=mention)
        .values_list("mention_id", flat=True)[:MAX_CANDIDATES]
    )
    candidates = list(
        consented_mentions(Mention.objects.filter(pk__in=candidate_ids)).select_related("entity")
    )
    entity, probability = _best_entity(mention, candidates)
    with transaction.atomic():
        if entity is None:
            entity = Entity.objects.create(role=mention.role, key=f"{mention.role}:{mention.pk}")
        mention.entity = entity
        mention.match_probability = probability
        mention.save(update_fields=["entity", "match_probability"])
        _join_networks(mention, entity)
    return entity


def _best_entity(mention: Mention, candidates: list[Mention]) -> tuple[Entity | None, float | None]:
    if not candidates:
        return None, None
    rows = _engine_mentions(mention)
    for candidate in candidates:
        rows.extend(_engine_mentions(candidate))
    # Variants share their mention's id; the engine needs unique ids.
    variants = [
        linkage.Mention(f"{row.mention_id}#{index}", row.role, row.name, row.phone, row.address)
        for index, row in enumerate(rows)
    ]
    result = linkage.link(variants, min_for_model=10**9)
    cluster_of = {a.mention_id: a.entity_id for a in result.assignments}
    mine = {cluster_of[v.mention_id] for v in variants if v.mention_id.startswith(f"{mention.pk}#")}
    ids = {str(c.pk) for c in candidates} | {str(mention.pk)}
    _must, cannot = _constraints(ids)
    refused = {b if a == str(mention.pk) else a for a, b in cannot if str(mention.pk) in (a, b)}
    votes: Counter[Entity] = Counter()
    by_id = {str(c.pk): c for c in candidates}
    for variant in variants:
        owner = variant.mention_id.split("#", 1)[0]
        if owner in by_id and cluster_of[variant.mention_id] in mine:
            votes[by_id[owner].entity] += 1  # type: ignore[index]
    for entity, _count in votes.most_common():
        members = {str(pk) for pk in entity.mentions.values_list("pk", flat=True)}
        if not members & refused:
            return entity, 1.0
    return None, None


def _join_networks(mention: Mention, entity: Entity) -> None:
    """A new edge case–entity can only join networks: merge those touched."""
    touched = set(
        Entity.objects.filter(mentions__case_id=mention.case_id, network__isnull=False)
        .values_list("network_id", flat=True)
        .distinct()
    )
    if entity.network_id:
        touched.add(entity.network_id)
    if not touched:
        entity.network = Network.objects.create()
        entity.save(update_fields=["network"])
        return
    keep = min(touched, key=str)
    Entity.objects.filter(network_id__in=touched).update(network_id=keep)
    Entity.objects.filter(pk=entity.pk).update(network_id=keep)
    entity.network_id = keep
    Network.objects.filter(pk__in=touched - {keep}).delete()
    Network.objects.filter(pk=keep).update(updated_at=timezone.now())


# --- Full re-linkage ------------------------------------------------------------------


def require_network_staff(actor: Actor) -> Membership:
    """Supervisors and organisation admins correct linkage and start runs."""
    membership: Membership | None = getattr(actor.user_or_none, "membership", None)
    if membership is None or membership.role not in ORG_WIDE_CASE_ROLES:
        raise NotAllowed(_("Only supervisors and organisation admins correct or run linkage."))
    return membership


def running_run() -> LinkageRun | None:
    return LinkageRun.objects.filter(status__in=(RunStatus.QUEUED, RunStatus.RUNNING)).first()


def queue_linkage(actor: Actor) -> LinkageRun:
    require_network_staff(actor)
    if running_run() is not None:
        raise RunRefused(_("A linkage run is already waiting or running."))
    with transaction.atomic():
        run = LinkageRun.objects.create(created_by=actor.user_or_none)
        record(actor, "linkage.queue", run)
    from harbour.networks.tasks import run_linkage_task

    transaction.on_commit(lambda: run_linkage_task.enqueue(str(run.pk)))
    return run


ROLE_ORDER = list(linkage.ROLES)


def run_linkage(run_id: uuid.UUID | str, *, engine: str = "duckdb") -> LinkageRun:
    """Link every consented mention and write entities and networks at once."""
    run = LinkageRun.objects.get(pk=uuid.UUID(str(run_id)))
    if run.status not in (RunStatus.QUEUED, RunStatus.FAILED):
        return run
    LinkageRun.objects.filter(pk=run.pk).update(
        status=RunStatus.RUNNING, started_at=timezone.now(), percent=0, stage="reading"
    )
    actor = Actor(user=run.created_by, ip_address="linkage")
    started = time.monotonic()
    try:
        mentions = list(consented_mentions().select_related("case"))
        say = _progress_for(run.pk, {m.role for m in mentions})
        LinkageRun.objects.filter(pk=run.pk).update(percent=5, stage="normalising")
        rows: list[linkage.Mention] = []
        for mention in mentions:
            variants = _engine_mentions(mention)
            rows.extend(
                linkage.Mention(f"{v.mention_id}#{i}", v.role, v.name, v.phone, v.address)
                for i, v in enumerate(variants)
            )
        result = linkage.link(rows, engine=engine, progress=say)
        labels, probability = _labels_from(result.assignments)
        must, cannot = _constraints(set(labels))
        labels = apply_constraints(labels, must, cannot)
        with transaction.atomic():
            entities = _write_entities(mentions, labels, probability)
            networks = assign_networks()
            LinkageRun.objects.filter(pk=run.pk).update(
                status=RunStatus.DONE,
                mentions=len(mentions),
                entities=entities,
                networks=networks,
                methods=result.method,
                percent=100,
                stage="done",
                finished_at=timezone.now(),
            )
            record(
                actor,
                "linkage.run",
                run,
                detail={
                    "mentions": len(mentions),
                    "entities": entities,
                    "seconds": round(time.monotonic() - started, 1),
                },
            )
    except Exception as error:
        with transaction.atomic():
            LinkageRun.objects.filter(pk=run.pk).update(
                status=RunStatus.FAILED,
                failure=_("The run stopped (%(error)s); nothing was changed.")
                % {"error": type(error).__name__},
                finished_at=timezone.now(),
            )
            record(actor, "linkage.fail", run, detail={"error": type(error).__name__})
        raise
    run.refresh_from_db()
    return run


def _progress_for(run_id: Any, roles: set[str]) -> Callable[[str], None]:
    """Engine messages move the bar role by role; only the role is stored."""
    present = [role for role in ROLE_ORDER if role in roles] or ["-"]

    def say(message: str) -> None:
        for index, role in enumerate(present):
            if message.startswith(f"{role}:") and "links kept" in message:
                percent = 10 + round(85 * (index + 1) / len(present))
                LinkageRun.objects.filter(pk=run_id).update(percent=percent, stage=role)

    return say


def _labels_from(
    assignments: Iterable[linkage.Assignment],
) -> tuple[dict[str, str], dict[str, float | None]]:
    """Variants back to their mention: a mention takes its first variant's
    cluster, and the clusters of its other variants join it."""
    groups = _UnionFind()
    probability: dict[str, float | None] = {}
    for assignment in assignments:
        owner = assignment.mention_id.split("#", 1)[0]
        groups.union(f"m:{owner}", f"x:{assignment.entity_id}")
        value, best = assignment.match_probability, probability.get(owner)
        probability[owner] = (
            best if value is None or (best is not None and best >= value) else value
        )
    owners = {key[2:] for key in groups.parent if key.startswith("m:")}
    return {owner: groups.find(f"m:{owner}") for owner in owners}, probability


def _write_entities(
    mentions: list[Mention], labels: Mapping[str, str], probability: Mapping[str, float | None]
) -> int:
    members: dict[str, list[str]] = defaultdict(list)
    for mention_id, label in labels.items():
        members[label].append(mention_id)
    role_of = {str(m.pk): m.role for m in mentions}
    existing = {entity.key: entity for entity in Entity.objects.all()}
    entity_of: dict[str, Entity] = {}
    for ids in members.values():
        first = min(ids)
        key = f"{role_of[first]}:{first}"
        entity = existing.get(key) or Entity.objects.create(role=role_of[first], key=key)
        for mention_id in ids:
            entity_of[mention_id] = entity
    Mention.objects.update(entity=None, match_probability=None)
    by_entity: dict[Any, list[str]] = defaultdict(list)
    for mention_id, entity in entity_of.items():
        by_entity[entity.pk].append(mention_id)
    for entity_pk, ids in by_entity.items():
        Mention.objects.filter(pk__in=ids).update(entity_id=entity_pk)
    for mention_id, value in probability.items():
        if (
            value is not None
            and mention_id in entity_of
            and len(by_entity[entity_of[mention_id].pk]) > 1
        ):
            Mention.objects.filter(pk=mention_id).update(match_probability=value)
    _drop_empty_entities()
    return len(by_entity)


# --- Corrections by staff -------------------------------------------------------------


def _require_own_mention(membership: Membership, mention: Mention) -> None:
    if mention.organisation_id != membership.organisation_id:
        raise NotAllowed(_("Only mentions of your organisation's cases can be corrected."))


def merge_entities(actor: Actor, entity: Entity, other: Entity) -> Entity:
    """The two are the same party: a must-link between one mention of each
    (of the actor's organisation where possible); applied now and by every later run."""
    membership = require_network_staff(actor)
    if entity.pk == other.pk:
        return entity
    if entity.role != other.role:
        raise InvalidMention("other", _("Only parties of the same role can be merged."))
    own = Mention.objects.filter(organisation_id=membership.organisation_id)
    left = own.filter(entity=entity).order_by("pk").first()
    right = own.filter(entity=other).order_by("pk").first()
    if left is None or right is None:
        raise NotAllowed(_("Both parties must be named on your organisation's cases."))
    with transaction.atomic():
        LinkConstraint.objects.filter(
            kind=ConstraintKind.CANNOT_LINK,
            mention_a__in=[left, right],
            mention_b__in=[left, right],
        ).delete()
        constraint = LinkConstraint.objects.create(
            kind=ConstraintKind.MUST_LINK,
            mention_a=left,
            mention_b=right,
            organisation_id=membership.organisation_id,
            created_by=actor.user_or_none,
        )
        Mention.objects.filter(entity=other).update(entity=entity)
        _drop_empty_entities()
        assign_networks()
        record(actor, "entity.merge", constraint, detail={"entities": 2})
    return entity


def split_mention(actor: Actor, mention: Mention) -> Entity | None:
    """The mention is not the party its entity is: cannot-links to the
    entity's other mentions; it becomes an entity of its own."""
    membership = require_network_staff(actor)
    _require_own_mention(membership, mention)
    entity = mention.entity
    if entity is None:
        return None
    others = list(entity.mentions.exclude(pk=mention.pk))
    if not others:
        return entity
    with transaction.atomic():
        LinkConstraint.objects.filter(kind=ConstraintKind.MUST_LINK, mention_a=mention).delete()
        LinkConstraint.objects.filter(kind=ConstraintKind.MUST_LINK, mention_b=mention).delete()
        LinkConstraint.objects.bulk_create(
            LinkConstraint(
                kind=ConstraintKind.CANNOT_LINK,
                mention_a=other,
                mention_b=mention,
                organisation_id=membership.organisation_id,
                created_by=actor.user_or_none,
            )
            for other in others
        )
        key = f"{mention.role}:{mention.pk}"
        new = Entity.objects.filter(key=key).first() or Entity.objects.create(
            role=mention.role, key=key
        )
        mention.entity = new
        mention.match_probability = None
        mention.save(update_fields=["entity", "match_probability"])
        if entity.key == key:  # the old entity was keyed on this mention
            entity.key = f"{entity.role}:{min(str(o.pk) for o in others)}"
            entity.save(update_fields=["key"])
        assign_networks()
        record(actor, "entity.split", mention, detail={"cannot_links": len(others)})
    return new


# --- Sharing --------------------------------------------------------------------------


def sharing_of(organisation_id: int) -> SharingSetting:
    return SharingSetting.objects.get_or_create(organisation_id=organisation_id)[0]


def update_sharing(
    actor: Actor, contact: str, shares_with: Iterable[Organisation]
) -> SharingSetting:
    membership = require_network_staff(actor)
    chosen = [org for org in shares_with if org.pk != membership.organisation_id]
    with transaction.atomic():
        setting = sharing_of(membership.organisation_id)
        setting.contact = contact.strip()[:200]
        setting.save()
        setting.shares_with.set(chosen)
        record(
            actor,
            "network_sharing.update",
            setting,
            detail={"fields": ["contact", "shares_with"], "organisations": len(chosen)},
        )
    return setting
