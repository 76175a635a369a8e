"""Every response says which browser features Harbour never uses (issue 15, finding 11).

A page that cannot ask for the camera, microphone or location cannot be made to
by injected script or a framed third party either: Permissions-Policy turns the
features off for the page and everything it embeds.
"""

from __future__ import annotations

import pytest
from django.test import Client

from harbour.core.middleware import PERMISSIONS_POLICY

REFUSED_FEATURES = ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()")


def assert_refuses_features(response) -> None:
    policy = response.headers.get("Permissions-Policy", "")
    for feature in REFUSED_FEATURES:
        assert feature in policy, f"{response.request['PATH_INFO']}: {policy!r}"


def test_the_policy_refuses_every_feature_it_names():
    directives = [part.strip() for part in PERMISSIONS_POLICY.split(",")]
    assert all(directive.endswith("=()") for directive in directives), directives
    assert len(directives) == len(set(directives))


def test_staff_pages_refuse_camera_microphone_and_location(signed_in, caseworker, case):
    client = signed_in(caseworker)
    for path in ("/cases/", f"/cases/{case.pk}/", "/no-such-page/"):
        assert_refuses_features(client.get(path))


@pytest.mark.django_db
def test_the_login_page_and_static_files_refuse_them_too():
    assert_refuses_features(Client().get("/accounts/login/"))
    assert_refuses_features(Client().get("/static/harbour/harbour.css"))


@pytest.mark.django_db
def test_the_public_site_refuses_them():
    assert_refuses_features(Client().get("/help/"))
    assert_refuses_features(Client().get("/help/no-such-page/"))


def test_api_responses_refuse_them(api_as, caseworker, case):
    client = api_as(caseworker)
    assert_refuses_features(client.get(f"/api/v1/cases/{case.pk}"))
    assert_refuses_features(client.get("/api/v1/cases/not-a-uuid"))
    assert_refuses_features(Client().get("/api/v1/cases"))  # 401
