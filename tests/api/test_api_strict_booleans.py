"""Booleans in API bodies are JSON true or false, nothing else (issue 15, finding 10).

Pydantic's lax mode reads 0, 1, "yes" and "false" as booleans: a client that
sends `"complete": 0` meaning "not yet" would see it read as false by luck, and
`"complete": "no"` is a bug in the client that the API should name, not guess.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import BaseModel

import harbour.api.api  # noqa: F401 - imports every router, so every input schema exists
from harbour.api.schemas import Strict
from harbour.screening.models import Assessment

EVALUATE = "/api/v1/screening/evaluate"


def _error_locations(response: Any) -> list[list[Any]]:
    return [error["loc"] for error in response.json()["detail"]]


@pytest.mark.parametrize("value", [0, 1, "true", "no", 1.0])
def test_an_assessment_with_a_complete_that_is_not_true_or_false_is_a_422_naming_the_field(
    api_as, caseworker, case, value
):
    response = api_as(caseworker).post(
        f"/api/v1/cases/{case.pk}/assessments", {"answers": {}, "complete": value}
    )
    assert response.status_code == 422
    assert ["body", "payload", "complete"] in _error_locations(response)
    assert Assessment.objects.count() == 0


def test_an_assessment_with_complete_false_is_still_accepted(api_as, caseworker, case):
    response = api_as(caseworker).post(
        f"/api/v1/cases/{case.pk}/assessments", {"answers": {}, "complete": False}
    )
    assert response.status_code == 201
    assert response.json()["status"] == "in_progress"


def test_a_screening_fact_given_as_an_integer_is_a_422_naming_the_fact(api_as, caseworker):
    response = api_as(caseworker).post(EVALUATE, {"answers": {}, "facts": {"under_18": 1}})
    assert response.status_code == 422
    assert ["body", "payload", "facts", "under_18"] in _error_locations(response)


def test_a_closure_decision_given_as_an_integer_is_a_422_and_decides_nothing(
    api_as, caseworker, supervisor, case
):
    requested = api_as(caseworker).post(f"/api/v1/cases/{case.pk}/closure-requests", {})
    path = f"/api/v1/closure-requests/{requested.json()['id']}/decision"
    response = api_as(supervisor).post(path, {"approve": 1})
    assert response.status_code == 422
    assert ["body", "payload", "approve"] in _error_locations(response)
    # The request is still open: a real decision can be made.
    assert api_as(supervisor).post(path, {"approve": True}).json()["status"] == "approved"


def _input_schemas(base: type[BaseModel] = Strict) -> Iterator[type[BaseModel]]:
    for subclass in base.__subclasses__():
        yield subclass
        yield from _input_schemas(subclass)


def _lax_booleans(schema: Any, path: str = "") -> Iterator[str]:
    """Paths in a pydantic core schema to bool validators that are not strict."""
    if isinstance(schema, dict):
        if schema.get("type") == "bool" and not schema.get("strict"):
            yield path or "(root)"
        for key, value in schema.items():
            yield from _lax_booleans(value, f"{path}.{key}" if path else str(key))
    elif isinstance(schema, list):
        for index, value in enumerate(schema):
            yield from _lax_booleans(value, f"{path}[{index}]")


def test_every_boolean_of_every_api_input_schema_is_strict():
    schemas = list(_input_schemas())
    assert len(schemas) > 20  # the walk found the routers' schemas
    lax = {
        schema.__name__: list(_lax_booleans(schema.__pydantic_core_schema__)) for schema in schemas
    }
    assert {name: paths for name, paths in lax.items() if paths} == {}
