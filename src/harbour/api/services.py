from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from harbour.accounts.models import User
from harbour.api.models import ApiToken, hash_token
from harbour.audit.services import Actor, record


def issue_token(actor: Actor, user: User, name: str, *, days: int | None = 90) -> str:
    """Create a token and return it in clear, the only time it exists so."""
    raw = ApiToken.new_raw_token()
    expires = timezone.now() + datetime.timedelta(days=days) if days else None
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user, name=name, token_hash=hash_token(raw), expires_at=expires
        )
        record(actor, "api_token.create", token)
    return raw


def revoke_tokens(actor: Actor, user: User, name: str) -> int:
    """Withdraw the user's tokens of that name at once; returns how many."""
    with transaction.atomic():
        tokens = list(ApiToken.objects.filter(user=user, name=name))
        for token in tokens:
            record(actor, "api_token.revoke", token)
        ApiToken.objects.filter(pk__in=[t.pk for t in tokens]).delete()
    return len(tokens)


def user_for_token(raw: str) -> User | None:
    token = (
        ApiToken.objects.select_related("user", "user__membership")
        .filter(token_hash=hash_token(raw))
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.expires_at is not None and token.expires_at <= now:
        return None
    if token.last_used_at is None or now - token.last_used_at > datetime.timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
