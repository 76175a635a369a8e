"""Accounts: creating staff and organisations (used by the CLI and demo)."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from harbour.accounts.models import Membership, Organisation, Role, User
from harbour.audit.services import Actor, record


def create_organisation(actor: Actor, name: str, province: str) -> Organisation:
    with transaction.atomic():
        organisation = Organisation.objects.create(name=name, province=province)
        record(actor, "organisation.create", organisation)
    return organisation


def create_staff(
    actor: Actor,
    organisation: Organisation,
    username: str,
    password: str,
    role: Role | str,
    *,
    email: str = "",
    validate: bool = True,
) -> User:
    role = Role(role)
    with transaction.atomic():
        user = User(username=username, email=email, is_staff=False)
        if validate:
            validate_password(password, user)
        user.set_password(password)
        user.save()
        Membership.objects.create(user=user, organisation=organisation, role=role)
        record(actor, "user.create", user, detail={"role": role.value})
    return user
