"""Fixtures of other folders that tests/core uses (the refusal-logging tests)."""

from tests.api.conftest import api_as, token_for  # noqa: F401
from tests.public.test_access_log import console_output  # noqa: F401
