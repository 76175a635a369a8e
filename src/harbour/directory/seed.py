"""The fictional seed directory: `knowledge/directory/*.yaml`, read strictly.

The files go through the same strict YAML loader as the other knowledge
(duplicate keys, YAML 1.1 booleans and implicit dates are errors) and a
pydantic model that refuses unknown keys and anything that does not look
fictional: phone numbers must be in the 555-01xx range kept for fiction, web
sites and e-mail addresses under example.org.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from django.conf import settings
from django.db import transaction
from pydantic import Field, field_validator

from harbour.audit.services import Actor, record
from harbour.knowledge.loader import (
    KNOWLEDGE_ROOT,
    KnowledgeError,
    display_path,
    find_duplicates,
    load_yaml_strict,
    parse_model,
)
from harbour.knowledge.models import IsoDate, NonEmpty, Slug, Strict

DIRECTORY_DIR = KNOWLEDGE_ROOT / "directory"

NeedCode = Literal[
    "safety",
    "housing",
    "health",
    "mental_health",
    "legal",
    "immigration",
    "income",
    "employment",
    "language",
    "family",
    "education",
]
ProvinceCode = Literal["AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT"]
FICTIONAL_PHONE = re.compile(r"^(?:1-)?(?:\d{3})-555-01\d\d$")
FICTIONAL_HOST = re.compile(r"^https://(?:[a-z0-9-]+\.)*example\.org(?:/[\w./-]*)?$")
FICTIONAL_EMAIL = re.compile(r"^[a-z0-9._-]+@(?:[a-z0-9-]+\.)*example\.org$")


class SeedService(Strict):
    id: Slug
    name: NonEmpty
    name_fr: str = ""
    description: NonEmpty
    description_fr: str = ""
    needs: list[NeedCode] = Field(min_length=1)
    provinces: list[ProvinceCode] = Field(min_length=1)
    regions: str = ""
    languages: list[str] = Field(min_length=1)
    eligibility: str = ""
    cost: Literal["free", "sliding", "fee"]
    phone: str
    email: str = ""
    website: str = ""
    hours: str = ""
    last_verified: IsoDate

    @field_validator("languages")
    @classmethod
    def _known_languages(cls, value: list[str]) -> list[str]:
        from harbour.directory.models import Language

        unknown = sorted(set(value) - set(Language.values))
        if unknown:
            raise ValueError(f"unknown language codes {unknown}")
        return value

    @field_validator("phone")
    @classmethod
    def _fictional_phone(cls, value: str) -> str:
        if not FICTIONAL_PHONE.match(value):
            raise ValueError("must be a fictional number such as 416-555-0142 (555-01xx)")
        return value

    @field_validator("website")
    @classmethod
    def _fictional_website(cls, value: str) -> str:
        if value and not FICTIONAL_HOST.match(value):
            raise ValueError("must be an https address under example.org")
        return value

    @field_validator("email")
    @classmethod
    def _fictional_email(cls, value: str) -> str:
        if value and not FICTIONAL_EMAIL.match(value):
            raise ValueError("must be an address under example.org")
        return value


class SeedProvider(Strict):
    id: Slug
    name: NonEmpty
    website: str = ""
    services: list[SeedService] = Field(min_length=1)

    @field_validator("website")
    @classmethod
    def _fictional_website(cls, value: str) -> str:
        if value and not FICTIONAL_HOST.match(value):
            raise ValueError("must be an https address under example.org")
        return value


class SeedDirectory(Strict):
    version: NonEmpty
    fictional: Literal[True]
    note: NonEmpty
    providers: list[SeedProvider] = Field(min_length=1)


def load_seed_file(path: Path | str) -> SeedDirectory:
    file = display_path(path)
    directory = parse_model(SeedDirectory, load_yaml_strict(path), file)
    ids = [p.id for p in directory.providers] + [
        s.id for p in directory.providers for s in p.services
    ]
    duplicates = find_duplicates(ids)
    if duplicates:
        raise KnowledgeError(file, duplicates[0], "this id is used more than once")
    phones = [s.phone for p in directory.providers for s in p.services]
    if find_duplicates(phones):
        raise KnowledgeError(file, find_duplicates(phones)[0], "this phone number is used twice")
    return directory


def load_seed(folder: Path = DIRECTORY_DIR) -> list[SeedDirectory]:
    return [load_seed_file(path) for path in sorted(folder.glob("*.yaml"))]


def load_demo_directory(folder: Path = DIRECTORY_DIR) -> int:
    """Load (or refresh) the fictional directory; returns the services created.

    Entries are keyed by their seed id, so running it again updates them in
    place instead of adding copies. Refused in production: the entries are
    invented and must never reach people looking for real help.
    """
    from harbour.directory.models import Service, ServiceProvider, pack

    if settings.PRODUCTION:
        raise KnowledgeError(
            "directory", "(demo)", "the fictional directory is refused in production"
        )
    created = 0
    with transaction.atomic():
        for directory in load_seed(folder):
            for seed_provider in directory.providers:
                provider, _ = ServiceProvider.objects.update_or_create(
                    seed_key=seed_provider.id,
                    defaults={"name": seed_provider.name, "website": seed_provider.website},
                )
                for item in seed_provider.services:
                    fields = item.model_dump(exclude={"id"})
                    for name in ("needs", "provinces", "languages"):
                        fields[name] = pack(fields[name])
                    _, was_created = Service.objects.update_or_create(
                        seed_key=item.id, defaults={**fields, "provider": provider}
                    )
                    created += int(was_created)
        record(Actor.system("demo"), "directory.seed", detail={"created": created})
    return created
