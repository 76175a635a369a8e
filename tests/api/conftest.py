"""API fixtures: bearer tokens issued the way `harbour api-token` issues them."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from harbour.accounts.models import User
from harbour.api.services import issue_token
from harbour.audit.services import Actor


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def token_for(db: Any) -> Callable[..., str]:
    def issue(user: User, *, days: int | None = 90) -> str:
        return issue_token(Actor.system("test"), user, "test", days=days)

    return issue


class ApiClient:
    """A Django test client that speaks JSON with a bearer token."""

    def __init__(self, token: str | None) -> None:
        self.client = Client()
        self.headers = bearer(token) if token else {}

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(path, params, headers=self.headers)

    def post(self, path: str, body: Any) -> Any:
        return self._send("post", path, body)

    def patch(self, path: str, body: Any) -> Any:
        return self._send("patch", path, body)

    def put(self, path: str, body: Any) -> Any:
        return self._send("put", path, body)

    def _send(self, method: str, path: str, body: Any) -> Any:
        data = body if isinstance(body, str | bytes) else json.dumps(body)
        return getattr(self.client, method)(
            path, data, content_type="application/json", headers=self.headers
        )


@pytest.fixture
def api_as(token_for: Callable[..., str]) -> Callable[[User], ApiClient]:
    """`api_as(user)` is a client carrying a fresh token of that user."""
    return lambda user: ApiClient(token_for(user))
